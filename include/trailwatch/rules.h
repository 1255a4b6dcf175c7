// Rules: CloudWatch Logs metric filters and CloudWatch metric alarms, loaded
// from Terraform (aws_cloudwatch_log_metric_filter, aws_cloudwatch_metric_alarm,
// evaluated offline: variables, locals, count, for_each, dynamic blocks,
// modules with local sources, functions), from Terraform's plan or state JSON
// (`terraform show -json`), or from the JSON of `aws logs
// describe-metric-filters` / `aws cloudwatch describe-alarms`, validated as
// CloudWatch would (spec sections 6 and 8.1).
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
  /// The Terraform resource address (`module.a.aws_cloudwatch_log_metric_filter.f["k"]`);
  /// empty for describe-* JSON.
  std::string address;
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
  std::string address;  ///< the Terraform resource address, as for MetricFilter
};

/// What one path given to LoadRulePaths loaded (for `rules check`: a path
/// with .tf files that yields no filter or alarm is suspicious).
struct RuleSourceSummary {
  std::string path;
  uint64_t terraform_files = 0;  ///< .tf files read as rule sources
  uint64_t filters = 0;
  uint64_t alarms = 0;
};

/// Everything loaded from rule files: filters, alarms and what went wrong.
struct RuleSet {
  std::vector<MetricFilter> filters;
  std::vector<MetricAlarm> alarms;
  std::vector<RuleError> errors;
  /// What did not stop a rule from loading but was left out: an unrelated
  /// attribute (tags, description) that cannot be known offline, a tfvars
  /// entry for an undeclared variable... `rules check` should show them.
  std::vector<RuleError> warnings;
  uint64_t files = 0;
  uint64_t skipped_blocks = 0;  ///< other resources, providers, outputs...
  std::vector<RuleSourceSummary> sources;  ///< one per path given to LoadRulePaths

  /// Alarms whose metric (namespace, name) no filter produces are errors, as
  /// are duplicate names; call once after loading everything.
  void CrossCheck();
};

/// A Terraform input given on the command line: `-var NAME=VALUE` or
/// `-var-file FILE` (.tfvars, or .tfvars.json). Later ones win, as in Terraform.
struct VariableArg {
  enum class Kind { kValue, kFile };
  Kind kind = Kind::kValue;
  std::string text;  ///< "NAME=VALUE", or the file's path
};

/// How rule files are loaded.
struct RuleLoadOptions {
  /// Inputs of the root modules, in command-line order. Each root module
  /// takes those it declares; one no root module declares is an error.
  /// They override defaults, terraform.tfvars and *.auto.tfvars.
  std::vector<VariableArg> variables;
};

/// Loads a Terraform file's text as a module of its own (`name` is used in positions).
void LoadTerraform(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads a Terraform module tree held in memory: (path, text) pairs. The
/// .tf files in the folder of the first file are the root module (their
/// variables and locals are shared, as in Terraform; its terraform.tfvars
/// and *.auto.tfvars are read); the other files are there for module calls,
/// file() and templatefile().
void LoadTerraformModule(const std::vector<std::pair<std::string, std::string>>& files, RuleSet* rules,
                         const RuleLoadOptions& options = {});
/// Loads `aws logs describe-metric-filters` or `aws cloudwatch describe-alarms`
/// output (either, detected by its top-level key).
void LoadDescribeJson(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads `terraform show -json` output: a plan (`planned_values`) or a state
/// (`values`), with its child modules.
void LoadPlanJson(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads a JSON rule file of any kind above, recognized by its content.
void LoadRuleJson(std::string_view text, const std::string& name, RuleSet* rules);
/// Loads files and folders. A folder is searched recursively for Terraform
/// root modules (folders of .tf files that no other one calls as a module;
/// dot-folders such as .terraform/ are skipped) and JSON rule files (not
/// *.tfvars.json). A .tf file given alone loads only its own rules, but is
/// evaluated within its folder's module (variables, locals, references).
/// `builtin` names the built-in pack and `builtin:FILE` (`builtin:cis`) one
/// file of it.
void LoadRulePaths(const std::vector<std::string>& paths, RuleSet* rules, const RuleLoadOptions& options = {});
/// Loads the rule pack built into the binary (the rules/ folder).
void LoadBuiltinRules(RuleSet* rules, const RuleLoadOptions& options = {});

/// Which alarms to keep: those matching any `only` selector (all if there
/// is none), minus those matching any `exclude` selector. A selector is
///   - `severity>=high` (also >, <=, <, =; low < medium < high < critical),
///     on the alarm's Severity tag;
///   - `KEY=GLOB`, on a tag (`MitreAttack=T1110*`);
///   - anything else: a glob (`*`, `?`) on the alarm name, or a word that,
///     ignoring case, is a word of a tag value (`cis` picks the alarms whose
///     Control tag names CIS; `T1078` picks T1078 and T1078.004).
struct RuleSelection {
  std::vector<std::string> only;
  std::vector<std::string> exclude;
};
/// Applies `selection` to `rules`: drops the alarms it leaves out, then the
/// filters that feed no remaining alarm. A bad selector is an error.
void SelectRules(const RuleSelection& selection, RuleSet* rules);

/// Checks one alarm's fields as PutMetricAlarm would (period, M <= N, ...).
void ValidateAlarm(const MetricAlarm& alarm, std::vector<RuleError>* errors);

}  // namespace trailwatch
