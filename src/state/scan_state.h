// scan_state: the --state file of incremental scans (cron). It remembers the
// files already read, every series' observations, and the hits already
// reported, so that the next run reads only new files, re-evaluates the whole
// timeline, and reports each hit once. Written to a temporary file, fsynced
// and renamed: a run killed at any moment leaves the previous state intact.
// A lock file keeps two runs from using one state at the same time.
#pragma once

#include <cstdint>
#include <map>
#include <vector>
#include <string>

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

struct ScanState {
  struct FileStamp {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
  };
  std::string rules_fingerprint;           ///< the rules and options the data was gathered with
  std::map<std::string, FileStamp> files;  ///< absolute path -> what it was when read
  /// Per alarm and dimension values (see EpisodeKey): the episodes reported.
  std::map<std::string, std::vector<ReportedEpisode>> reported;
  ScanData data;

  /// Drops minutes and evidence before `data_before`, and reported episodes
  /// that ended before `reported_before`.
  void Prune(UnixSeconds data_before, UnixSeconds reported_before);
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

/// Reads a state file; a missing file is an empty state.
Status LoadState(const std::string& path, ScanState* state);
/// Writes the state atomically (temporary file, fsync, rename, fsync of the folder).
Status SaveState(const std::string& path, const ScanState& state);

/// The identity of an alarm's series across runs: alarm name and dimensions.
std::string EpisodeKey(const std::string& alarm, const KeyValues& dimensions);

}  // namespace trailwatch::pipeline
