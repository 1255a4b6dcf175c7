// scan_state: the --state file of incremental scans (cron). It remembers the
// log files already read (by what they are: key, size, SHA-256), the matching
// records counted (for de-duplication), every series' observations, and the
// hits already reported, so that the next run reads only new files,
// re-evaluates the whole timeline, and reports each hit once. Written to a
// fresh temporary file (mkstemp: never through a planted symlink), fsynced
// and renamed: a run killed at any moment leaves the previous state intact.
// A header and a trailer (line count, SHA-256) make a damaged, truncated or
// empty file an error instead of a silent first run. A lock file keeps two
// runs from using one state at the same time.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metric/scan_data.h"
#include "trailwatch/status.h"

namespace trailwatch::pipeline {

/// An alarm episode already reported: [start, end]; for an episode still in
/// ALARM at the end of the data, end is the newest record's time then.
struct ReportedEpisode {
  UnixSeconds start = 0;
  UnixSeconds end = 0;
  /// True if the two episodes share a moment (then they are one incident).
  bool Overlaps(const ReportedEpisode& o) const { return start <= o.end && o.start <= end; }
};

/// A log file already read, identified by what it is, not where it is.
struct FileEntry {
  std::string key;   ///< the path from AWSLogs/ on, else relative to the folder scanned
  uint64_t size = 0;
  std::optional<UnixSeconds> delivered;  ///< the delivery stamp of its S3 name
  // What stat said when it was read (or last recognized): a file with the
  // same device, inode, size, mtime and ctime is not hashed again. ctime
  // cannot be set by a user, so this shortcut cannot be forged.
  uint64_t dev = 0, ino = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;

  /// When it arrived: its S3 delivery stamp, else its mtime.
  UnixSeconds Arrival() const { return delivered ? *delivered : mtime_ns / 1000000000; }
};

struct ScanState {
  std::string rules_fingerprint;  ///< the rules and options the data was gathered with
  std::map<std::string, FileEntry> files;  ///< SHA-256 (hex) of the file's bytes -> entry
  RecordKeys counted;             ///< matching records counted (de-duplication)
  /// Per alarm and dimension values (see EpisodeKey): the episodes reported.
  std::map<std::string, std::vector<ReportedEpisode>> reported;
  ScanData data;

  /// Drops minutes, evidence and counted records before `data_before`, and
  /// reported episodes that ended before `reported_before`; and all of them
  /// after `after` (records dated far in the future: reported by the run that
  /// read them, not kept, so that a forged flood cannot grow the state forever).
  void Prune(UnixSeconds data_before, UnixSeconds reported_before,
             UnixSeconds after = std::numeric_limits<UnixSeconds>::max());
};

/// Holds the lock on STATE.lock while alive.
class StateLock {
 public:
  StateLock() = default;
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  /// Fails at once (with a clear message) if another run holds the lock.
  Status Acquire(const std::string& state_path);

 private:
  int fd_ = -1;
};

/// Reads a state file; a missing file is an empty state. A file that is
/// empty, truncated, damaged (checksum), of another format, or has a
/// malformed line is refused with a message naming the file and line.
Status LoadState(const std::string& path, ScanState* state);
/// Writes the state atomically (a new temporary file beside it, fsync, rename,
/// fsync of the folder). On failure the old state is left as it was.
Status SaveState(const std::string& path, const ScanState& state);

/// The identity of an alarm's series across runs: alarm name and dimensions.
std::string EpisodeKey(const std::string& alarm, const KeyValues& dimensions);

}  // namespace trailwatch::pipeline
