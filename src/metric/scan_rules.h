// scan_rules: the rule set turned into what the scan needs per record: one
// PatternSet holding every filter's pattern and the selectors of its value,
// its dimensions and the evidence fields, and metrics numbered once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metric/record_fields.h"
#include "trailwatch/pattern.h"
#include "trailwatch/rules.h"

namespace trailwatch::pipeline {

struct FilterPlan {
  const MetricFilter* filter = nullptr;
  uint32_t metric = 0;                  ///< index into ScanRules::metrics
  int value_selector = -1;              ///< -1: the constant `value`
  double value = 1;
  std::optional<double> default_value;
  std::vector<std::pair<std::string, int>> dimensions;  ///< name, selector, sorted by name
};

struct ScanRules {
  RuleSet rules;
  PatternSet patterns;                  ///< pattern id i = filter i
  std::vector<FilterPlan> filters;
  std::vector<uint32_t> default_filters;  ///< filters with a default_value
  std::vector<std::pair<std::string, std::string>> metrics;  ///< (namespace, name)
  std::vector<bool> metric_needs_values;  ///< some alarm takes a percentile of it
  RecordFields fields;  ///< evidence: eventID, principal, source IP

  /// Compiles rules (already loaded and cross-checked); bad selectors become
  /// rule errors.
  void Compile();
  /// The metric index of an alarm, or -1.
  int MetricOf(const MetricAlarm& alarm) const;
  /// A hash of everything that decides what a scan gathers (the filters and
  /// which metrics keep values): a --state made under other rules is refused.
  std::string Fingerprint() const;
};

}  // namespace trailwatch::pipeline
