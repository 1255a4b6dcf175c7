// scan: the main job. Read like mold's main: a list of steps, each with why.
#include <algorithm>
#include <ctime>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "output/hits.h"
#include "output/summary.h"
#include "output/write.h"
#include "hooks/hooks.h"
#include "pipeline/input_run.h"
#include "state/scan_files.h"
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
using pipeline::ReportedEpisode;
using pipeline::ScanState;

// How far back a --state keeps observations, before now (the wall clock, so
// that a record dated 2099 cannot move it): late records older than this are
// counted but cannot raise an alarm, and files delivered before it are not read.
constexpr UnixSeconds kStateRetention = 14 * 86400;
// Records dated later than now + this are named as future-dated.
constexpr UnixSeconds kClockSkew = 15 * 60;
// ... and later than now + this are not kept in a --state (see Prune).
constexpr UnixSeconds kFarFuture = 86400;

// The hits of one alarm: each matching series evaluated on its own (a filter
// with dimensions and an alarm naming none: one series per dimension set,
// a documented extension of CloudWatch), from `from` to the end of the data.
void EvaluateAlarm(const MetricAlarm& a, const ScanData& data, UnixSeconds from, UnixSeconds to,
                   alarm::WindowMode mode, std::vector<output::Hit>* hits) {
  KeyValues wanted = a.dimensions;
  std::sort(wanted.begin(), wanted.end());
  const pipeline::SeriesId lo{a.metric_namespace, a.metric_name, {}};
  for (auto it = data.series.lower_bound(lo);
       it != data.series.end() && it->first.metric_namespace == a.metric_namespace &&
       it->first.metric_name == a.metric_name;
       ++it) {
    const auto& [id, series] = *it;
    if (!wanted.empty() && id.dimensions != wanted) continue;
    for (alarm::Episode& ep : alarm::Evaluate(series, a, from, to, mode)) {
      output::Hit hit{&a, id.dimensions, std::move(ep), {}};
      for (const auto& [begin, end] : hit.episode.windows) {
        for (auto e = series.evidence.lower_bound(begin / 60); e != series.evidence.end() && e->first * 60 < end; ++e) {
          for (const alarm::Evidence& ev : e->second.kept) {
            if (ev.time >= begin && ev.time < end) hit.events.push_back(&ev);
          }
          hit.events_omitted += e->second.omitted();  // windows are whole minutes
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

// --state: the lock, the state itself, and which files this run reads.
struct Incremental {
  pipeline::StateLock lock;
  ScanState state;
  std::optional<pipeline::StateFiles> files;
  std::vector<size_t> read;  ///< per input read: its index among the inputs planned
};

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

// Leaves out the files an earlier run read (by content, wherever they are
// now), copies of files of this run, and files older than the state reaches.
void PlanFiles(const ScanOptions& options, UnixSeconds horizon, pipeline::InputRun& run, Incremental* inc) {
  inc->files.emplace(&inc->state, horizon - kClockSkew, run.jobs());
  const std::vector<bool> keep = inc->files->Plan(run.inputs(), options.read.paths);
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) inc->read.push_back(i);
  }
  size_t i = 0;
  run.RetainInputs([&](const InputFile&) { return keep[i++]; });
}

// The span of each hit as the state records it. Still in ALARM: ongoing as
// far as the data goes (the start can be the evaluation instant just after
// the newest record). Never past now (+ clock skew): a record dated 2099 must
// not make an incident last until 2099 and swallow every later one.
std::vector<ReportedEpisode> EpisodesOf(const std::vector<output::Hit>& hits, UnixSeconds data_end,
                                        UnixSeconds believed_until) {
  std::vector<ReportedEpisode> out;
  for (const output::Hit& h : hits) {
    const UnixSeconds end = std::min(h.episode.end.value_or(data_end), believed_until);
    out.push_back({h.episode.start, std::max(h.episode.start, end)});
  }
  return out;
}

// Which hits are new: a hit is the incident an earlier run reported if it
// overlaps an episode reported for the same alarm and dimensions.
std::vector<bool> SelectNewHits(const std::vector<output::Hit>& hits, const std::vector<ReportedEpisode>& episodes,
                                const ScanState& state) {
  std::vector<bool> fresh(hits.size(), true);
  for (size_t i = 0; i < hits.size(); ++i) {
    const auto it = state.reported.find(pipeline::EpisodeKey(hits[i].alarm->name, hits[i].dimensions));
    if (it == state.reported.end()) continue;
    for (const ReportedEpisode& r : it->second) {
      if (r.Overlaps(episodes[i])) fresh[i] = false;
    }
  }
  return fresh;
}

// The record of reported episodes is replaced by this evaluation's (over
// more data), without the new hits that were not delivered (output lost, or
// hook failed): those are new again next run, so a page is retried.
void CommitReported(const std::vector<output::Hit>& hits, const std::vector<ReportedEpisode>& episodes,
                    const std::vector<bool>& fresh, const std::vector<bool>& delivered, ScanState* state) {
  std::map<std::string, std::vector<ReportedEpisode>> now;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (fresh[i] && !delivered[i]) continue;
    now[pipeline::EpisodeKey(hits[i].alarm->name, hits[i].dimensions)].push_back(episodes[i]);
  }
  for (auto& [key, old] : state->reported) {
    std::vector<ReportedEpisode>& current = now[key];
    const size_t evaluated = current.size();
    for (const ReportedEpisode& r : old) {
      const bool superseded = std::any_of(current.begin(), current.begin() + static_cast<ptrdiff_t>(evaluated),
                                          [&](const ReportedEpisode& c) { return c.Overlaps(r); });
      if (!superseded) current.push_back(r);
    }
  }
  std::erase_if(now, [](const auto& kv) { return kv.second.empty(); });
  state->reported = std::move(now);
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

// Evaluates every alarm at every minute of [from, to] (spec 8); the hits in
// a stable order.
std::vector<output::Hit> EvaluateAll(const ScanOptions& options, const ScanRules& rules, const ScanData& data,
                                     UnixSeconds from, UnixSeconds to) {
  std::vector<output::Hit> hits;
  if (data.empty()) return hits;
  const auto mode = options.wall_clock ? alarm::WindowMode::kWallClock : alarm::WindowMode::kSliding;
  for (const MetricAlarm& a : rules.rules.alarms) EvaluateAlarm(a, data, from, to, mode, &hits);
  std::stable_sort(hits.begin(), hits.end(), [](const output::Hit& x, const output::Hit& y) {
    return std::tie(x.episode.start, x.alarm->name, x.dimensions) <
           std::tie(y.episode.start, y.alarm->name, y.dimensions);
  });
  return hits;
}

// Runs the hook of each new hit; a hit whose hook failed is not delivered.
uint64_t RunHooks(const ScanOptions& options, const std::vector<output::Hit>& hits, const std::vector<bool>& fresh,
                  std::vector<bool>* delivered) {
  uint64_t failed = 0;
  if (options.on_alarm.empty()) return failed;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (fresh[i] && !RunHookFor(options, hits[i])) {
      ++failed;
      (*delivered)[i] = false;
    }
  }
  return failed;
}

void PrintConflicts(const pipeline::MatchLedger& ledger) {
  for (const std::string& m : ledger.conflict_messages) output::Diagnostic(m);
  if (ledger.conflicts > ledger.conflict_messages.size()) {
    output::Diagnostic(fmt::format("record_conflict: ... and {} more", ledger.conflicts - ledger.conflict_messages.size()));
  }
}

// Records dated after now + 15 minutes, per input: they are still matched,
// but named, as a clock problem or a forgery.
struct FutureDated {
  uint64_t records = 0;
  std::vector<std::string> files;
  void Add(const InputFile& f, const pipeline::InputTally& m) {
    if (m.future == 0) return;
    records += m.future;
    files.push_back(fmt::format("future-dated: {}: {} record{}, the latest at {}", TerminalSafe(DisplayName(f)),
                                m.future, m.future == 1 ? "" : "s", FormatIsoTime(m.latest)));
  }
  void Print(UnixSeconds after) const {
    if (records == 0) return;
    output::Diagnostic(fmt::format("future-dated: {} record{} dated after now + 15 minutes ({}) in {} file{}: a "
                                   "wrong clock or forged records; matched all the same",
                                   records, records == 1 ? "" : "s", FormatIsoTime(after), files.size(),
                                   files.size() == 1 ? "" : "s"));
    for (size_t i = 0; i < files.size() && i < 10; ++i) output::Diagnostic(files[i]);
    if (files.size() > 10) output::Diagnostic(fmt::format("future-dated: ... and {} more files", files.size() - 10));
  }
};

// Reads every input on the workers; the calling thread counts each input's
// matching records in input order. Returns false if stdout was closed early.
bool Gather(const ScanOptions& options, const ScanRules& rules, UnixSeconds now, pipeline::InputRun& run,
            Incremental* inc, pipeline::Accumulator* acc, pipeline::MatchLedger* ledger, FutureDated* future) {
  std::vector<std::unique_ptr<pipeline::Accumulator>> accs;
  for (size_t i = 0; i < run.jobs(); ++i) accs.push_back(std::make_unique<pipeline::Accumulator>(rules));
  std::vector<pipeline::InputTally> tallies(run.inputs().size());
  const bool complete = run.Run(
      [&](size_t worker, size_t task, pipeline::TaskOutput& out) {
        return std::make_unique<pipeline::ScanSink>(options, rules, accs[worker].get(), &out, &tallies[task],
                                                    now + kClockSkew);
      },
      [&](size_t task, const InputReport& report) {
        future->Add(run.inputs()[task], tallies[task]);
        if (inc != nullptr) inc->files->Done(inc->read[task], report);
      },
      [&](size_t task, std::string_view matches) {  // in input order, as the workers write them
        ledger->Deliver(matches, TerminalSafe(DisplayName(run.inputs()[task])));
        return true;
      });
  for (auto& a : accs) acc->Merge(std::move(*a));
  acc->Merge(std::move(ledger->target));
  return complete;
}

// Prints the new hits, one write each. Returns per hit whether its output
// was written (a full disk loses the rest), or nullopt if stdout was closed.
std::optional<std::vector<bool>> PrintHits(const ScanOptions& options, const std::vector<output::Hit>& hits,
                                           const std::vector<bool>& fresh) {
  std::vector<bool> written(hits.size(), false);
  bool ok = options.format != ScanOptions::Format::kCsv || output::WriteStdout(output::HitCsvHeader());
  for (size_t i = 0; i < hits.size(); ++i) {
    if (!fresh[i]) continue;
    ok = ok && output::WriteStdout(Render(options, hits[i]));
    written[i] = ok;
  }
  if (!ok && !output::StdoutFailed()) return std::nullopt;
  return written;
}

// The end-of-run lines about the state, duplicates and warnings.
void Report(const ScanOptions& options, const pipeline::Accumulator& acc, const pipeline::MatchLedger& ledger,
            const Incremental* inc, size_t hits, size_t new_hits) {
  if (inc) {
    std::string skipped;
    const pipeline::StateFiles& f = *inc->files;
    if (f.too_old > 0) skipped += fmt::format(", {} older than the state's {} days", f.too_old, kStateRetention / 86400);
    if (f.copies > 0) skipped += fmt::format(", {} with the content of another file", f.copies);
    output::Diagnostic(fmt::format("state {}: {} files read before and skipped, {} new{}; {} hits in the "
                                   "retained timeline, {} new",
                                   TerminalSafe(options.state_path), f.known, inc->read.size(), skipped, hits,
                                   new_hits));
  } else {
    output::Diagnostic(fmt::format("{} alarm hit{}", new_hits, new_hits == 1 ? "" : "s"));
  }
  if (ledger.dropped > 0) {
    output::Diagnostic(fmt::format("{} duplicate record{} dropped{}: the same eventID and recipientAccountId as a "
                                   "record already counted",
                                   ledger.dropped, ledger.dropped == 1 ? "" : "s",
                                   ledger.dropped_earlier > 0
                                       ? fmt::format(" ({} counted by an earlier run)", ledger.dropped_earlier)
                                       : std::string()));
  }
  if (acc.warnings > 0) {
    output::Diagnostic(fmt::format("{} matches emitted no value (value or dimension field missing or "
                                   "not a number)",
                                   acc.warnings));
  }
}

// Prunes what the state's timeline no longer reaches, warns if delivery
// seems to have stopped, and saves. False if the state could not be saved.
bool SaveIncremental(const ScanOptions& options, const ScanRules& rules, UnixSeconds now, Incremental* inc) {
  const UnixSeconds horizon = now - kStateRetention;
  int64_t lookback = 0;
  for (const MetricAlarm& a : rules.rules.alarms) {
    lookback = std::max<int64_t>(lookback, (a.evaluation_periods + 2) * a.period);
  }
  inc->state.Prune(horizon - lookback, horizon, now + kFarFuture);
  inc->files->Prune();
  if (std::optional<std::string> stale = inc->files->StaleWarning(now, options.stale_after)) {
    output::Diagnostic(*stale);
  }
  if (const Status s = pipeline::SaveState(options.state_path, inc->state); !s.ok()) {
    output::Diagnostic(fmt::format("{} (the state is not saved; the old one is kept, and this run's hits are "
                                   "reported again next run)",
                                   s.message()));
    return false;
  }
  return true;
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
  const UnixSeconds now = options.now ? *options.now : static_cast<UnixSeconds>(std::time(nullptr));
  const UnixSeconds horizon = now - kStateRetention;

  // 3. With --state: lock it, load what earlier runs gathered, and leave out
  //    the files they read.
  std::optional<Incremental> inc;
  if (!options.state_path.empty()) {
    inc.emplace();
    if (!OpenState(options, rules, &*inc)) return kExitError;
  }
  pipeline::InputRun run(options.read);
  // Under --state, no new file is normal (a cron run before the next sync, or
  // before the first); --stale-after warns when nothing arrives for too long.
  if (inc) run.AllowNothingRead();
  if (inc) PlanFiles(options, horizon, run, &*inc);

  // 4. Read every input in parallel; each worker aggregates observations per
  //    series and minute; the matching records are counted in input order,
  //    each event once, with evidence.
  pipeline::Accumulator acc(rules);
  pipeline::MatchLedger ledger(rules, inc ? &inc->state.counted : nullptr);
  FutureDated future;
  if (!Gather(options, rules, now, run, inc ? &*inc : nullptr, &acc, &ledger, &future)) return kExitOk;
  const UnixSeconds run_first = acc.data.first, run_last = acc.data.last;  // this run's records
  const ScanData* data = &acc.data;
  if (inc) {
    inc->state.data.Merge(std::move(acc.data));
    data = &inc->state.data;
  }

  // 5. Evaluate every alarm at every minute of the data (spec 8), in a stable
  //    order. A state evaluates its whole retained timeline again, so that an
  //    episode straddling two runs is seen whole. Future-dated records are
  //    evaluated too, but the data is not taken to end after now.
  const UnixSeconds data_end = std::max(data->first, std::min(data->last, now + kClockSkew));
  const UnixSeconds from = inc ? std::max(data->first, horizon) : data->first;
  const std::vector<output::Hit> hits = EvaluateAll(options, rules, *data, from, data_end);
  if (inc && !data->empty() && run_first < from) {
    output::Diagnostic(fmt::format("records from {} on are older than the state's timeline (it keeps {} days "
                                   "before now, {}): counted, but they cannot raise alarms",
                                   FormatIsoTime(run_first), kStateRetention / 86400, FormatIsoTime(from)));
  }
  const std::vector<ReportedEpisode> episodes = EpisodesOf(hits, data_end, now + kClockSkew);
  const std::vector<bool> fresh =
      inc ? SelectNewHits(hits, episodes, inc->state) : std::vector<bool>(hits.size(), true);
  const size_t new_hits = static_cast<size_t>(std::count(fresh.begin(), fresh.end(), true));

  // 6. Print the new hits, then run the hook for each. A hit counts as
  //    reported only once both are done, and the state is saved after: a run
  //    killed in between, a full disk or a failed hook prints (and pages)
  //    those hits again next time (at least once, never lost).
  std::optional<std::vector<bool>> delivered = PrintHits(options, hits, fresh);
  // stdout closed early (| head): stop without saving, so nothing is lost.
  if (!delivered) return new_hits == 0 ? kExitOk : kExitNoMatch;
  const uint64_t hooks_failed = RunHooks(options, hits, fresh, &*delivered);

  // 7. The summary on stderr: the table for people, the totals for logs.
  if (options.summary) PrintSummary(options, rules, acc, run_first, run_last, hits, fresh);
  future.Print(now + kClockSkew);  // warnings (possible tampering): printed even with --quiet
  PrintConflicts(ledger);
  if (!options.read.quiet) Report(options, acc, ledger, inc ? &*inc : nullptr, hits.size(), new_hits);
  if (hooks_failed > 0) output::Diagnostic(fmt::format("{} of {} hooks failed", hooks_failed, new_hits));
  int code = run.Summarize("evaluated", new_hits == 0 || options.exit_zero ? kExitOk : kExitNoMatch);

  // 8. Save the state: files read, records counted, the retained timeline,
  //    what was reported.
  if (inc) {
    CommitReported(hits, episodes, fresh, *delivered, &inc->state);
    for (const auto& [key, t] : ledger.counted) inc->state.counted.emplace(key, t);
    if (!SaveIncremental(options, rules, now, &*inc) || inc->files->changed > 0) code = kExitError;
  }
  if (hooks_failed > 0 || ledger.conflicts > 0 || !rules.rules.errors.empty() || output::StdoutFailed()) {
    code = kExitError;
  }
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
