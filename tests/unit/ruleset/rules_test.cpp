// Tests for rule loading: Terraform resources (the seed config verbatim),
// variables and locals across a module's files, describe-* JSON, and every
// rule error with its file:line:col.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "test_util.h"
#include "trailwatch/rules.h"

using namespace trailwatch;  // NOLINT(google-build-using-namespace)
using Catch::Matchers::Contains;

namespace {

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(TW_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RuleSet LoadTf(const std::string& text) {
  RuleSet rules;
  LoadTerraform(text, "t.tf", &rules);
  rules.CrossCheck();
  return rules;
}

std::string Errors(const RuleSet& r) {
  std::string out;
  for (const RuleError& e : r.errors) out += e.Describe() + "\n";
  return out;
}

const char* kFilter = R"(
resource "aws_cloudwatch_log_metric_filter" "f" {
  name           = "F"
  pattern        = "{ $.eventName = ConsoleLogin }"
  log_group_name = "g"
  metric_transformation {
    name      = "M"
    namespace = "NS"
    value     = "1"
  }
}
)";

}  // namespace

TEST_CASE("The seed monitoring config loads as CloudWatch would: 2 alarms, 4 filters, 6 others") {
  RuleSet rules;
  LoadTerraform(ReadTestData("seed-monitoring.tf"), "seed-monitoring.tf", &rules);
  rules.CrossCheck();
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  REQUIRE(rules.filters.size() == 4);
  REQUIRE(rules.alarms.size() == 2);
  REQUIRE(rules.skipped_blocks == 6);
  const MetricFilter& f = rules.filters[0];
  CHECK(f.name == "FailedConsoleLogin");
  CHECK(f.pattern_text == R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })");
  CHECK(f.metric_name == "FailedConsoleLoginCount");
  CHECK(f.metric_namespace == "SecurityMetrics");
  CHECK(f.value == "1");
  CHECK(f.loc.Describe() == "seed-monitoring.tf:55:1");
  const MetricAlarm& a = rules.alarms[0];
  CHECK(a.name == "FailedConsoleLoginAlarm");
  CHECK(a.comparison == Comparison::kGreaterThan);
  CHECK(a.period == 300);  // "period = 300 # 5 minutes"
  CHECK(a.evaluation_periods == 1);
  CHECK(a.datapoints_to_alarm == 1);  // defaults to evaluation_periods
  CHECK(a.threshold == 3);
  CHECK(a.statistic.kind == Statistic::Kind::kSum);
  CHECK(a.treat_missing == TreatMissing::kMissing);
  CHECK(a.alarm_actions == std::vector<std::string>{"aws_sns_topic.security_alerts.arn"});
  CHECK(a.tags == KeyValues{{"Name", "failed-login-alarm"}});
  CHECK(rules.alarms[1].name == "RootAccountUsageAlarm");
  CHECK(rules.alarms[1].period == 60);
  CHECK(rules.alarms[1].threshold == 0);
}

TEST_CASE("Variables and locals are shared by the files of a module") {
  RuleSet rules;
  LoadTerraformModule({{"vars.tf", R"(
variable "ns" {
  default = "Security"
}
locals {
  prefix = "prod"
  period = 120
}
)"},
                       {"main.tf", R"(
resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = "${local.prefix}-f"
  pattern = <<-EOT
    { $.eventName = StopLogging }
  EOT
  metric_transformation {
    name          = "Stops"
    namespace     = var.ns
    value         = "1"
    default_value = "0"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "${local.prefix}-stop"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  metric_name         = "Stops"
  namespace           = var.ns
  period              = local.period
  extended_statistic  = "p90"
  threshold           = 1.5
  treat_missing_data  = "breaching"
  dimensions          = {}
  actions_enabled     = false
}
)"}},
                      &rules);
  rules.CrossCheck();
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  REQUIRE(rules.filters.size() == 1);
  CHECK(rules.filters[0].name == "prod-f");
  CHECK(rules.filters[0].pattern_text == "{ $.eventName = StopLogging }\n");
  CHECK(rules.filters[0].metric_namespace == "Security");
  CHECK(rules.filters[0].default_value == 0);
  REQUIRE(rules.alarms.size() == 1);
  const MetricAlarm& a = rules.alarms[0];
  CHECK(a.name == "prod-stop");
  CHECK(a.period == 120);
  CHECK(a.datapoints_to_alarm == 2);
  CHECK(a.statistic.kind == Statistic::Kind::kPercentile);
  CHECK(a.statistic.percentile == 90);
  CHECK(a.threshold == 1.5);
  CHECK(a.treat_missing == TreatMissing::kBreaching);
  CHECK_FALSE(a.actions_enabled);
}

TEST_CASE("Rule errors name file:line:col") {
  struct Case {
    std::string tf;
    const char* error;
  };
  const std::string alarm_head = std::string(kFilter) + R"(
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "A"
  metric_name         = "M"
  namespace           = "NS"
  statistic           = "Sum"
  threshold           = 1
  evaluation_periods  = 1
)";
  const Case cases[] = {
      {alarm_head + "  comparison_operator = \"MoreThan\"\n  period = 60\n}\n",
       "t.tf:20:25: comparison_operator \"MoreThan\" is not one of"},
      {alarm_head + "  comparison_operator = \"GreaterThanThreshold\"\n  period = 90\n}\n",
       "t.tf:13:1: alarm \"A\": period 90 is not allowed"},
      {alarm_head + "  comparison_operator = \"GreaterThanThreshold\"\n  period = 10\n}\n",
       "period 10 s is high resolution"},
      {alarm_head + "  comparison_operator = \"GreaterThanThreshold\"\n  period = 60\n  datapoints_to_alarm = 2\n}\n",
       "datapoints_to_alarm (2) must be between 1 and evaluation_periods (1)"},
      {alarm_head + "  comparison_operator = \"GreaterThanThreshold\"\n  period = 60\n  treat_missing_data = \"zero\"\n}\n",
       "treat_missing_data \"zero\" is not one of"},
      {alarm_head + "  comparison_operator = \"GreaterThanThreshold\"\n  period = 60\n  extended_statistic = \"p101\"\n}\n",
       "extended_statistic \"p101\" is not supported"},
      {std::string(kFilter) + R"(
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "A"
  metric_name         = "Other"
  namespace           = "NS"
  statistic           = "Sum"
  threshold           = 1
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  period              = 60
}
)", "t.tf:13:1: alarm \"A\" watches metric NS/Other, which no metric filter produces"},
      {R"(resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = "F"
  pattern = "{ $.eventName = }"
  metric_transformation {
    name      = "M"
    namespace = "NS"
    value     = "1"
  }
}
)", "t.tf:3:13: invalid pattern: expected a value"},
      {R"(resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = var.missing
  pattern = ""
  metric_transformation {
    name      = "M"
    namespace = "NS"
    value     = "1"
  }
}
)", "t.tf:2:13: name: reference to undeclared input variable \"missing\""},
      {R"(resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = "F"
  pattern = "ERROR"
  metric_transformation {
    name       = "M"
    namespace  = "NS"
    value      = "1"
    dimensions = { ip = "$.sourceIPAddress" }
  }
}
)", "the specified filter pattern does not support dimensions"},
      {"resource \"x\" {\n  a = \n}\n", "t.tf:2:"},
  };
  for (const Case& c : cases) {
    const RuleSet r = LoadTf(c.tf);
    INFO(c.tf);
    CHECK_THAT(Errors(r), Contains(c.error));
  }
}

TEST_CASE("describe-metric-filters and describe-alarms JSON load as the Terraform would") {
  RuleSet rules;
  LoadDescribeJson(R"({
  "metricFilters": [
    {
      "filterName": "FailedConsoleLogin",
      "filterPattern": "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
      "metricTransformations": [
        {"metricName": "FailedConsoleLoginCount", "metricNamespace": "SecurityMetrics", "metricValue": "1",
         "dimensions": {"SourceIP": "$.sourceIPAddress"}}
      ],
      "creationTime": 1700000000000,
      "logGroupName": "/aws/cloudtrail/security-audit"
    }
  ]
})",
                   "filters.json", &rules);
  LoadDescribeJson(R"({"MetricAlarms": [
  {"AlarmName": "FailedConsoleLoginAlarm", "AlarmDescription": "More than 3", "ActionsEnabled": true,
   "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:security-alerts"], "MetricName": "FailedConsoleLoginCount",
   "Namespace": "SecurityMetrics", "Statistic": "Sum", "Dimensions": [], "Period": 300, "EvaluationPeriods": 1,
   "DatapointsToAlarm": 1, "Threshold": 3.0, "ComparisonOperator": "GreaterThanThreshold",
   "TreatMissingData": "notBreaching", "StateValue": "OK"},
  {"AlarmName": "Bad", "MetricName": "FailedConsoleLoginCount", "Namespace": "SecurityMetrics",
   "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
   "ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"}
], "CompositeAlarms": []})",
                   "alarms.json", &rules);
  rules.CrossCheck();
  REQUIRE(rules.filters.size() == 1);
  CHECK(rules.filters[0].dimensions == KeyValues{{"SourceIP", "$.sourceIPAddress"}});
  CHECK(rules.filters[0].loc.Describe() == "filters.json:3:5");
  REQUIRE(rules.alarms.size() == 1);
  CHECK(rules.alarms[0].treat_missing == TreatMissing::kNotBreaching);
  CHECK(rules.alarms[0].alarm_actions.size() == 1);
  REQUIRE(rules.errors.size() == 1);
  CHECK_THAT(rules.errors[0].Describe(), Contains("alarms.json:7:3") && Contains("anomaly-detection"));
}

TEST_CASE("The built-in rule pack loads without errors") {
  RuleSet rules;
  LoadBuiltinRules(&rules);
  rules.CrossCheck();
  INFO(Errors(rules));
  CHECK(rules.errors.empty());
  CHECK(rules.warnings.empty());
  // rules/README.md: 55 metric filters, each with its own metric and one alarm.
  CHECK(rules.filters.size() == 55);
  CHECK(rules.alarms.size() == 55);
  CHECK(rules.files == 8);
  CHECK(rules.skipped_blocks == 1);  // the terraform block of versions.tf
}

TEST_CASE("Templates: $${ is a literal ${, functions evaluate, and unknown functions are errors") {
  RuleSet rules;
  LoadTerraform(R"(
locals {
  env = "prod"
}
resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = "$${literal}-${local.env}"
  pattern = ""
  metric_transformation {
    name      = "M-${local.env}"
    namespace = "NS"
    value     = "1"
  }
}
resource "aws_cloudwatch_log_metric_filter" "g" {
  name    = "${upper(local.env)}"
  pattern = ""
  metric_transformation {
    name      = "M2"
    namespace = "NS"
    value     = "1"
  }
}
resource "aws_cloudwatch_log_metric_filter" "h" {
  name    = "${sha256(local.env)}"
  pattern = ""
  metric_transformation {
    name      = "M3"
    namespace = "NS"
    value     = "1"
  }
}
)",
                "t.tf", &rules);
  REQUIRE(rules.filters.size() == 2);
  CHECK(rules.filters[0].name == "${literal}-prod");
  CHECK(rules.filters[0].metric_name == "M-prod");
  CHECK(rules.filters[1].name == "PROD");
  REQUIRE(rules.errors.size() == 1);
  CHECK(rules.errors[0].Describe() ==
        "t.tf:24:13: name: the function sha256() is not evaluated offline by trailwatch: write its result as a "
        "literal or pass it with -var, or use terraform show -json (at t.tf:24:16)");
}

TEST_CASE("Rule selection: severity, tags, words and globs; filters follow their alarms") {
  const auto select = [](std::vector<std::string> only, std::vector<std::string> exclude) {
    RuleSet rules;
    LoadBuiltinRules(&rules);
    SelectRules({std::move(only), std::move(exclude)}, &rules);
    return rules;
  };
  // The pack: 5 critical, 23 high, 24 medium, 3 low; 15 CIS controls.
  CHECK(select({"severity>=high"}, {}).alarms.size() == 28);
  CHECK(select({"severity=low"}, {}).alarms.size() == 3);
  CHECK(select({"severity<medium"}, {}).alarms.size() == 3);
  const RuleSet cis = select({"cis"}, {});
  CHECK(cis.alarms.size() == 15);
  CHECK(cis.filters.size() == 15);  // only the filters the kept alarms watch
  CHECK(select({}, {"cis"}).alarms.size() == 40);
  CHECK(select({"CIS-CloudWatch.1*", "CIS-CloudWatch.2-*"}, {}).alarms.size() == 7);  // 1, 10-14 and 2
  CHECK(select({"MitreAttack=T1078*"}, {"severity=critical"}).errors.empty());
  const RuleSet root = select({"T1078"}, {});  // T1078 and its sub-techniques (T1078.004)
  CHECK_FALSE(root.alarms.empty());
  for (const MetricAlarm& a : root.alarms) CHECK_THAT(std::string(TagValue(a.tags, "MitreAttack")), Contains("T1078"));
  const RuleSet bad = select({"severity>=urgent"}, {"=x"});
  CHECK_THAT(Errors(bad), Contains("--only severity>=urgent: not a selector") && Contains("--exclude =x: not a selector"));
}

TEST_CASE("Rule sources: each path says how many .tf files, filters and alarms it gave") {
  RuleSet rules;
  LoadRulePaths({"builtin:cis", std::string(TW_TEST_DATA) + "/terraform", std::string(TW_TEST_DATA) + "/bad-input"},
                &rules);
  REQUIRE(rules.sources.size() == 3);
  CHECK(rules.sources[0].path == "builtin:cis");
  CHECK(rules.sources[0].terraform_files == 1);
  CHECK(rules.sources[0].filters == 15);
  CHECK(rules.sources[0].alarms == 15);
  CHECK(rules.sources[1].terraform_files == 7);  // the module's files count: they are part of the path
  CHECK(rules.sources[1].filters == 6);
  CHECK(rules.sources[1].alarms == 6);
  CHECK(rules.sources[2].terraform_files == 0);
}
