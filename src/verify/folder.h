// Folder: what `verify` reads from a downloaded bucket: the digest files, the
// CloudTrail log files and the .sig sidecars, read in parallel on N workers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/status.h"
#include "verify/digest.h"

namespace trailwatch::verify {

/// The files of FOLDER by kind, as paths relative to it ('/'-separated, sorted).
struct FolderIndex {
  std::string display_root;  ///< FOLDER as given, without trailing '/'
  std::string abs_root;      ///< FOLDER made absolute and normalized
  std::vector<std::string> digests;  ///< *_CloudTrail-Digest_*.json.gz
  std::vector<std::string> logs;     ///< every file `scan` reads (ClassifyWalkedFile: kLog)
  std::set<std::string, std::less<>> sidecars;  ///< <digest>.sig
  std::vector<std::string> errors;   ///< unreadable folders (raw text: escape to print)
  uint64_t other_files = 0;
  uint64_t hidden = 0;               ///< hidden entries, skipped as readers skip them

  /// The path to print for an absolute path (under FOLDER: FOLDER + the rest).
  std::string Display(std::string_view abs_path) const;
  std::string Abs(std::string_view rel) const { return abs_root + "/" + std::string(rel); }
};

/// Walks FOLDER recursively as the readers do (symlinked folders followed once,
/// hidden entries skipped, nothing below CloudTrail-Digest/ read as a log).
/// Fails only if FOLDER itself cannot be read.
Result<FolderIndex> IndexFolder(const std::string& folder);

/// A digest file as read from disk.
struct LoadedDigest {
  std::string rel;          ///< path relative to FOLDER
  Status status;            ///< not OK: unreadable or not a digest (then `digest` is empty)
  Digest digest;
  std::string sha256;       ///< hex SHA-256 of the decompressed bytes
  bool trailing_data = false;             ///< more than one gzip member
  std::optional<std::string> sidecar;     ///< signature hex from <file>.sig, if present
  std::string sidecar_error;              ///< why the sidecar could not be used
};

/// The outcome of hashing one log file.
struct LogHash {
  Status status;        ///< I/O error or corrupt gzip
  std::string sha256;   ///< over everything decoded
  uint64_t members = 0; ///< gzip members
  bool trailing_data = false;  ///< bytes after the first gzip member (gzip or not)
};

/// Runs fn(worker, task) for task in [0, tasks) on `jobs` threads.
void ParallelFor(size_t tasks, size_t jobs, const std::function<void(size_t, size_t)>& fn);

/// Reads and parses every digest of `index` (and its sidecar) on `jobs` threads.
std::vector<LoadedDigest> LoadDigests(const FolderIndex& index, size_t jobs);

/// Hashes the decompressed content of each path on `jobs` threads, streaming
/// through a fixed buffer per worker.
std::vector<LogHash> HashLogs(const std::vector<std::string>& abs_paths, size_t jobs);

/// Reads a .sig sidecar: the hex `x-amz-meta-signature` value, alone (blanks
/// around it ignored) or as the JSON printed by `aws s3api head-object`
/// ({"Metadata":{"signature":"<hex>",...}}).
Result<std::string> ParseSidecar(std::string_view content);

}  // namespace trailwatch::verify
