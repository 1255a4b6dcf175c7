// scan_sink: observations per matching record (its value, or the filter's
// default for every record it does not match, spec 6), with the evidence that
// explains an alarm: eventID, principal, source IP, optionally the record.
#include "metric/scan_sink.h"

#include <fmt/format.h>

#include "output/write.h"

namespace trailwatch::pipeline {

Accumulator::Accumulator(const ScanRules& rules)
    : matches(rules.filters.size(), 0),
      hourly(rules.filters.size()),
      matcher(rules.patterns),
      plain(rules.metrics.size(), nullptr) {}

void Accumulator::Merge(Accumulator&& o) {
  data.Merge(std::move(o.data));
  for (size_t i = 0; i < matches.size(); ++i) {
    matches[i] += o.matches[i];
    for (const auto& [hour, n] : o.hourly[i]) hourly[i][hour] += n;
  }
  warnings += o.warnings;
}

RecordOutcome ScanSink::OnRecord(Record& record) {
  PatternSet::Matcher& m = acc_->matcher;
  if (RecordOutcome o = m.Match(record); o.verdict != RecordOutcome::Verdict::kAccepted) return o;
  const UnixSeconds t = m.event_time();
  if (!options_.read.range.Contains(t)) return RecordOutcome::Filtered();
  acc_->data.first = std::min(acc_->data.first, t);
  acc_->data.last = std::max(acc_->data.last, t);
  for (uint32_t id : m.matched()) {
    matched_[id] = 1;
    ++acc_->matches[id];
    ++acc_->hourly[id][t / 3600];
    Observe(record, rules_.filters[id], t, true);
  }
  // Spec 6: a filter with a default value emits it for every record it does not match.
  for (uint32_t id : rules_.default_filters) {
    if (!matched_[id]) Observe(record, rules_.filters[id], t, false);
  }
  for (uint32_t id : m.matched()) matched_[id] = 0;
  return RecordOutcome::Accepted();
}

void ScanSink::Observe(Record& record, const FilterPlan& plan, UnixSeconds t, bool matched) {
  const PatternSet::Matcher& m = acc_->matcher;
  double value = matched ? plan.value : *plan.default_value;
  if (matched && plan.value_selector >= 0) {
    auto v = m.values(plan.value_selector);
    // A missing or non-numeric value emits nothing (spec 10), counted as a warning.
    if (v.empty() || v[0].kind != JsonValue::Kind::kNumber) {
      ++acc_->warnings;
      return;
    }
    value = v[0].number;
  }
  alarm::Series* series = acc_->plain[plan.metric];
  if (plan.dimensions.empty()) {
    if (series == nullptr) {  // map nodes are stable: keep a pointer for the next records
      const auto& [ns, name] = rules_.metrics[plan.metric];
      series = acc_->plain[plan.metric] = &acc_->data.series[SeriesId{ns, name, {}}];
    }
  } else {
    SeriesId id{rules_.metrics[plan.metric].first, rules_.metrics[plan.metric].second, {}};
    for (const auto& [name, selector] : plan.dimensions) {
      const std::string_view d = RecordFields::First(m, selector);
      if (d.empty()) {  // a matching record without the dimension field emits nothing (spec 10)
        ++acc_->warnings;
        return;
      }
      id.dimensions.emplace_back(name, std::string(d));
    }
    series = &acc_->data.series[std::move(id)];
  }
  series->minutes[t / 60].Add(value, rules_.metric_needs_values[plan.metric]);
  if (!matched) return;
  alarm::Evidence e;
  e.time = t;
  e.event_id = std::string(RecordFields::First(m, rules_.fields.event_id));
  e.principal = std::string(rules_.fields.Principal(m));
  e.source_ip = std::string(RecordFields::First(m, rules_.fields.source_ip));
  if (options_.with_events) {
    Result<std::string_view> raw = record.RawJson();
    UnixSeconds unused = 0;
    if (raw.ok() &&
        acc_->validator.Validate(raw.value(), &unused).verdict == RecordOutcome::Verdict::kAccepted) {
      fmt::memory_buffer line;
      output::AppendJsonLine(line, raw.value());
      e.raw_json.assign(line.data(), line.size() - 1);
    } else {
      e.raw_json = "null";
    }
  }
  series->AddEvidence(std::move(e));
}

}  // namespace trailwatch::pipeline
