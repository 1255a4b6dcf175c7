// scan_rules: compiles loaded rules for the scan (see scan_rules.h).
#include "metric/scan_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace trailwatch::pipeline {

void ScanRules::Compile() {
  std::map<std::pair<std::string, std::string>, uint32_t> metric_ids;
  for (const MetricFilter& f : rules.filters) {
    FilterPlan plan;
    plan.filter = &f;
    auto [it, fresh] = metric_ids.emplace(std::make_pair(f.metric_namespace, f.metric_name),
                                          static_cast<uint32_t>(metrics.size()));
    if (fresh) metrics.emplace_back(f.metric_namespace, f.metric_name);
    plan.metric = it->second;
    patterns.Add(f.pattern);
    PatternError error;
    if (!f.value.empty() && f.value[0] == '$') {
      plan.value_selector = patterns.AddSelector(f.value, &error);
      if (plan.value_selector < 0) {
        rules.errors.push_back({f.loc, fmt::format("metric filter \"{}\": value {}: {}", f.name, f.value,
                                                   error.message)});
      }
    } else {
      plan.value = std::strtod(f.value.c_str(), nullptr);
    }
    plan.default_value = f.default_value;
    for (const auto& [name, selector] : f.dimensions) {
      const int id = patterns.AddSelector(selector, &error);
      if (id < 0) {
        rules.errors.push_back({f.loc, fmt::format("metric filter \"{}\": dimension {}: {}", f.name, name,
                                                   error.message)});
      }
      plan.dimensions.emplace_back(name, id);
    }
    std::sort(plan.dimensions.begin(), plan.dimensions.end());
    if (plan.default_value) default_filters.push_back(static_cast<uint32_t>(filters.size()));
    filters.push_back(std::move(plan));
  }
  metric_needs_values = std::vector<bool>(metrics.size(), false);  // not assign(0, ...): UBSan flags libstdc++ 12 there
  for (const MetricAlarm& a : rules.alarms) {
    const int m = MetricOf(a);
    if (m >= 0 && a.statistic.kind == Statistic::Kind::kPercentile) {
      metric_needs_values[static_cast<size_t>(m)] = true;
    }
  }
  fields.Register(&patterns, /*scan=*/true);
  patterns.Compile();
}

std::string ScanRules::Fingerprint() const {
  std::string text;
  for (const MetricFilter& f : rules.filters) {
    text += fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", f.name, f.pattern_text, f.metric_namespace,
                        f.metric_name, f.value, f.default_value ? fmt::format("{}", *f.default_value) : "-");
    for (const auto& [name, selector] : f.dimensions) text += fmt::format("\x1f{}={}", name, selector);
    text += '\x1e';
  }
  for (bool b : metric_needs_values) text += b ? '1' : '0';
  uint64_t h = 14695981039346656037ULL;  // FNV-1a, 64 bits: stable across builds and machines
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

int ScanRules::MetricOf(const MetricAlarm& a) const {
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].first == a.metric_namespace && metrics[i].second == a.metric_name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace trailwatch::pipeline
