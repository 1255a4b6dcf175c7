// scan_files: which log files a --state run reads. A file is identified by
// what it is, not where it is: its content (SHA-256 of its bytes and size),
// and for change detection its key (the path from AWSLogs/ on, else the path
// below the folder scanned). A moved folder, a symlink, a bind mount or a copy
// therefore reads nothing again. stat (device, inode, size, mtime, ctime) is
// only a shortcut that spares hashing a file already recognized: ctime cannot
// be set by a user, so a file with all five unchanged has not been written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "state/scan_state.h"
#include "trailwatch/record.h"

namespace trailwatch::pipeline {

/// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

struct FileStat {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool regular = false;
  bool operator==(const FileStat&) const = default;
};
std::optional<FileStat> StatFile(const std::string& path);

/// The key of a log file: from its last `AWSLogs` component on; else its path
/// relative to the command-line folder it was found in; else its name.
std::string FileKey(const InputFile& f, const std::vector<std::string>& roots);

/// True for keys of CloudTrail's own delivery files (under AWSLogs/), which
/// never change after delivery.
bool IsDeliveryKey(std::string_view key);

/// The SHA-256 (hex) of a file's bytes, and of its first `prefix` bytes when
/// `prefix` > 0 (to tell an append from a change). Fails if the file is not
/// `size` bytes long when read (it is being written).
struct FileHash {
  std::string sha, prefix_sha;
};
Result<FileHash> HashFile(const std::string& path, uint64_t size, uint64_t prefix);

/// Decides for each input of a --state run whether it is read, then records
/// the files read completely. Files delivered (by S3 name) and modified before
/// `old_before` are not read: the state's timeline does not reach them.
class StateFiles {
 public:
  StateFiles(ScanState* state, UnixSeconds old_before, size_t jobs)
      : state_(state), old_before_(old_before), jobs_(jobs) {}

  /// The verdict for each input, in order: true = read it.
  std::vector<bool> Plan(const std::vector<InputFile>& inputs, const std::vector<std::string>& roots);
  /// After input `i` (of those given to Plan) was read: a file read to its
  /// end, unchanged meanwhile, is recorded; a damaged or cut one is not, so
  /// that the next run reads it again.
  void Done(size_t i, const InputReport& report);
  /// Drops the entries of files the next run would not read anyway.
  void Prune();
  /// A warning if no file arrived for longer than `stale_after` before `now`
  /// (arrival: the S3 delivery stamp, else the mtime; times after now + 15
  /// minutes are not believed), or nullopt.
  std::optional<std::string> StaleWarning(UnixSeconds now, int64_t stale_after) const;

  uint64_t known = 0;        ///< read by an earlier run (same content)
  uint64_t too_old = 0;      ///< before the state's horizon, not read
  uint64_t copies = 0;       ///< the content of another input of this run
  uint64_t changed = 0;      ///< log_changed warnings
  uint64_t not_recorded = 0; ///< read, but to be read again next run

 private:
  struct Candidate {
    enum class Verdict { kRead, kKnown, kTooOld, kCopy };
    Verdict verdict = Verdict::kRead;
    bool recordable = false;  ///< a regular file whose content was hashed
    bool hash = false;        ///< to be hashed
    std::string key, path;
    std::optional<UnixSeconds> delivered;
    FileStat st;
    FileHash hashed;
    std::string error;        ///< why hashing failed
    const FileEntry* previous = nullptr;  ///< the entry last recorded under this key
    std::string previous_sha;
  };
  void Decide(Candidate& c, const InputFile& f);
  void DecideHashed(Candidate& c, const InputFile& f);
  void HashAll(const std::vector<InputFile>& inputs);

  ScanState* state_;
  UnixSeconds old_before_;
  size_t jobs_;
  struct Arrival {
    UnixSeconds time = 0;
    std::string key;
    bool stamped = false;  ///< by the S3 delivery stamp (else the mtime)
  };
  std::vector<Candidate> candidates_;
  std::unordered_set<std::string> run_shas_;  ///< contents read by this run
  std::vector<Arrival> arrivals_;             ///< the files read by this run
};

}  // namespace trailwatch::pipeline
