// Input: turns command-line paths (files, folders in the S3 layout, `-`) into an
// ordered list of log inputs, skipping digests and non-log files with counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/time.h"

namespace trailwatch {

/// One input to read: a file found on disk, or standard input.
struct InputFile {
  std::string path;                        ///< as given or joined from a folder walk; "-" is stdin
  bool is_stdin = false;
  bool named = false;                      ///< named on the command line (read whatever its name)
  std::optional<UnixSeconds> delivered_at; ///< delivery stamp of an S3 log file name, if any
};

/// Why a walk left a path out, counted for the run summary.
struct WalkCounts {
  uint64_t digest_files = 0;      ///< under CloudTrail-Digest/ or named *_CloudTrail-Digest_*
  uint64_t non_log_files = 0;     ///< names that are not .json/.jsonl/.ndjson/.gz, hidden files
  uint64_t special_files = 0;     ///< FIFOs, sockets, devices found inside folders
  uint64_t outside_time = 0;      ///< S3 delivery stamp proves no record is in --since/--until
  uint64_t errors = 0;            ///< missing paths, unreadable folders, symlink loops
};

/// Time bounds for pruning by S3 file name; either side may be open.
struct TimeRange {
  std::optional<UnixSeconds> since;  ///< inclusive
  std::optional<UnixSeconds> until;  ///< inclusive
  bool Contains(UnixSeconds t) const {
    return (!since || t >= *since) && (!until || t <= *until);
  }
};

/// True for the file names a folder walk reads: *.json, *.jsonl, *.ndjson, *.gz.
bool IsLogName(std::string_view name);

/// What a folder walk does with a regular file it finds. The readers (ExpandInputs)
/// and `verify` both decide with these, so verify judges exactly what scan reads.
enum class WalkedFile { kLog, kDigest, kOther };
/// A folder the walk enters (not hidden: .git, .cache are skipped).
bool WalkEntersFolder(std::string_view name);
/// CloudTrail-Digest: nothing below it is read as a log.
bool IsDigestFolderName(std::string_view name);
/// `name` is the file's own name; `in_digest_folder` is true below a digest folder.
/// kLog: read (an IsLogName, not hidden, not a digest); kDigest: skipped as a
/// digest (below a digest folder, or named *_CloudTrail-Digest_*); kOther: skipped.
WalkedFile ClassifyWalkedFile(std::string_view name, bool in_digest_folder);

/// Reads the delivery time from a CloudTrail log file name
/// (`<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`).
std::optional<UnixSeconds> S3DeliveryTime(std::string_view file_name);

/// True when a file delivered at `delivered_at` cannot hold a record in `range`
/// (see the margins in input/walker.cpp).
bool DeliveryOutsideRange(UnixSeconds delivered_at, const TimeRange& range);

/// Expands `paths` in order. Folders are walked recursively with entries
/// sorted by name, so the result is deterministic. Problems are appended to
/// `errors` as complete messages (already terminal-safe) and counted.
std::vector<InputFile> ExpandInputs(const std::vector<std::string>& paths, const TimeRange& range,
                                    WalkCounts* counts, std::vector<std::string>* errors);

}  // namespace trailwatch
