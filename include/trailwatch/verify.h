// Verify: `trailwatch verify`, offline CloudTrail log file integrity validation
// from the digest files of a downloaded bucket (recipe: src/verify/verify.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/status.h"
#include "trailwatch/time.h"

namespace trailwatch {

/// What `trailwatch verify FOLDER` is told on the command line.
struct VerifyOptions {
  std::string folder;                ///< FOLDER: a download of the bucket (or a part of it)
  std::optional<UnixSeconds> start;  ///< --start: only digests ending at or after it
  std::optional<UnixSeconds> end;    ///< --end: only digests ending before end + 1 hour
  std::string public_keys;           ///< --public-keys FILE_OR_DIR; empty: signatures not checked
  std::vector<std::string> accept_restarts;  ///< --accept-restart FROM/TO, as typed (parsed by Verify)
  bool jsonl = false;                ///< --format jsonl (default text)
  size_t jobs = 0;                   ///< -j: hashing threads; 0 = one per core
};

/// `trailwatch verify`. Prints the report on stdout. Exit 0 when everything
/// checked is valid, 1 when a problem was found, 2 on an error (unreadable or
/// corrupt file, bad public key file, bad arguments, nothing to verify).
/// With public keys and --end ("strict"), any part of the time up to --end
/// that cannot be verified is a problem.
int RunVerify(const VerifyOptions& options);

namespace verify {

/// What a finding is about. Problems make the exit status 1, errors 2.
enum class FindingKind {
  kLogModified,       ///< the decompressed log file's SHA-256 is not the digest's hashValue
  kLogTrailingData,   ///< data after the log file's first gzip member
  kLogMissing,        ///< listed in a digest, absent from the folder (deleted)
  kLogNotCovered,     ///< present, in a span that digests cover, but listed in none
  kLogMisplaced,      ///< its name and its folders name different accounts or regions
  kDigestMissing,     ///< a previousDigestS3Object that is not in the folder
  kDigestGap,         ///< a span with no digest although logging was on
  kDigestModified,    ///< its SHA-256 is not the next digest's previousDigestHashValue
  kDigestMoved,       ///< its path does not end with its digestS3Object
  kDigestNone,        ///< an account and region with log files and no digest file at all
  kChainRestart,      ///< a starting digest after older digests of its trail: hours no digest covers
  kSignatureInvalid,  ///< RSA signature check failed
  kPublicKeyNotFound, ///< --public-keys has no key with the digest's fingerprint
  kSignatureMissing,  ///< with --public-keys: no signature for it, and it is not its chain's newest
  kRangeUnverified,   ///< with --public-keys and --end: log files up to --end that cannot be verified
  kLogUnreadable,     ///< error: I/O error or corrupt gzip in a log file
  kDigestInvalid,     ///< error: unreadable, not gzip/JSON, or fields missing
  kError,             ///< error: anything else (folder unreadable, ...)
  kLogUnverified,     ///< note, not a problem: nothing trustworthy lists it (Report::unverified)
  kRestartAccepted,   ///< note, not a problem: a chain restart --accept-restart covers (Report::accepted)
};
/// snake_case name used in both output formats, e.g. "log_modified".
std::string_view KindName(FindingKind kind);
bool IsError(FindingKind kind);

/// One problem. Paths are local paths (FOLDER joined with the S3 key).
struct Finding {
  FindingKind kind;
  std::string account;
  std::string region;
  std::string file;      ///< the log or digest file the finding is about
  std::string expected;  ///< hash the digest lists (empty if none)
  std::string actual;    ///< hash computed (empty if none)
  std::string digest;    ///< the digest that lists or references `file` (empty if none)
  std::string message;   ///< one sentence for people
};

/// Counts for one account and region (all trails delivering there).
struct RegionSummary {
  std::string account;
  std::string region;
  uint64_t digests = 0;           ///< digest files read (backfill included)
  uint64_t backfill_digests = 0;
  uint64_t logs_valid = 0;
  uint64_t logs_modified = 0;     ///< hash mismatch or trailing data
  uint64_t logs_deleted = 0;
  uint64_t logs_not_covered = 0;
  uint64_t logs_unverified = 0;   ///< no trustworthy digest to check against (see verify.cpp)
  uint64_t logs_unreadable = 0;
  uint64_t signatures_verified = 0;
  uint64_t signatures_failed = 0;
  uint64_t signatures_not_checked = 0;
};

/// The outcome of a verification, before printing.
struct Report {
  std::vector<RegionSummary> regions;  ///< sorted by account, region
  std::vector<Finding> findings;       ///< sorted by account, region, kind, file
  std::vector<Finding> unverified;     ///< log_unverified notes, in folder order; not problems
  std::vector<Finding> accepted;       ///< restart_accepted notes; not problems
  bool keys_given = false;
  bool HasErrors() const;
  int ExitCode() const;  ///< 0, 1 or 2 as RunVerify returns
};

/// Runs the whole verification without printing. A bad --public-keys file or
/// --accept-restart, a missing FOLDER, or nothing to verify in it (no digest
/// and no log file, or none in --start..--end) is an error Status; problems in
/// files are findings.
Result<Report> Verify(const VerifyOptions& options);

/// The text report: one summary line per account and region, one line per
/// finding (paths made terminal-safe), up to 20 unverified log files, and a
/// last line ("all valid", "no problem found: ..." or counts).
std::string FormatText(const Report& report);
/// One JSON object per finding, then one per accepted restart and one per
/// unverified log file (notes, not problems), each on its own line.
std::string FormatJsonl(const Report& report);
/// FormatText's summary lines and last line alone (printed on stderr with jsonl).
std::vector<std::string> SummaryLines(const Report& report);

}  // namespace verify
}  // namespace trailwatch
