// scan: the main job. Read like mold's main: a list of steps, each with why.
#include <algorithm>
#include <limits>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "output/hits.h"
#include "output/write.h"
#include "pipeline/input_run.h"
#include "pipeline/scan_rules.h"
#include "trailwatch/alarm.h"
#include "trailwatch/escape.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

using pipeline::FilterPlan;
using pipeline::ScanRules;

// What one worker thread gathers; merged into one after the run. Merging is
// commutative (sums, minima, maxima, the earliest evidence), so the result
// does not depend on file order or on -j.
struct Accumulator {
  std::unordered_map<std::string, alarm::Series> series;  // key: metric id, then dimension values
  std::vector<uint64_t> matches;                           // per filter
  uint64_t warnings = 0;                                   // values or dimensions missing
  UnixSeconds first = std::numeric_limits<UnixSeconds>::max();
  UnixSeconds last = std::numeric_limits<UnixSeconds>::min();
  PatternSet::Matcher matcher;
  RecordValidator validator;

  explicit Accumulator(const ScanRules& r) : matches(r.filters.size(), 0), matcher(r.patterns) {}

  void Merge(Accumulator&& o) {
    for (auto& [key, s] : o.series) series[key].Merge(std::move(s));
    for (size_t i = 0; i < matches.size(); ++i) matches[i] += o.matches[i];
    warnings += o.warnings;
    first = std::min(first, o.first);
    last = std::max(last, o.last);
  }
};

// The series key: the metric, then each dimension "name=value", \x1f apart.
std::string SeriesKey(uint32_t metric, const KeyValues& dims) {
  std::string key = std::to_string(metric);
  for (const auto& [name, value] : dims) key += fmt::format("\x1f{}={}", name, value);
  return key;
}

KeyValues DimensionsOf(const std::string& key) {
  KeyValues dims;
  size_t at = key.find('\x1f');
  while (at != std::string::npos) {
    const size_t next = key.find('\x1f', at + 1);
    const std::string part = key.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    const size_t eq = part.find('=');
    dims.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    at = next;
  }
  return dims;
}

uint32_t MetricOfKey(const std::string& key) {
  return static_cast<uint32_t>(std::stoul(key.substr(0, key.find('\x1f'))));
}

class ScanSink : public RecordSink {
 public:
  ScanSink(const ScanOptions& options, const ScanRules& rules, Accumulator* acc)
      : options_(options), rules_(rules), acc_(acc), matched_(rules.filters.size(), 0) {}

  RecordOutcome OnRecord(Record& record) override {
    PatternSet::Matcher& m = acc_->matcher;
    if (RecordOutcome o = m.Match(record); o.verdict != RecordOutcome::Verdict::kAccepted) return o;
    const UnixSeconds t = m.event_time();
    if (!options_.read.range.Contains(t)) return RecordOutcome::Filtered();
    acc_->first = std::min(acc_->first, t);
    acc_->last = std::max(acc_->last, t);
    for (uint32_t id : m.matched()) {
      matched_[id] = 1;
      ++acc_->matches[id];
      Observe(record, rules_.filters[id], t, true);
    }
    // Spec 6: a filter with a default value emits it for every record it does not match.
    for (uint32_t id : rules_.default_filters) {
      if (!matched_[id]) Observe(record, rules_.filters[id], t, false);
    }
    for (uint32_t id : m.matched()) matched_[id] = 0;
    return RecordOutcome::Accepted();
  }

 private:
  std::string_view First(int selector) const { return pipeline::RecordFields::First(acc_->matcher, selector); }

  void Observe(Record& record, const FilterPlan& plan, UnixSeconds t, bool matched) {
    double value = matched ? plan.value : *plan.default_value;
    if (matched && plan.value_selector >= 0) {
      auto v = acc_->matcher.values(plan.value_selector);
      // A missing or non-numeric value emits nothing (spec 10), counted as a warning.
      if (v.empty() || v[0].kind != JsonValue::Kind::kNumber) {
        ++acc_->warnings;
        return;
      }
      value = v[0].number;
    }
    KeyValues dims;
    for (const auto& [name, selector] : plan.dimensions) {
      const std::string_view d = First(selector);
      if (d.empty()) {  // a matching record without the dimension field emits nothing (spec 10)
        ++acc_->warnings;
        return;
      }
      dims.emplace_back(name, std::string(d));
    }
    alarm::Series& series = acc_->series[SeriesKey(plan.metric, dims)];
    series.minutes[t / 60].Add(value, rules_.metric_needs_values[plan.metric]);
    if (!matched) return;
    alarm::Evidence e;
    e.time = t;
    e.event_id = std::string(First(rules_.fields.event_id));
    e.principal = std::string(rules_.fields.Principal(acc_->matcher));
    e.source_ip = std::string(First(rules_.fields.source_ip));
    if (options_.with_events) {
      Result<std::string_view> raw = record.RawJson();
      UnixSeconds unused = 0;
      if (raw.ok() && acc_->validator.Validate(raw.value(), &unused).verdict ==
                          RecordOutcome::Verdict::kAccepted) {
        fmt::memory_buffer line;
        output::AppendJsonLine(line, raw.value());
        e.raw_json.assign(line.data(), line.size() - 1);
      } else {
        e.raw_json = "null";
      }
    }
    series.AddEvidence(std::move(e));
  }

  const ScanOptions& options_;
  const ScanRules& rules_;
  Accumulator* acc_;
  std::vector<uint8_t> matched_;
};

// The hits of one alarm: each matching series evaluated on its own (a filter
// with dimensions and an alarm naming none: one series per dimension set,
// a documented extension of CloudWatch).
void EvaluateAlarm(const MetricAlarm& a, const ScanRules& rules, const Accumulator& acc,
                   alarm::WindowMode mode, std::vector<output::Hit>* hits) {
  const int metric = rules.MetricOf(a);
  if (metric < 0) return;
  KeyValues wanted = a.dimensions;
  std::sort(wanted.begin(), wanted.end());
  for (const auto& [key, series] : acc.series) {
    if (MetricOfKey(key) != static_cast<uint32_t>(metric)) continue;
    KeyValues dims = DimensionsOf(key);
    if (!wanted.empty() && dims != wanted) continue;
    for (alarm::Episode& ep : alarm::Evaluate(series, a, acc.first, acc.last, mode)) {
      output::Hit hit{&a, dims, std::move(ep), {}};
      for (const auto& [begin, end] : hit.episode.windows) {
        for (auto it = series.evidence.lower_bound(begin / 60);
             it != series.evidence.end() && it->first * 60 < end; ++it) {
          for (const alarm::Evidence& e : it->second) {
            if (e.time >= begin && e.time < end) hit.events.push_back(&e);
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

  // 3. Read every input in parallel; each worker aggregates observations per
  //    series and minute, with evidence (the earliest matching records).
  pipeline::InputRun run(options.read);
  std::vector<std::unique_ptr<Accumulator>> accs;
  for (size_t i = 0; i < run.jobs(); ++i) accs.push_back(std::make_unique<Accumulator>(rules));
  const bool complete = run.Run([&](size_t worker, size_t, pipeline::TaskOutput&) {
    return std::make_unique<ScanSink>(options, rules, accs[worker].get());
  });
  if (!complete) return kExitOk;

  // 4. Merge the workers' aggregates (order-independent).
  Accumulator& all = *accs[0];
  for (size_t i = 1; i < accs.size(); ++i) all.Merge(std::move(*accs[i]));

  // 5. Evaluate every alarm at every minute of the data (spec 8) and collect
  //    its ALARM episodes, in a stable order.
  std::vector<output::Hit> hits;
  if (all.first <= all.last) {
    const auto mode = options.wall_clock ? alarm::WindowMode::kWallClock : alarm::WindowMode::kSliding;
    for (const MetricAlarm& a : rules.rules.alarms) EvaluateAlarm(a, rules, all, mode, &hits);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const output::Hit& x, const output::Hit& y) {
    return std::tie(x.episode.start, x.alarm->name, x.dimensions) <
           std::tie(y.episode.start, y.alarm->name, y.dimensions);
  });

  // 6. Print the hits, then the summary on stderr.
  std::string out;
  for (const output::Hit& h : hits) {
    out += options.format == RecordFormat::kJson ? output::HitJson(h, options.with_events) : output::HitText(h);
  }
  if (!output::WriteStdout(out)) return hits.empty() ? kExitOk : kExitNoMatch;
  if (!options.read.quiet) {
    std::map<std::string, size_t> per_alarm;
    for (const output::Hit& h : hits) ++per_alarm[h.alarm->name];
    for (const MetricAlarm& a : rules.rules.alarms) {
      output::Diagnostic(fmt::format("alarm {}: {} hit{}", TerminalSafe(a.name), per_alarm[a.name],
                                     per_alarm[a.name] == 1 ? "" : "s"));
    }
    for (size_t i = 0; i < rules.filters.size(); ++i) {
      output::Diagnostic(fmt::format("metric filter {}: {} matching records",
                                     TerminalSafe(rules.filters[i].filter->name), all.matches[i]));
    }
    if (all.warnings > 0) {
      output::Diagnostic(fmt::format("{} matches emitted no value (value or dimension field missing or "
                                     "not a number)",
                                     all.warnings));
    }
  }
  const int code = run.Summarize("evaluated", hits.empty() ? kExitOk : kExitNoMatch);
  if (!rules.rules.errors.empty()) return kExitError;
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
