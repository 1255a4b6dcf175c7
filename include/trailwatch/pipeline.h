// Pipeline: the commands main runs (`cat` so far), with their options and the
// run totals every command reports at the end. Start reading here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trailwatch/input.h"
#include "trailwatch/record.h"

namespace trailwatch {

/// Exit codes, grep's convention: 2 means something could not be read.
enum ExitCode : int { kExitOk = 0, kExitNoMatch = 1, kExitError = 2 };

/// Options shared by every command that reads logs.
struct ReadOptions {
  std::vector<std::string> paths;  ///< files, folders, "-" for stdin
  TimeRange range;                 ///< --since / --until on eventTime
  size_t jobs = 0;                 ///< worker threads; 0 = one per core
  ReaderLimits limits;
  bool quiet = false;              ///< no summary on stderr
  bool progress = false;           ///< a progress line on stderr (set when it is a terminal)
};

/// What a run read, summed over inputs; printed at the end on stderr.
struct RunTotals {
  WalkCounts walk;
  uint64_t inputs = 0;         ///< inputs opened
  uint64_t inputs_failed = 0;  ///< inputs damaged or unreadable (some records may be read)
  uint64_t records_read = 0;
  uint64_t accepted = 0;
  uint64_t filtered = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t, std::less<>> rejected_by_reason;
  uint64_t raw_bytes = 0;
  uint64_t decoded_bytes = 0;

  void Add(const InputReport& report);
  bool HadErrors() const { return walk.errors > 0 || inputs_failed > 0 || rejected > 0; }
  /// The summary lines, e.g. "212 files read, 3120 records: 3120 emitted".
  std::vector<std::string> Describe(std::string_view accepted_verb) const;
  /// What the walk skipped: "2 digest files, 3 non-log files", or "".
  std::string DescribeSkipped() const;
};

/// `trailwatch cat`: prints every record as one compact JSON line.
int RunCat(const ReadOptions& options);

/// How records are printed.
enum class RecordFormat { kJson, kText };

/// `trailwatch grep`: records matching any of the filter patterns.
struct GrepOptions {
  ReadOptions read;
  std::vector<std::string> patterns;  ///< CloudWatch filter patterns; a record matching any is printed
  RecordFormat format = RecordFormat::kJson;
  bool count = false;                 ///< -c: only the number of matching records
  bool files_with_matches = false;    ///< -l: only the inputs that have a match
};
/// Exit: 0 if a record matched, 1 if none did, 2 on any error (grep's convention).
int RunGrep(const GrepOptions& options);

/// `trailwatch scan`: would the metric alarms have fired on these logs?
struct ScanOptions {
  enum class Format { kText, kJsonl, kCsv };
  ReadOptions read;
  std::vector<std::string> rule_paths;  ///< --rules; empty: the built-in pack
  bool wall_clock = false;              ///< --window wallclock (default: sliding)
  Format format = Format::kText;
  bool with_events = false;             ///< add the full records to each JSON hit
  std::string state_path;               ///< --state: incremental runs (empty: none)
  std::optional<UnixSeconds> now;       ///< --now (tests): the wall clock; default: the real one
  int64_t stale_after = 2 * 3600;       ///< --stale-after: under --state, warn when no file arrived for this long
  std::vector<std::string> on_alarm;    ///< --on-alarm: a program and its arguments, run per new hit
  int64_t hook_timeout_ms = 60000;
  bool exit_zero = false;               ///< hits alone do not make the exit code 1
  bool summary = false;                 ///< the per-alarm / per-filter table on stderr
  bool color_stdout = false;            ///< color the text hits (decided by the CLI)
  bool color_stderr = false;            ///< color the summary
};
/// Exit: 0 no new alarm hit, 1 at least one, 2 on any error or failed hook
/// (cron can branch); with exit_zero, 0 or 2.
int RunScan(const ScanOptions& options);

/// `trailwatch rules check`: loads and validates rule files; 0 ok, 2 errors.
int RunRulesCheck(const std::vector<std::string>& paths);
/// `trailwatch rules list`: the alarms of a rule set (empty paths: built-in),
/// or with `filters` its metric filters and their patterns.
int RunRulesList(const std::vector<std::string>& paths, bool jsonl, bool filters);
/// `trailwatch rules test`: every filter's examples (examples/<filter>.jsonl
/// beside the rules) must give their expected verdict; 0 all pass, 1 a failure.
int RunRulesTest(const std::vector<std::string>& paths);

/// `trailwatch test-pattern`: like `aws logs test-metric-filter`, offline.
struct TestPatternOptions {
  std::string pattern;
  std::vector<std::string> messages;  ///< empty: one message per line of stdin
  bool jsonl = false;
};
/// Exit: 0 if some message matched, 1 if none did, 2 if the pattern is invalid.
int RunTestPattern(const TestPatternOptions& options);

}  // namespace trailwatch
