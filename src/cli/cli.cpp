// cli: subcommands and flags. Flags are turned into ReadOptions here, then the
// pipeline runs without exceptions. CLI11 errors exit with code 2.
#include "cli/cli.h"

#include <signal.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <tuple>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "output/style.h"
#include "output/write.h"
#include "pipeline/hooks.h"
#include "trailwatch/pipeline.h"
#include "trailwatch/verify.h"
#include "trailwatch/version.h"

namespace trailwatch::cli {
namespace {

// Parses "64M", "2G", "1048576" into bytes.
Result<uint64_t> ParseSize(std::string_view text) {
  uint64_t n = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (n > (uint64_t{1} << 50)) return Status::InvalidArgument("size too large");
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i == 0) return Status::InvalidArgument(fmt::format("invalid size '{}'", text));
  const std::string_view unit = text.substr(i);
  if (unit.empty() || unit == "B") return n;
  if (unit == "K" || unit == "KiB" || unit == "k") return n << 10;
  if (unit == "M" || unit == "MiB") return n << 20;
  if (unit == "G" || unit == "GiB") return n << 30;
  return Status::InvalidArgument(fmt::format("invalid size unit in '{}' (use K, M or G)", text));
}

// Flags every command that reads logs shares; resolved after parsing.
struct ReadFlags {
  std::vector<std::string> paths;
  std::string since, until, max_file_size = "1G";
  size_t jobs = 0;
  bool quiet = false;

  void AddTo(CLI::App* cmd) {
    cmd->add_option("paths", paths, "Log files, folders (S3 layout), or - for stdin")
        ->type_name("PATH");
    cmd->add_option("-j,--jobs", jobs, "Worker threads (default: one per core)");
    cmd->add_option("--since", since, "Only records at or after this time (ISO 8601, or 90m, 24h, 7d ago)");
    cmd->add_option("--until", until, "Only records at or before this time (ISO 8601, or a span ago)");
    cmd->add_option("--max-file-size", max_file_size,
                    "Largest decompressed size of one input (K, M, G; default 1G)");
    cmd->add_flag("-q,--quiet", quiet, "No summary on stderr (errors are still printed)");
  }

  Result<ReadOptions> Resolve() const {
    ReadOptions o;
    o.paths = paths;
    if (o.paths.empty()) {
      if (::isatty(STDIN_FILENO)) {
        return Status::InvalidArgument("no input: give log files or folders, or - for stdin");
      }
      o.paths.push_back("-");
    }
    const UnixSeconds now = std::time(nullptr);
    if (!since.empty()) {
      Result<UnixSeconds> t = ParseTimeArgument(since, now);
      if (!t.ok()) return Status::InvalidArgument(fmt::format("--since: {}", t.status().message()));
      o.range.since = t.value();
    }
    if (!until.empty()) {
      Result<UnixSeconds> t = ParseTimeArgument(until, now);
      if (!t.ok()) return Status::InvalidArgument(fmt::format("--until: {}", t.status().message()));
      o.range.until = t.value();
    }
    Result<uint64_t> size = ParseSize(max_file_size);
    if (!size.ok()) return Status::InvalidArgument(fmt::format("--max-file-size: {}", size.status().message()));
    o.limits.max_input_bytes = size.value();
    o.jobs = jobs;
    o.quiet = quiet;
    o.progress = !quiet && ::isatty(STDERR_FILENO) == 1;
    return o;
  }
};

}  // namespace

int Run(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as EPIPE and ends the run quietly
  ::signal(SIGXFSZ, SIG_IGN);  // past `ulimit -f`, a write fails (EFBIG) and is reported instead of killing us
  spdlog::set_default_logger(spdlog::stderr_color_mt("trailwatch"));
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"trailwatch: CloudTrail log analyzer (CloudWatch metric filters and alarms, offline)"};
  app.set_version_flag("--version", std::string("trailwatch ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // -v works before or after the subcommand
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "Debug logging on stderr: -v info, -vv debug (stdout carries only results)");

  ReadFlags cat_flags;
  CLI::App* cat = app.add_subcommand("cat", "Print every record as one compact JSON line");
  cat_flags.AddTo(cat);

  ReadFlags grep_flags;
  std::vector<std::string> grep_patterns;
  std::string grep_format = "json";
  bool grep_count = false, grep_files = false;
  CLI::App* grep = app.add_subcommand(
      "grep", "Print the records that match a CloudWatch filter pattern (exit 0 match, 1 none, 2 error)");
  grep->add_option("-e,--pattern", grep_patterns,
                   "A filter pattern (repeatable: records matching any are printed); without -e "
                   "the first argument is the pattern")
      ->allow_extra_args(false);  // one pattern per -e; the rest are paths
  grep->add_option("--format", grep_format, "json (one JSON line per record) or text")
      ->check(CLI::IsMember({"json", "jsonl", "text"}));
  grep->add_flag("-c,--count", grep_count, "Print only the number of matching records");
  grep->add_flag("-l,--files-with-matches", grep_files, "Print only the inputs with a match");
  grep_flags.AddTo(grep);

  ReadFlags scan_flags;
  std::vector<std::string> scan_rules;
  std::string scan_window = "sliding", scan_format = "text", scan_state, scan_hook, scan_color = "auto";
  std::string scan_now, scan_stale_after = "2h";
  bool scan_with_events = false, scan_exit_zero = false, scan_summary = false, scan_no_summary = false;
  int64_t scan_hook_timeout = 60;
  CLI::App* scan = app.add_subcommand(
      "scan", "Apply metric filters and alarms to the logs and print each alarm hit (exit 0 none, 1 hits, 2 error)");
  scan->add_option("--rules", scan_rules,
                   "Terraform (.tf) or describe-* JSON rule file or folder (repeatable; default: the built-in pack)")
      ->allow_extra_args(false);
  scan->add_option("--window", scan_window, "sliding (CloudWatch's default) or wallclock (calendar-aligned periods)")
      ->check(CLI::IsMember({"sliding", "wallclock"}));
  scan->add_option("--format", scan_format, "text (one line per hit), jsonl, or csv")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  scan->add_flag("--with-events", scan_with_events, "Add the full matching records to each JSON hit");
  scan->add_option("--state", scan_state,
                   "State file for incremental runs (cron): read only new files, report each hit once");
  scan->add_option("--stale-after", scan_stale_after,
                   "With --state: warn when no log file has arrived for this long (default 2h)")
      ->type_name("SPAN");
  scan->add_option("--now", scan_now, "The current time (for tests)")->group("");
  scan->add_option("--on-alarm", scan_hook,
                   "Run this command once per new hit, without a shell: hit JSON on stdin, "
                   "TRAILWATCH_ALARM and TRAILWATCH_SEVERITY set (quote it: --on-alarm 'notify --to ops')")
      ->type_name("'CMD [ARGS]'");
  scan->add_option("--hook-timeout", scan_hook_timeout, "Seconds before a hook is killed (default 60)")
      ->check(CLI::Range(1, 86400));
  scan->add_flag("--exit-zero", scan_exit_zero, "Exit 0 even when alarms fired (errors still exit 2)");
  scan->add_flag("--summary", scan_summary, "Print the per-alarm / per-filter table and timeline on stderr "
                                            "(default when stderr is a terminal)");
  scan->add_flag("--no-summary", scan_no_summary, "No summary table");
  scan->add_option("--color", scan_color, "auto (terminal and no NO_COLOR), always, or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scan_flags.AddTo(scan);

  CLI::App* rules_cmd = app.add_subcommand("rules", "Work with rule files");
  rules_cmd->require_subcommand(1);
  std::vector<std::string> check_paths, list_paths, test_paths;
  CLI::App* rules_check = rules_cmd->add_subcommand("check", "Load and validate rule files without scanning");
  rules_check->add_option("paths", check_paths, "Rule files or folders")->required();
  std::string list_format = "text";
  CLI::App* rules_list = rules_cmd->add_subcommand("list", "The alarms of a rule set (default: the built-in pack)");
  rules_list->add_option("paths", list_paths, "Rule files or folders");
  rules_list->add_option("--format", list_format, "text or jsonl")->check(CLI::IsMember({"text", "jsonl", "json"}));
  bool list_filters = false;
  rules_list->add_flag("--filters", list_filters, "List the metric filters and their patterns instead of the alarms");
  CLI::App* rules_test = rules_cmd->add_subcommand(
      "test", "Check every metric filter against its examples (examples/<filter>.jsonl); exit 1 on a failure");
  rules_test->add_option("paths", test_paths, "Rule folders (default: the built-in pack)");

  std::string tp_pattern, tp_format = "text";
  std::vector<std::string> tp_messages;
  CLI::App* test_pattern = app.add_subcommand(
      "test-pattern", "Test a filter pattern against messages (arguments, or lines of stdin)");
  test_pattern->add_option("pattern", tp_pattern, "The CloudWatch Logs filter pattern")->required();
  test_pattern->add_option("messages", tp_messages, "Log messages (default: one per line of stdin)");
  test_pattern->add_option("--format", tp_format, "text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl", "json"}));

  std::string verify_start, verify_end, verify_format = "text";
  VerifyOptions verify_options;
  CLI::App* verify = app.add_subcommand(
      "verify", "Check log files against CloudTrail digest files, offline (exit 0 valid, 1 problems, 2 error)");
  verify->add_option("folder", verify_options.folder, "A downloaded bucket, or a folder inside AWSLogs/")->required();
  verify->add_option("--start", verify_start, "Only digests ending at or after this time (ISO 8601, or 7d ago)");
  verify->add_option("--end", verify_end, "Only digests up to this time (ISO 8601, or 24h ago)");
  verify->add_option("--public-keys", verify_options.public_keys,
                     "aws cloudtrail list-public-keys JSON, or a folder of <fingerprint>.pem/.der files");
  verify->add_option("--format", verify_format, "text or jsonl")->check(CLI::IsMember({"text", "jsonl", "json"}));
  verify->add_option("-j,--jobs", verify_options.jobs, "Hashing threads (default: one per core)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitError;
  }
  if (verbosity > 0) spdlog::set_level(verbosity == 1 ? spdlog::level::info : spdlog::level::debug);

  if (cat->parsed()) {
    Result<ReadOptions> options = cat_flags.Resolve();
    if (!options.ok()) {
      output::Diagnostic(options.status().message());
      return kExitError;
    }
    return RunCat(options.value());
  }
  if (grep->parsed()) {
    GrepOptions options;
    options.patterns = grep_patterns;
    if (options.patterns.empty()) {
      if (grep_flags.paths.empty()) {
        output::Diagnostic("grep: give a filter pattern (or -e PATTERN)");
        return kExitError;
      }
      options.patterns.push_back(grep_flags.paths.front());
      grep_flags.paths.erase(grep_flags.paths.begin());
    }
    Result<ReadOptions> read = grep_flags.Resolve();
    if (!read.ok()) {
      output::Diagnostic(read.status().message());
      return kExitError;
    }
    options.read = std::move(read).value();
    options.format = grep_format == "text" ? RecordFormat::kText : RecordFormat::kJson;
    options.count = grep_count;
    options.files_with_matches = grep_files;
    return RunGrep(options);
  }
  if (scan->parsed()) {
    Result<ReadOptions> read = scan_flags.Resolve();
    if (!read.ok()) {
      output::Diagnostic(read.status().message());
      return kExitError;
    }
    ScanOptions options;
    options.read = std::move(read).value();
    options.rule_paths = scan_rules;
    options.wall_clock = scan_window == "wallclock";
    options.format = scan_format == "text"  ? ScanOptions::Format::kText
                     : scan_format == "csv" ? ScanOptions::Format::kCsv
                                            : ScanOptions::Format::kJsonl;
    options.with_events = scan_with_events;
    options.state_path = scan_state;
    if (!scan_now.empty()) {
      const std::optional<UnixSeconds> now = ParseIsoTime(scan_now);
      if (!now) {
        output::Diagnostic(fmt::format("--now: invalid time '{}' (ISO 8601)", scan_now));
        return kExitError;
      }
      options.now = *now;
    }
    if (scan->count("--stale-after") > 0 && scan_state.empty()) {
      output::Diagnostic("--stale-after needs --state (it compares with the files earlier runs saw)");
      return kExitError;
    }
    // A span such as 2h, read as "2h before the epoch" (not an ISO time).
    if (Result<UnixSeconds> ago = ParseTimeArgument(scan_stale_after, 0);
        ago.ok() && ago.value() < 0 && !ParseIsoTime(scan_stale_after)) {
      options.stale_after = -ago.value();
    } else {
      output::Diagnostic(fmt::format("--stale-after: invalid span '{}' (such as 90m, 2h, 1d)", scan_stale_after));
      return kExitError;
    }
    if (!scan_hook.empty()) {
      Result<std::vector<std::string>> argv_words = pipeline::SplitCommand(scan_hook);
      if (!argv_words.ok()) {
        output::Diagnostic(argv_words.status().message());
        return kExitError;
      }
      options.on_alarm = std::move(argv_words).value();
    }
    options.hook_timeout_ms = scan_hook_timeout * 1000;
    options.exit_zero = scan_exit_zero;
    options.summary = scan_summary || (!scan_no_summary && !options.read.quiet && ::isatty(STDERR_FILENO) == 1);
    const output::ColorMode color = scan_color == "always"  ? output::ColorMode::kAlways
                                    : scan_color == "never" ? output::ColorMode::kNever
                                                            : output::ColorMode::kAuto;
    options.color_stdout = output::UseColor(color, STDOUT_FILENO);
    options.color_stderr = output::UseColor(color, STDERR_FILENO);
    return RunScan(options);
  }
  if (verify->parsed()) {
    const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
    for (auto [text, field, flag] : {std::tuple{&verify_start, &verify_options.start, "--start"},
                                     std::tuple{&verify_end, &verify_options.end, "--end"}}) {
      if (text->empty()) continue;
      Result<UnixSeconds> t = ParseTimeArgument(*text, now);
      if (!t.ok()) {
        output::Diagnostic(fmt::format("verify: {}: {}", flag, t.status().message()));
        return kExitError;
      }
      *field = t.value();
    }
    verify_options.jsonl = verify_format != "text";
    return RunVerify(verify_options);
  }
  if (rules_check->parsed()) return RunRulesCheck(check_paths);
  if (rules_list->parsed()) return RunRulesList(list_paths, list_format != "text", list_filters);
  if (rules_test->parsed()) return RunRulesTest(test_paths);
  if (test_pattern->parsed()) {
    return RunTestPattern({tp_pattern, tp_messages, tp_format != "text"});
  }
  return kExitError;
}

}  // namespace trailwatch::cli
