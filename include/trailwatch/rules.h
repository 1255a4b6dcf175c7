// Rules: CloudWatch Logs metric filters and CloudWatch metric alarms, loaded
// from Terraform (aws_cloudwatch_log_metric_filter, aws_cloudwatch_metric_alarm)
// or from the JSON of `aws logs describe-metric-filters` / `aws cloudwatch
// describe-alarms`, validated as CloudWatch would (spec sections 6 and 8.1).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trailwatch/pattern.h"

namespace trailwatch {

/// Where a rule or a field was written: file, 1-based line and column.
struct SourceLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string Describe() const;  ///< "file:line:col" (or just "file")
};

/// A problem in a rule file, for `rules check` and for scan's start-up.
struct RuleError {
  SourceLoc loc;
  std::string message;
  std::string Describe() const;  ///< "file:line:col: message", terminal-safe
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// The value of `key` in `kv` (e.g. an alarm's "Severity" tag), or "".
std::string_view TagValue(const KeyValues& kv, std::string_view key);

/// aws_cloudwatch_log_metric_filter / PutMetricFilter.
struct MetricFilter {
  std::string name;
  std::string pattern_text;
  std::shared_ptr<const FilterPattern> pattern;
  std::string log_group_name;  ///< kept, not used
  std::string metric_name;
  std::string metric_namespace;
  std::string value = "1";     ///< a number, or "$.selector" / "$field"
  std::optional<double> default_value;
  KeyValues dimensions;        ///< dimension name -> selector ($.x)
  std::string unit;
  SourceLoc loc;
};

enum class Comparison { kGreaterThanOrEqual, kGreaterThan, kLessThan, kLessThanOrEqual };
/// ">=", ">", "<", "<=".
const char* ComparisonSymbol(Comparison comparison);
enum class TreatMissing { kMissing, kIgnore, kBreaching, kNotBreaching };

/// Sum, SampleCount, Average, Minimum, Maximum, or a percentile pNN.
struct Statistic {
  enum class Kind { kSum, kSampleCount, kAverage, kMinimum, kMaximum, kPercentile } kind = Kind::kSum;
  double percentile = 0;  ///< 0..100 for kPercentile
  std::string name;       ///< as written: "Sum", "p99"
};

/// aws_cloudwatch_metric_alarm / PutMetricAlarm (static thresholds).
struct MetricAlarm {
  std::string name;
  std::string description;
  std::string metric_name;
  std::string metric_namespace;
  Comparison comparison = Comparison::kGreaterThanOrEqual;
  std::string comparison_text;  ///< as written
  int64_t period = 300;         ///< seconds
  int evaluation_periods = 1;   ///< N
  int datapoints_to_alarm = 1;  ///< M (defaults to N)
  Statistic statistic;
  double threshold = 0;
  TreatMissing treat_missing = TreatMissing::kMissing;
  std::string treat_missing_text = "missing";
  KeyValues dimensions;
  KeyValues tags;
  bool actions_enabled = true;
  std::vector<std::string> alarm_actions, ok_actions, insufficient_data_actions;
  std::string unit;
  SourceLoc loc;
};

/// Everything loaded from rule files: filters, alarms and what went wrong.
struct RuleSet {
  std::vector<MetricFilter> filters;
  std::vector<MetricAlarm> alarms;
  std::vector<RuleError> errors;
  uint64_t files = 0;
  uint64_t skipped_blocks = 0;  ///< other resources, providers, outputs...

  /// Alarms whose metric (namespace, name) no filter produces are errors, as
  /// are duplicate names; call once after loading everything.
  void CrossCheck();
};

/// Loads a Terraform file's text (`name` is used in positions).
void LoadTerraform(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads the .tf files of one module (one folder): (name, text) pairs. Their
/// variables and locals are shared, as in Terraform.
void LoadTerraformModule(const std::vector<std::pair<std::string, std::string>>& files, RuleSet* rules);
/// Loads `aws logs describe-metric-filters` or `aws cloudwatch describe-alarms`
/// output (either, detected by its top-level key).
void LoadDescribeJson(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads files and folders (*.tf and *.json, recursively, in name order).
void LoadRulePaths(const std::vector<std::string>& paths, RuleSet* rules);
/// Loads the rule pack built into the binary (the rules/ folder).
void LoadBuiltinRules(RuleSet* rules);

/// Checks one alarm's fields as PutMetricAlarm would (period, M <= N, ...).
void ValidateAlarm(const MetricAlarm& alarm, std::vector<RuleError>* errors);

}  // namespace trailwatch
