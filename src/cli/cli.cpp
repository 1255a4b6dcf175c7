// cli: subcommands and flags. Flags are turned into ReadOptions here, then the
// pipeline runs without exceptions. CLI11 errors exit with code 2, and so
// does any command whose output could not be written (StdoutFailed).
#include "cli/cli.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "output/style.h"
#include "output/write.h"
#include "hooks/hooks.h"
#include "trailwatch/escape.h"
#include "trailwatch/pipeline.h"
#include "trailwatch/verify.h"
#include "trailwatch/version.h"

namespace trailwatch::cli {
namespace {

// CLI11 reads an argument of the form "[a,b]" as a list for every option that
// takes several values (positionals like paths and messages): the message
// '[7]' became '7', the file '[x]' the file 'x', the space-delimited pattern
// '[w]' the term 'w'. The arguments are therefore marked before parsing (a
// leading kMark on every argument that starts with '[' and ends with ']', or
// starts with kMark itself, so the marking can be undone exactly) and
// unmarked by a transform on every option, which runs on each value before
// any check.
constexpr char kMark = '\x01';

std::vector<std::string> MarkArguments(int argc, char** argv) {
  std::vector<std::string> args;
  args.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    const bool list_like = arg.size() >= 2 && arg.front() == '[' && arg.back() == ']';
    if (i > 0 && (list_like || (!arg.empty() && arg.front() == kMark))) arg.insert(0, 1, kMark);
    args.push_back(std::move(arg));
  }
  return args;
}

std::string Unmark(std::string value) {
  if (!value.empty() && value.front() == kMark) value.erase(0, 1);
  return value;
}

// Adds the Unmark transform to every option of `app` and its subcommands.
// Call once, after all options are defined (a transform runs before checks).
void UnmarkEveryOption(CLI::App* app) {
  for (CLI::Option* opt : app->get_options()) opt->transform(Unmark);
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) UnmarkEveryOption(sub);
}

// For options where an empty value would mean "not given": `--state "$STATE"`
// with an unset variable in a cron line must fail, not run without a state.
CLI::Validator NonEmpty() {
  return {[](const std::string& value) { return value.empty() ? std::string("must not be empty") : std::string(); },
          "", "NONEMPTY"};
}

// Worker threads: 0 is one per core; more than this is a typo, not a machine.
constexpr int kMaxJobs = 1024;

// Parses "64M", "2G", "1048576" into bytes.
Result<uint64_t> ParseSize(std::string_view text) {
  uint64_t n = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (n > (uint64_t{1} << 50)) return Status::InvalidArgument("size too large");
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i == 0) return Status::InvalidArgument(fmt::format("invalid size '{}'", TerminalSafe(text)));
  const std::string_view unit = text.substr(i);
  if (unit.empty() || unit == "B") return n;
  if (unit == "K" || unit == "KiB" || unit == "k") return n << 10;
  if (unit == "M" || unit == "MiB") return n << 20;
  if (unit == "G" || unit == "GiB") return n << 30;
  return Status::InvalidArgument(fmt::format("invalid size unit in '{}' (use K, M or G)", TerminalSafe(text)));
}

// Parses a time flag ("--since", text) into `*out`; nothing if `text` is empty.
Status ParseTimeFlag(std::string_view flag, const std::string& text, UnixSeconds now,
                     std::optional<UnixSeconds>* out) {
  if (text.empty()) return Status::Ok();
  Result<UnixSeconds> t = ParseTimeArgument(text, now);
  if (!t.ok()) return Status::InvalidArgument(fmt::format("{}: {}", flag, t.status().message()));
  *out = t.value();
  return Status::Ok();
}

// A range whose start is later than its end holds nothing: a usage error.
Status CheckRange(std::string_view from_flag, std::optional<UnixSeconds> from, std::string_view to_flag,
                  std::optional<UnixSeconds> to) {
  if (!from || !to || *from <= *to) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{} {} is later than {} {}: no time is in that range", from_flag,
                                             FormatIsoTime(*from), to_flag, FormatIsoTime(*to)));
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
    cmd->add_option("-j,--jobs", jobs, "Worker threads (default: one per core)")->check(CLI::Range(0, kMaxJobs));
    cmd->add_option("--since", since, "Only records at or after this time (ISO 8601, or 90m, 24h, 7d ago)")
        ->check(NonEmpty());
    cmd->add_option("--until", until, "Only records at or before this time (ISO 8601, or a span ago)")
        ->check(NonEmpty());
    cmd->add_option("--max-file-size", max_file_size,
                    "Largest decompressed size of one input (K, M, G; default 1G)")
        ->check(NonEmpty());
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
    if (Status s = ParseTimeFlag("--since", since, now, &o.range.since); !s.ok()) return s;
    if (Status s = ParseTimeFlag("--until", until, now, &o.range.until); !s.ok()) return s;
    if (Status s = CheckRange("--since", o.range.since, "--until", o.range.until); !s.ok()) return s;
    Result<uint64_t> size = ParseSize(max_file_size);
    if (!size.ok()) return Status::InvalidArgument(fmt::format("--max-file-size: {}", size.status().message()));
    o.limits.max_input_bytes = size.value();
    o.jobs = jobs;
    o.quiet = quiet;
    o.progress = !quiet && ::isatty(STDERR_FILENO) == 1;
    return o;
  }
};

// Every subcommand with its flags; Define() declares them, Run() runs the
// one that was parsed.
class Commands {
 public:
  explicit Commands(CLI::App* app) : app_(app) {}

  void Define() {
    DefineReaders();
    DefineScan();
    DefineRules();
    DefineTestPattern();
    DefineVerify();
  }

  int Run();

 private:
  void DefineReaders();
  void DefineScan();
  void DefineRules();
  void DefineTestPattern();
  void DefineVerify();
  int RunGrepCommand();
  int RunScanCommand();
  int RunVerifyCommand();

  CLI::App* app_;

  ReadFlags cat_flags_;
  CLI::App* cat_ = nullptr;

  ReadFlags grep_flags_;
  std::vector<std::string> grep_patterns_;
  std::string grep_format_ = "json";
  bool grep_count_ = false, grep_files_ = false;
  CLI::App* grep_ = nullptr;

  ReadFlags scan_flags_;
  std::vector<std::string> scan_rules_;
  std::string scan_window_ = "sliding", scan_format_ = "text", scan_state_, scan_hook_, scan_color_ = "auto";
  std::string scan_now_, scan_stale_after_ = "2h";
  bool scan_with_events_ = false, scan_exit_zero_ = false, scan_summary_ = false, scan_no_summary_ = false;
  int64_t scan_hook_timeout_ = 60;
  CLI::App* scan_ = nullptr;

  std::vector<std::string> check_paths_, list_paths_, test_paths_;
  std::string list_format_ = "text";
  bool list_filters_ = false;
  CLI::App *rules_check_ = nullptr, *rules_list_ = nullptr, *rules_test_ = nullptr;

  std::string tp_pattern_, tp_format_ = "text";
  std::vector<std::string> tp_messages_;
  CLI::App* test_pattern_ = nullptr;

  std::string verify_start_, verify_end_, verify_format_ = "text";
  VerifyOptions verify_options_;
  CLI::App* verify_ = nullptr;
};

void Commands::DefineReaders() {
  cat_ = app_->add_subcommand("cat", "Print every record as one compact JSON line");
  cat_flags_.AddTo(cat_);

  grep_ = app_->add_subcommand(
      "grep", "Print the records that match a CloudWatch filter pattern (exit 0 match, 1 none, 2 error)");
  grep_->add_option("-e,--pattern", grep_patterns_,
                    "A filter pattern (repeatable: records matching any are printed); without -e "
                    "the first argument is the pattern")
      ->allow_extra_args(false);  // one pattern per -e; the rest are paths
  grep_->add_option("--format", grep_format_, "json (one JSON line per record) or text")
      ->check(CLI::IsMember({"json", "jsonl", "text"}));
  grep_->add_flag("-c,--count", grep_count_, "Print only the number of matching records");
  grep_->add_flag("-l,--files-with-matches", grep_files_, "Print only the inputs with a match");
  grep_flags_.AddTo(grep_);
}

void Commands::DefineScan() {
  scan_ = app_->add_subcommand(
      "scan", "Apply metric filters and alarms to the logs and print each alarm hit (exit 0 none, 1 hits, 2 error)");
  scan_->add_option("--rules", scan_rules_,
                    "Terraform (.tf) or describe-* JSON rule file or folder (repeatable; default: the built-in pack)")
      ->allow_extra_args(false);
  scan_->add_option("--window", scan_window_, "sliding (CloudWatch's default) or wallclock (calendar-aligned periods)")
      ->check(CLI::IsMember({"sliding", "wallclock"}));
  scan_->add_option("--format", scan_format_, "text (one line per hit), jsonl, or csv")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  scan_->add_flag("--with-events", scan_with_events_, "Add the full matching records to each JSON hit");
  scan_->add_option("--state", scan_state_,
                    "State file for incremental runs (cron): read only new files, report each hit once")
      ->check(NonEmpty());
  scan_->add_option("--stale-after", scan_stale_after_,
                    "With --state: warn when no log file has arrived for this long (default 2h)")
      ->type_name("SPAN")
      ->check(NonEmpty());
  scan_->add_option("--now", scan_now_, "The current time (for tests)")->group("")->check(NonEmpty());
  scan_->add_option("--on-alarm", scan_hook_,
                    "Run this command once per new hit, without a shell: hit JSON on stdin, "
                    "TRAILWATCH_ALARM and TRAILWATCH_SEVERITY set (quote it: --on-alarm 'notify --to ops')")
      ->type_name("'CMD [ARGS]'")
      ->check(NonEmpty());
  scan_->add_option("--hook-timeout", scan_hook_timeout_, "Seconds before a hook is killed (default 60)")
      ->check(CLI::Range(1, 86400));
  scan_->add_flag("--exit-zero", scan_exit_zero_, "Exit 0 even when alarms fired (errors still exit 2)");
  scan_->add_flag("--summary", scan_summary_, "Print the per-alarm / per-filter table and timeline on stderr "
                                              "(default when stderr is a terminal)");
  scan_->add_flag("--no-summary", scan_no_summary_, "No summary table");
  scan_->add_option("--color", scan_color_, "auto (terminal and no NO_COLOR), always, or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scan_flags_.AddTo(scan_);
}

void Commands::DefineRules() {
  CLI::App* rules = app_->add_subcommand("rules", "Work with rule files");
  rules->require_subcommand(1);
  rules_check_ = rules->add_subcommand("check", "Load and validate rule files without scanning");
  rules_check_->add_option("paths", check_paths_, "Rule files or folders")->required();
  rules_list_ = rules->add_subcommand("list", "The alarms of a rule set (default: the built-in pack)");
  rules_list_->add_option("paths", list_paths_, "Rule files or folders");
  rules_list_->add_option("--format", list_format_, "text or jsonl")->check(CLI::IsMember({"text", "jsonl", "json"}));
  rules_list_->add_flag("--filters", list_filters_, "List the metric filters and their patterns instead of the alarms");
  rules_test_ = rules->add_subcommand(
      "test", "Check every metric filter against its examples (examples/<filter>.jsonl); exit 1 on a failure");
  rules_test_->add_option("paths", test_paths_, "Rule folders (default: the built-in pack)");
}

void Commands::DefineTestPattern() {
  test_pattern_ = app_->add_subcommand(
      "test-pattern", "Test a filter pattern against messages (arguments, or lines of stdin)");
  test_pattern_->add_option("pattern", tp_pattern_, "The CloudWatch Logs filter pattern")->required();
  test_pattern_->add_option("messages", tp_messages_, "Log messages (default: one per line of stdin)");
  test_pattern_->add_option("--format", tp_format_, "text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl", "json"}));
}

void Commands::DefineVerify() {
  verify_ = app_->add_subcommand(
      "verify", "Check log files against CloudTrail digest files, offline (exit 0 valid, 1 problems, 2 error)");
  verify_->add_option("folder", verify_options_.folder, "A downloaded bucket, or a folder inside AWSLogs/")->required();
  verify_->add_option("--start", verify_start_, "Only digests ending at or after this time (ISO 8601, or 7d ago)")
      ->check(NonEmpty());
  verify_->add_option("--end", verify_end_, "Only digests up to this time (ISO 8601, or 24h ago)")->check(NonEmpty());
  verify_->add_option("--public-keys", verify_options_.public_keys,
                      "aws cloudtrail list-public-keys JSON, or a folder of <fingerprint>.pem/.der files")
      ->check(NonEmpty());
  verify_->add_option("--format", verify_format_, "text or jsonl")->check(CLI::IsMember({"text", "jsonl", "json"}));
  verify_->add_option("-j,--jobs", verify_options_.jobs, "Hashing threads (default: one per core)")
      ->check(CLI::Range(0, kMaxJobs));
  verify_->add_option("--accept-restart", verify_options_.accept_restarts,
                      "FROM/TO: a digest chain restart known to be legitimate (repeatable)")
      ->allow_extra_args(false)
      ->type_name("FROM/TO")
      ->check(NonEmpty());
}

int Commands::Run() {
  if (cat_->parsed()) {
    Result<ReadOptions> options = cat_flags_.Resolve();
    if (!options.ok()) {
      output::Diagnostic(options.status().message());
      return kExitError;
    }
    return RunCat(options.value());
  }
  if (grep_->parsed()) return RunGrepCommand();
  if (scan_->parsed()) return RunScanCommand();
  if (verify_->parsed()) return RunVerifyCommand();
  if (rules_check_->parsed()) return RunRulesCheck(check_paths_);
  if (rules_list_->parsed()) return RunRulesList(list_paths_, list_format_ != "text", list_filters_);
  if (rules_test_->parsed()) return RunRulesTest(test_paths_);
  if (test_pattern_->parsed()) return RunTestPattern({tp_pattern_, tp_messages_, tp_format_ != "text"});
  return kExitError;
}

int Commands::RunGrepCommand() {
  GrepOptions options;
  options.patterns = grep_patterns_;
  if (options.patterns.empty()) {
    if (grep_flags_.paths.empty()) {
      output::Diagnostic("grep: give a filter pattern (or -e PATTERN)");
      return kExitError;
    }
    options.patterns.push_back(grep_flags_.paths.front());
    grep_flags_.paths.erase(grep_flags_.paths.begin());
  }
  Result<ReadOptions> read = grep_flags_.Resolve();
  if (!read.ok()) {
    output::Diagnostic(read.status().message());
    return kExitError;
  }
  options.read = std::move(read).value();
  options.format = grep_format_ == "text" ? RecordFormat::kText : RecordFormat::kJson;
  options.count = grep_count_;
  options.files_with_matches = grep_files_;
  return RunGrep(options);
}

int Commands::RunScanCommand() {
  Result<ReadOptions> read = scan_flags_.Resolve();
  if (!read.ok()) {
    output::Diagnostic(read.status().message());
    return kExitError;
  }
  ScanOptions options;
  options.read = std::move(read).value();
  options.rule_paths = scan_rules_;
  options.wall_clock = scan_window_ == "wallclock";
  options.format = scan_format_ == "text"  ? ScanOptions::Format::kText
                   : scan_format_ == "csv" ? ScanOptions::Format::kCsv
                                           : ScanOptions::Format::kJsonl;
  options.with_events = scan_with_events_;
  options.state_path = scan_state_;
  if (!scan_now_.empty()) {
    const std::optional<UnixSeconds> now = ParseIsoTime(scan_now_);
    if (!now) {
      output::Diagnostic(fmt::format("--now: invalid time '{}' (ISO 8601)", TerminalSafe(scan_now_)));
      return kExitError;
    }
    options.now = *now;
  }
  if (scan_->count("--stale-after") > 0 && scan_state_.empty()) {
    output::Diagnostic("--stale-after needs --state (it compares with the files earlier runs saw)");
    return kExitError;
  }
  // A span such as 2h, read as "2h before the epoch" (not an ISO time).
  if (Result<UnixSeconds> ago = ParseTimeArgument(scan_stale_after_, 0);
      ago.ok() && ago.value() < 0 && !ParseIsoTime(scan_stale_after_)) {
    options.stale_after = -ago.value();
  } else {
    output::Diagnostic(
        fmt::format("--stale-after: invalid span '{}' (such as 90m, 2h, 1d)", TerminalSafe(scan_stale_after_)));
    return kExitError;
  }
  if (!scan_hook_.empty()) {
    Result<std::vector<std::string>> argv_words = pipeline::SplitCommand(scan_hook_);
    if (!argv_words.ok()) {
      output::Diagnostic(argv_words.status().message());
      return kExitError;
    }
    options.on_alarm = std::move(argv_words).value();
  }
  options.hook_timeout_ms = scan_hook_timeout_ * 1000;
  options.exit_zero = scan_exit_zero_;
  options.summary = scan_summary_ || (!scan_no_summary_ && !options.read.quiet && ::isatty(STDERR_FILENO) == 1);
  const output::ColorMode color = scan_color_ == "always"  ? output::ColorMode::kAlways
                                  : scan_color_ == "never" ? output::ColorMode::kNever
                                                           : output::ColorMode::kAuto;
  options.color_stdout = output::UseColor(color, STDOUT_FILENO);
  options.color_stderr = output::UseColor(color, STDERR_FILENO);
  return RunScan(options);
}

int Commands::RunVerifyCommand() {
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  Status s = ParseTimeFlag("--start", verify_start_, now, &verify_options_.start);
  if (s.ok()) s = ParseTimeFlag("--end", verify_end_, now, &verify_options_.end);
  if (s.ok()) s = CheckRange("--start", verify_options_.start, "--end", verify_options_.end);
  if (!s.ok()) {
    output::Diagnostic(fmt::format("verify: {}", s.message()));
    return kExitError;
  }
  verify_options_.jsonl = verify_format_ != "text";
  return RunVerify(verify_options_);
}

// Parses the command line and runs the command; the exit code.
int ParseAndRun(int argc, char** argv) {
  CLI::App app{"trailwatch: CloudTrail log analyzer (CloudWatch metric filters and alarms, offline)"};
  app.set_version_flag("--version", std::string("trailwatch ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // -v works before or after the subcommand
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "Debug logging on stderr: -v info, -vv debug (stdout carries only results)");
  Commands commands(&app);
  commands.Define();
  UnmarkEveryOption(&app);

  const std::vector<std::string> args = MarkArguments(argc, argv);
  std::vector<const char*> arg_pointers;
  arg_pointers.reserve(args.size());
  for (const std::string& a : args) arg_pointers.push_back(a.c_str());
  try {
    app.parse(argc, arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    // Help and version go to stdout like any output (a full disk is an
    // error); CLI11's messages to stderr, without the marks.
    std::ostringstream out, err;
    const int code = app.exit(e, out, err);
    output::WriteStdout(out.str());
    std::string message = err.str();
    std::erase(message, kMark);
    std::fputs(message.c_str(), stderr);
    return code == 0 ? kExitOk : kExitError;
  }
  if (verbosity > 0) spdlog::set_level(verbosity == 1 ? spdlog::level::info : spdlog::level::debug);
  return commands.Run();
}

}  // namespace

int Run(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as EPIPE and ends the run quietly
  ::signal(SIGXFSZ, SIG_IGN);  // past `ulimit -f`, a write fails (EFBIG) and is reported instead of killing us
  spdlog::set_default_logger(spdlog::stderr_color_mt("trailwatch"));
  spdlog::set_level(spdlog::level::warn);
  const int code = ParseAndRun(argc, argv);
  // A write to stdout that failed for another reason than a closed pipe (a
  // full disk, an I/O error) lost output, whatever the command: exit 2. The
  // failure was reported on stderr when it happened.
  return output::StdoutFailed() ? kExitError : code;
}

}  // namespace trailwatch::cli
