// scan: the main job. Read like mold's main: a list of steps, each with why.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "output/hits.h"
#include "output/summary.h"
#include "output/write.h"
#include "hooks/hooks.h"
#include "pipeline/input_run.h"
#include "metric/scan_rules.h"
#include "metric/scan_sink.h"
#include "state/scan_state.h"
#include "trailwatch/alarm.h"
#include "trailwatch/escape.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

using pipeline::ScanData;
using pipeline::ScanRules;
using pipeline::ScanState;

// How far back a --state keeps observations, before the newest record:
// late files older than this are read and counted but cannot raise an alarm.
constexpr UnixSeconds kStateRetention = 14 * 86400;

// The hits of one alarm: each matching series evaluated on its own (a filter
// with dimensions and an alarm naming none: one series per dimension set,
// a documented extension of CloudWatch), from `from` to the end of the data.
void EvaluateAlarm(const MetricAlarm& a, const ScanData& data, UnixSeconds from, alarm::WindowMode mode,
                   std::vector<output::Hit>* hits) {
  KeyValues wanted = a.dimensions;
  std::sort(wanted.begin(), wanted.end());
  const pipeline::SeriesId lo{a.metric_namespace, a.metric_name, {}};
  for (auto it = data.series.lower_bound(lo);
       it != data.series.end() && it->first.metric_namespace == a.metric_namespace &&
       it->first.metric_name == a.metric_name;
       ++it) {
    const auto& [id, series] = *it;
    if (!wanted.empty() && id.dimensions != wanted) continue;
    for (alarm::Episode& ep : alarm::Evaluate(series, a, from, data.last, mode)) {
      output::Hit hit{&a, id.dimensions, std::move(ep), {}};
      for (const auto& [begin, end] : hit.episode.windows) {
        for (auto e = series.evidence.lower_bound(begin / 60); e != series.evidence.end() && e->first * 60 < end; ++e) {
          for (const alarm::Evidence& ev : e->second) {
            if (ev.time >= begin && ev.time < end) hit.events.push_back(&ev);
          }
        }
      }
      std::sort(hit.events.begin(), hit.events.end(),
                [](const alarm::Evidence* x, const alarm::Evidence* y) { return *x < *y; });
      hit.events.erase(std::unique(hit.events.begin(), hit.events.end()), hit.events.end());
      hits->push_back(std::move(hit));
    }
  }
}

void PrintRuleErrors(const RuleSet& rules) {
  for (const RuleError& e : rules.errors) output::Diagnostic(e.Describe());
}

// --state: the lock, the state itself, and the files of this run to record.
struct Incremental {
  pipeline::StateLock lock;
  ScanState state;
  std::vector<std::pair<std::string, ScanState::FileStamp>> stamps;  ///< per retained input
  uint64_t already_read = 0;
  uint64_t changed = 0;
};

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// Opens the state: one run at a time, and only with the rules it was made with.
bool OpenState(const ScanOptions& options, const ScanRules& rules, Incremental* inc) {
  for (const std::string& p : options.read.paths) {
    if (p == "-") {
      output::Diagnostic("--state cannot be used with standard input (nothing identifies what was read)");
      return false;
    }
  }
  Status s = inc->lock.Acquire(options.state_path);
  if (s.ok()) s = pipeline::LoadState(options.state_path, &inc->state);
  if (!s.ok()) {
    output::Diagnostic(s.message());
    return false;
  }
  const std::string fingerprint = rules.Fingerprint();
  if (!inc->state.rules_fingerprint.empty() && inc->state.rules_fingerprint != fingerprint) {
    output::Diagnostic(fmt::format("{}: written with other metric filters (rules {}, now {}); the data it holds "
                                   "does not fit them. Remove it (and re-read the logs) or use another state file",
                                   TerminalSafe(options.state_path), inc->state.rules_fingerprint, fingerprint));
    return false;
  }
  inc->state.rules_fingerprint = fingerprint;
  spdlog::info("state {}: {} files read before, {} series", options.state_path, inc->state.files.size(),
               inc->state.data.series.size());
  return true;
}

// Leaves out the files an earlier run read. A file that changed since (size
// or mtime) is reported and not read again: its records are already counted.
void SkipFilesAlreadyRead(pipeline::InputRun& run, Incremental* inc) {
  run.RetainInputs([&](const InputFile& f) {
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0) return true;  // the reader reports it
    const ScanState::FileStamp stamp{static_cast<uint64_t>(st.st_size),
                                     int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
    std::string path = AbsolutePath(f.path);
    const auto it = inc->state.files.find(path);
    if (it == inc->state.files.end()) {
      inc->stamps.emplace_back(std::move(path), stamp);
      return true;
    }
    if (it->second.size == stamp.size && it->second.mtime_ns == stamp.mtime_ns) {
      ++inc->already_read;
      spdlog::debug("{}: read by an earlier run", f.path);
      return false;
    }
    ++inc->changed;
    output::Diagnostic(fmt::format("{}: changed since an earlier run read it ({} bytes, now {}); not read again, "
                                   "its records are already counted",
                                   TerminalSafe(f.path), it->second.size, stamp.size));
    return false;
  });
}

// Which hits are new: a hit is the incident an earlier run reported if it
// overlaps an episode reported for the same alarm and dimensions. The record
// of reported episodes is then replaced by this evaluation's (over more data).
std::vector<bool> SelectNewHits(const std::vector<output::Hit>& hits, const ScanData& data, ScanState* state) {
  std::vector<bool> fresh(hits.size(), true);
  std::map<std::string, std::vector<pipeline::ReportedEpisode>> now;
  for (size_t i = 0; i < hits.size(); ++i) {
    const output::Hit& h = hits[i];
    const std::string key = pipeline::EpisodeKey(h.alarm->name, h.dimensions);
    // Still in ALARM: ongoing as far as the data goes (the start can be the
    // evaluation instant just after the newest record).
    const pipeline::ReportedEpisode episode{h.episode.start,
                                            h.episode.end.value_or(std::max(h.episode.start, data.last))};
    for (const pipeline::ReportedEpisode& r : state->reported[key]) {
      if (r.Overlaps(episode)) fresh[i] = false;
    }
    now[key].push_back(episode);
  }
  for (auto& [key, old] : state->reported) {
    std::vector<pipeline::ReportedEpisode>& current = now[key];
    for (const pipeline::ReportedEpisode& r : old) {
      const bool superseded = std::any_of(current.begin(), current.end(),
                                          [&](const pipeline::ReportedEpisode& c) { return c.Overlaps(r); });
      if (!superseded) current.push_back(r);
    }
  }
  std::erase_if(now, [](const auto& kv) { return kv.second.empty(); });
  state->reported = std::move(now);
  return fresh;
}

// Runs --on-alarm for one hit; a failure is reported, and the scan goes on.
bool RunHookFor(const ScanOptions& options, const output::Hit& hit) {
  const std::string json = output::HitJson(hit, options.with_events);
  const Status s = pipeline::RunHook(options.on_alarm, json,
                                     {{"TRAILWATCH_ALARM", hit.alarm->name},
                                      {"TRAILWATCH_SEVERITY", std::string(TagValue(hit.alarm->tags, "Severity"))},
                                      {"TRAILWATCH_START", FormatIsoTime(hit.episode.start)}},
                                     std::chrono::milliseconds(options.hook_timeout_ms));
  if (!s.ok()) {
    output::Diagnostic(fmt::format("alarm {} at {}: {}", TerminalSafe(hit.alarm->name),
                                   FormatIsoTime(hit.episode.start), s.message()));
  }
  return s.ok();
}

std::string Render(const ScanOptions& options, const output::Hit& h) {
  switch (options.format) {
    case ScanOptions::Format::kJsonl: return output::HitJson(h, options.with_events);
    case ScanOptions::Format::kCsv: return output::HitCsv(h);
    case ScanOptions::Format::kText: break;
  }
  return output::HitText(h, options.color_stdout);
}

void PrintSummary(const ScanOptions& options, const ScanRules& rules, const pipeline::Accumulator& acc,
                  UnixSeconds first, UnixSeconds last, const std::vector<output::Hit>& hits,
                  const std::vector<bool>& fresh) {
  std::map<std::string, uint64_t> per_alarm;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (fresh[i]) ++per_alarm[hits[i].alarm->name];
  }
  std::vector<output::SummaryRow> alarms, filters;
  for (const MetricAlarm& a : rules.rules.alarms) {
    alarms.push_back({a.name, std::string(TagValue(a.tags, "Severity")), per_alarm[a.name], {}});
  }
  for (size_t i = 0; i < rules.filters.size(); ++i) {
    filters.push_back({rules.filters[i].filter->name, {}, acc.matches[i], acc.hourly[i]});
  }
  std::fputs(output::SummaryTable(alarms, filters, first, last, options.color_stderr).c_str(),
             stderr);
}

}  // namespace

int RunScan(const ScanOptions& options) {
  // 1. Rules: the team's Terraform or describe-* JSON, or the built-in pack.
  //    A bad rule is reported and left out; the others still run.
  ScanRules rules;
  if (options.rule_paths.empty()) {
    LoadBuiltinRules(&rules.rules);
  } else {
    LoadRulePaths(options.rule_paths, &rules.rules);
  }
  rules.rules.CrossCheck();
  // 2. One PatternSet for all filters: each record is walked once.
  rules.Compile();
  PrintRuleErrors(rules.rules);
  if (rules.rules.filters.empty()) {
    output::Diagnostic("no metric filters to evaluate");
    return kExitError;
  }
  spdlog::info("{} metric filters, {} alarms", rules.rules.filters.size(), rules.rules.alarms.size());

  // 3. With --state: lock it, load what earlier runs gathered, and leave out
  //    the files they read.
  std::optional<Incremental> inc;
  if (!options.state_path.empty()) {
    inc.emplace();
    if (!OpenState(options, rules, &*inc)) return kExitError;
  }
  pipeline::InputRun run(options.read);
  if (inc) run.AllowNothingRead();  // under --state, no new file is normal
  if (inc) SkipFilesAlreadyRead(run, &*inc);

  // 4. Read every input in parallel; each worker aggregates observations per
  //    series and minute, with evidence (the earliest matching records).
  std::vector<std::unique_ptr<pipeline::Accumulator>> accs;
  for (size_t i = 0; i < run.jobs(); ++i) accs.push_back(std::make_unique<pipeline::Accumulator>(rules));
  const bool complete = run.Run([&](size_t worker, size_t, pipeline::TaskOutput&) {
    return std::make_unique<pipeline::ScanSink>(options, rules, accs[worker].get());
  });
  if (!complete) return kExitOk;

  // 5. Merge the workers' aggregates (order-independent), and this run's
  //    data into the state's.
  pipeline::Accumulator& acc = *accs[0];
  for (size_t i = 1; i < accs.size(); ++i) acc.Merge(std::move(*accs[i]));
  const UnixSeconds run_first = acc.data.first, run_last = acc.data.last;  // this run's records
  const ScanData* data = &acc.data;
  if (inc) {
    inc->state.data.Merge(std::move(acc.data));
    data = &inc->state.data;
  }

  // 6. Evaluate every alarm at every minute of the data (spec 8), in a stable
  //    order. A state evaluates its whole retained timeline again, so that an
  //    episode straddling two runs is seen whole.
  std::vector<output::Hit> hits;
  if (!data->empty()) {
    const auto mode = options.wall_clock ? alarm::WindowMode::kWallClock : alarm::WindowMode::kSliding;
    const UnixSeconds from = inc ? std::max(data->first, data->last - kStateRetention) : data->first;
    for (const MetricAlarm& a : rules.rules.alarms) EvaluateAlarm(a, *data, from, mode, &hits);
    if (inc && run_first < from) {
      output::Diagnostic(fmt::format("records from {} on are older than the state's timeline (it keeps {} days "
                                     "before the newest record, {}): counted, but they cannot raise alarms",
                                     FormatIsoTime(run_first), kStateRetention / 86400, FormatIsoTime(from)));
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const output::Hit& x, const output::Hit& y) {
    return std::tie(x.episode.start, x.alarm->name, x.dimensions) <
           std::tie(y.episode.start, y.alarm->name, y.dimensions);
  });
  const std::vector<bool> fresh = inc ? SelectNewHits(hits, *data, &inc->state) : std::vector<bool>(hits.size(), true);
  const size_t new_hits = static_cast<size_t>(std::count(fresh.begin(), fresh.end(), true));

  // 7. Print the new hits, then run the hook for each. Output comes before the
  //    state is saved: a run killed in between prints those hits again next
  //    time (at least once, never lost).
  std::string out = options.format == ScanOptions::Format::kCsv ? output::HitCsvHeader() : std::string();
  for (size_t i = 0; i < hits.size(); ++i) {
    if (fresh[i]) out += Render(options, hits[i]);
  }
  // stdout closed early (| head): stop without saving, so nothing is lost.
  if (!output::WriteStdout(out)) return new_hits == 0 ? kExitOk : kExitNoMatch;
  uint64_t hooks_failed = 0;
  if (!options.on_alarm.empty()) {
    for (size_t i = 0; i < hits.size(); ++i) {
      if (fresh[i] && !RunHookFor(options, hits[i])) ++hooks_failed;
    }
  }

  // 8. The summary on stderr: the table for people, the totals for logs.
  if (options.summary) PrintSummary(options, rules, acc, run_first, run_last, hits, fresh);
  if (!options.read.quiet) {
    if (inc) {
      output::Diagnostic(fmt::format("state {}: {} files read before and skipped, {} new; {} hits in the "
                                     "retained timeline, {} new",
                                     TerminalSafe(options.state_path), inc->already_read, inc->stamps.size(),
                                     hits.size(), new_hits));
    } else {
      output::Diagnostic(fmt::format("{} alarm hit{}", new_hits, new_hits == 1 ? "" : "s"));
    }
    if (acc.warnings > 0) {
      output::Diagnostic(fmt::format("{} matches emitted no value (value or dimension field missing or "
                                     "not a number)",
                                     acc.warnings));
    }
  }
  if (hooks_failed > 0) output::Diagnostic(fmt::format("{} of {} hooks failed", hooks_failed, new_hits));
  int code = run.Summarize("evaluated", new_hits == 0 || options.exit_zero ? kExitOk : kExitNoMatch);

  // 9. Save the state: files read, the retained timeline, what was reported.
  if (inc) {
    for (auto& [path, stamp] : inc->stamps) inc->state.files[path] = stamp;
    if (!inc->state.data.empty()) {
      int64_t lookback = 0;
      for (const MetricAlarm& a : rules.rules.alarms) {
        lookback = std::max<int64_t>(lookback, (a.evaluation_periods + 2) * a.period);
      }
      const UnixSeconds horizon = inc->state.data.last - kStateRetention;
      inc->state.Prune(horizon - lookback, horizon);
    }
    if (const Status s = pipeline::SaveState(options.state_path, inc->state); !s.ok()) {
      output::Diagnostic(s.message());
      code = kExitError;
    }
    if (inc->changed > 0) code = kExitError;
  }
  if (hooks_failed > 0 || !rules.rules.errors.empty()) code = kExitError;
  return code;
}

int RunRulesCheck(const std::vector<std::string>& paths) {
  ScanRules rules;
  LoadRulePaths(paths, &rules.rules);
  rules.rules.CrossCheck();
  rules.Compile();
  PrintRuleErrors(rules.rules);
  output::Diagnostic(fmt::format("{} files: {} metric filters, {} alarms, {} other blocks skipped, {} errors",
                                 rules.rules.files, rules.rules.filters.size(), rules.rules.alarms.size(),
                                 rules.rules.skipped_blocks, rules.rules.errors.size()));
  return rules.rules.errors.empty() ? kExitOk : kExitError;
}

}  // namespace trailwatch
