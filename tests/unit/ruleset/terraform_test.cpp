// Tests for Terraform evaluation as a rule source: the repository-like tree in
// tests/data/terraform (modules called twice, for_each, count, dynamic blocks,
// tfvars, references between resources), the same configuration as
// `terraform show -json`, -var and -var-file, a single file of the built-in
// pack, and the error each construct that cannot be evaluated offline gives.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ruleset/builtin.h"
#include "trailwatch/rules.h"

using namespace trailwatch;  // NOLINT(google-build-using-namespace)
using Catch::Matchers::Contains;

namespace {

const std::string kTree = std::string(TW_TEST_DATA) + "/terraform";
const std::string kShow = std::string(TW_TEST_DATA) + "/terraform-show";

std::string Errors(const RuleSet& r) {
  std::string out;
  for (const RuleError& e : r.errors) out += e.Describe() + "\n";
  for (const RuleError& e : r.warnings) out += "warning: " + e.Describe() + "\n";
  return out;
}

std::string Pairs(const KeyValues& kv) {
  std::string out;
  for (const auto& [k, v] : kv) out += fmt::format("{}={};", k, v);
  return out;
}

// Every field of a rule but its position, on one line.
std::string Canonical(const MetricFilter& f) {
  return fmt::format("{} | {} | {} | {}/{} | value={} | default={} | dims={} | unit={} | group={}", f.address, f.name,
                     f.pattern_text, f.metric_namespace, f.metric_name, f.value,
                     f.default_value ? fmt::format("{}", *f.default_value) : "-", Pairs(f.dimensions), f.unit,
                     f.log_group_name);
}

std::string Canonical(const MetricAlarm& a) {
  return fmt::format("{} | {} | {}/{} | {} {} {} | period={} n={} m={} | missing={} | dims={} | tags={} | "
                     "actions={} enabled={} | desc={}",
                     a.address, a.name, a.metric_namespace, a.metric_name, a.statistic.name, a.comparison_text,
                     a.threshold, a.period, a.evaluation_periods, a.datapoints_to_alarm, a.treat_missing_text,
                     Pairs(a.dimensions), Pairs(a.tags), fmt::join(a.alarm_actions, ","), a.actions_enabled,
                     a.description);
}

std::vector<std::string> CanonicalRules(const RuleSet& r) {
  std::vector<std::string> out;
  for (const MetricFilter& f : r.filters) out.push_back("filter " + Canonical(f));
  for (const MetricAlarm& a : r.alarms) out.push_back("alarm " + Canonical(a));
  std::sort(out.begin(), out.end());
  return out;
}

RuleSet LoadPaths(const std::vector<std::string>& paths, const RuleLoadOptions& options = {}) {
  RuleSet rules;
  LoadRulePaths(paths, &rules, options);
  rules.CrossCheck();
  return rules;
}

RuleSet LoadMemory(const std::vector<std::pair<std::string, std::string>>& files,
                   const RuleLoadOptions& options = {}) {
  RuleSet rules;
  LoadTerraformModule(files, &rules, options);
  rules.CrossCheck();
  return rules;
}

const MetricFilter* FindFilter(const RuleSet& r, std::string_view name) {
  for (const MetricFilter& f : r.filters) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const MetricAlarm* FindAlarm(const RuleSet& r, std::string_view name) {
  for (const MetricAlarm& a : r.alarms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// A filter and an alarm whose fields are the given expressions.
std::string Rule(std::string_view filter_name, std::string_view alarm_metric, std::string_view extra_alarm = "") {
  return fmt::format(R"(
resource "aws_cloudwatch_log_metric_filter" "f" {{
  name    = {}
  pattern = "{{ $.eventName = StopLogging }}"
  metric_transformation {{
    name      = "Stops"
    namespace = "NS"
    value     = "1"
  }}
}}
resource "aws_cloudwatch_metric_alarm" "a" {{
  alarm_name          = "A"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = {}
  namespace           = "NS"
  period              = 60
  statistic           = "Sum"
  threshold           = 1
{}
}}
)",
                     filter_name, alarm_metric, extra_alarm);
}

}  // namespace

TEST_CASE("terraform: the repository tree yields exactly its filters and alarms", "[terraform]") {
  const RuleSet rules = LoadPaths({kTree});
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  CHECK(rules.warnings.empty());
  CHECK(rules.files == 9);           // 4 root .tf, 2 tfvars, 3 module .tf
  CHECK(rules.skipped_blocks == 7);  // terraform, provider, output; 2 outputs x 2 module instances
  REQUIRE(rules.filters.size() == 6);
  REQUIRE(rules.alarms.size() == 6);

  const std::string identity = "module.identity.aws_cloudwatch_log_metric_filter.this";
  const std::vector<std::string> filters = {
      identity + "[\"console-login-failures\"] | prod-secops-identity-console-login-failures | { ($.eventName = "
                 "ConsoleLogin) && ($.errorMessage = \"Failed authentication\") } | SecOps/ConsoleLoginFailuresCount | "
                 "value=1 | default=- | dims=SourceIPAddress=$.sourceIPAddress; | unit= | group=/aws/cloudtrail/prod",
      identity + "[\"root-usage\"] | prod-secops-identity-root-usage | { $.userIdentity.type = \"Root\" && "
                 "$.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" } | SecOps/RootUsageCount | "
                 "value=1 | default=- | dims= | unit= | group=/aws/cloudtrail/prod",
      "module.network.aws_cloudwatch_log_metric_filter.this[\"security-group-changes\"] | "
      "prod-secops-network-security-group-changes | { ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = "
      "RevokeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) } | "
      "SecOps/SecurityGroupChangesCount | value=1 | default=- | dims= | unit= | group=/aws/cloudtrail/prod",
      "module.network.aws_cloudwatch_log_metric_filter.this[\"vpc-changes\"] | prod-secops-network-vpc-changes | { "
      "($.eventName = CreateVpc) || ($.eventName = DeleteVpc) } | SecOps/VpcChangesCount | value=1 | default=- | "
      "dims=AwsRegion=$.awsRegion;UserIdentityArn=$.userIdentity.arn; | unit= | group=/aws/cloudtrail/prod",
      "aws_cloudwatch_log_metric_filter.region[0] | prod-secops-run-instances-ap-southeast-2 | { ($.eventName = "
      "RunInstances) && ($.awsRegion = \"ap-southeast-2\") } | SecOps/RunInstancesApSoutheast2 | value=1 | default=- "
      "| dims= | unit= | group=/aws/cloudtrail/prod",
      "aws_cloudwatch_log_metric_filter.region[1] | prod-secops-run-instances-sa-east-1 | { ($.eventName = "
      "RunInstances) && ($.awsRegion = \"sa-east-1\") } | SecOps/RunInstancesSaEast1 | value=1 | default=- | dims= | "
      "unit= | group=/aws/cloudtrail/prod",
  };
  for (size_t i = 0; i < filters.size(); ++i) CHECK(Canonical(rules.filters[i]) == filters[i]);
  CHECK(rules.filters[0].loc.Describe() == kTree + "/modules/cloudtrail-alarms/main.tf:7:1");
  CHECK(rules.filters[4].loc.Describe() == kTree + "/main.tf:57:1");

  const std::string tags = "CostCenter=1234;Environment=prod;";
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:security-alerts";
  // <<- removed the common indentation (4 spaces), chomp() the final newline.
  const std::string runbook =
      "Runbook=Check who called RunInstances and whether the instances still run.\n  Stop them if nobody claims them.;";
  const std::string watches = "Watches=prod-secops-run-instances-ap-southeast-2,prod-secops-run-instances-sa-east-1;";
  const std::vector<std::string> alarms = {
      "module.identity.aws_cloudwatch_metric_alarm.this[\"console-login-failures\"] | "
      "prod-secops-identity-console-login-failures | SecOps/ConsoleLoginFailuresCount | Sum "
      "GreaterThanOrEqualToThreshold 3 | period=300 n=2 m=1 | missing=notBreaching | dims= | tags=" + tags +
          "Severity=high;Team=secops; | actions=" + topic + " enabled=true | desc=console-login-failures: HIGH when 3 "
          "or more events match { ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }\n "
          "(per sourceIPAddress)",
      "module.identity.aws_cloudwatch_metric_alarm.this[\"root-usage\"] | prod-secops-identity-root-usage | "
      "SecOps/RootUsageCount | Sum GreaterThanOrEqualToThreshold 1 | period=300 n=1 m=1 | missing=notBreaching | dims= | "
      "tags=" + tags + "Severity=critical;Team=secops; | actions=" + topic + " enabled=true | desc=root-usage: "
      "CRITICAL when 1 or more events match { $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS "
      "&& $.eventType != \"AwsServiceEvent\" }\n",
      "module.network.aws_cloudwatch_metric_alarm.this[\"security-group-changes\"] | "
      "prod-secops-network-security-group-changes | SecOps/SecurityGroupChangesCount | Sum "
      "GreaterThanOrEqualToThreshold 1 | period=60 n=1 m=1 | missing=notBreaching | dims= | tags=" + tags +
          "Severity=medium;Team=secops; | actions= enabled=true | desc=security-group-changes: MEDIUM when 1 or more "
          "events match { ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupIngress) "
          "|| ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }\n",
      "module.network.aws_cloudwatch_metric_alarm.this[\"vpc-changes\"] | prod-secops-network-vpc-changes | "
      "SecOps/VpcChangesCount | Sum GreaterThanOrEqualToThreshold 1 | period=60 n=1 m=1 | missing=notBreaching | dims= "
      "| tags=" + tags + "Severity=medium;Team=secops; | actions= enabled=true | desc=vpc-changes: MEDIUM when 1 or "
      "more events match { ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }\n (per awsRegion, "
      "userIdentity.arn)",
      // The heredoc keeps its indentation: the %{~ at the start of a line trims that line's spaces before <<-
      // looks for the common indentation, which is then zero. Terraform 1.11 gives the same text.
      "aws_cloudwatch_metric_alarm.region[0] | prod-secops-run-instances-ap-southeast-2 | "
      "SecOps/RunInstancesApSoutheast2 | Sum GreaterThanOrEqualToThreshold 1 | period=300 n=1 m=1 | "
      "missing=notBreaching | dims= | tags=" + tags + runbook + "Severity=high;Team=secops;" + watches + " | actions=" + topic +
          " enabled=true | desc=    RunInstances in ap-southeast-2, a region this account does not use.\n\n    "
          "Production: page the on-call engineer.\n\n",
      "aws_cloudwatch_metric_alarm.region[1] | prod-secops-run-instances-sa-east-1 | SecOps/RunInstancesSaEast1 | Sum "
      "GreaterThanOrEqualToThreshold 1 | period=300 n=1 m=1 | missing=notBreaching | dims= | tags=" + tags +
          runbook + "Severity=high;Team=secops;" + watches + " | actions=" + topic + " enabled=true | desc=    RunInstances in "
          "sa-east-1, a region this account does not use.\n\n    Production: page the on-call engineer.\n\n",
  };
  for (size_t i = 0; i < alarms.size(); ++i) CHECK(Canonical(rules.alarms[i]) == alarms[i]);
}

TEST_CASE("terraform: terraform show -json of the same configuration gives the same rules", "[terraform]") {
  const RuleSet from_tf = LoadPaths({kTree});
  const RuleSet from_plan = LoadPaths({kShow + "/plan.json"});
  INFO(Errors(from_plan));
  REQUIRE(from_plan.errors.empty());
  CHECK(from_plan.filters.size() == 6);
  CHECK(from_plan.alarms.size() == 6);
  CHECK(CanonicalRules(from_plan) == CanonicalRules(from_tf));
  // Positions are those of the resource objects in the JSON.
  const MetricFilter* f = FindFilter(from_plan, "prod-secops-run-instances-ap-southeast-2");
  REQUIRE(f != nullptr);
  CHECK(f->loc.Describe() == kShow + "/plan.json:40:9");
}

TEST_CASE("terraform: a state (terraform show -json) with nested child modules loads", "[terraform]") {
  const RuleSet rules = LoadPaths({kShow + "/state.json"});
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  CHECK(rules.skipped_blocks == 2);  // the SNS topic and the data source
  REQUIRE(rules.filters.size() == 2);
  REQUIRE(rules.alarms.size() == 2);
  CHECK(Canonical(rules.filters[0]) ==
        "aws_cloudwatch_log_metric_filter.stop_logging | StopLogging | { $.eventName = StopLogging } | "
        "SecOps/StopLoggingCount | value=1 | default=0 | dims= | unit= | group=/aws/cloudtrail/prod");
  CHECK(Canonical(rules.filters[1]) ==
        "module.logins.aws_cloudwatch_log_metric_filter.this[\"console\"] | prod-console-login-failures | { "
        "($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") } | SecOps/ConsoleLoginFailures | "
        "value=1 | default=- | dims=SourceIp=$.sourceIPAddress; | unit= | group=/aws/cloudtrail/prod");
  // A state holds "" and 0 for what is not set: they are unset, not values.
  CHECK(Canonical(rules.alarms[0]) ==
        "aws_cloudwatch_metric_alarm.stop_logging | StopLogging | SecOps/StopLoggingCount | Sum "
        "GreaterThanOrEqualToThreshold 1 | period=60 n=1 m=1 | missing=notBreaching | dims= | tags=Severity=critical; | "
        "actions=arn:aws:sns:us-east-1:123456789012:security-alerts enabled=true | desc=CloudTrail logging was stopped");
  CHECK(Canonical(rules.alarms[1]) ==
        "module.logins.module.paging.aws_cloudwatch_metric_alarm.this[0] | prod-console-login-failures | "
        "SecOps/ConsoleLoginFailures | p90 GreaterThanThreshold 4.5 | period=300 n=3 m=2 | missing=missing | dims= | "
        "tags= | actions= enabled=false | desc=");
  CHECK(rules.alarms[1].loc.Describe() == kShow + "/state.json:138:17");
}

TEST_CASE("terraform: plan JSON errors name the resource and what is missing", "[terraform]") {
  RuleSet rules;
  LoadRuleJson(R"({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
  {"address": "aws_cloudwatch_metric_alarm.a", "mode": "managed", "type": "aws_cloudwatch_metric_alarm",
   "name": "a", "values": {"alarm_name": "A", "comparison_operator": "GreaterThanThreshold",
   "evaluation_periods": 1, "namespace": "NS", "period": 60, "statistic": "Sum", "threshold": 1,
   "metric_query": [{"id": "m1"}]}}
]}}})",
               "plan.json", &rules);
  INFO(Errors(rules));
  CHECK(rules.alarms.empty());
  CHECK_THAT(Errors(rules), Contains("plan.json:2:3: aws_cloudwatch_metric_alarm.a: metric_name is not in the plan: "
                                     "it is known only after apply"));
  CHECK_THAT(Errors(rules), Contains("metric math (metric_query) is not supported"));
  RuleSet tf_json;
  LoadRuleJson("{}", "main.tf.json", &tf_json);
  CHECK_THAT(Errors(tf_json), Contains("main.tf.json:1:1: Terraform's JSON configuration syntax (.tf.json) is not read"));
}

TEST_CASE("terraform: -var and -var-file override tfvars, which override defaults", "[terraform]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("tw-vars-{}", ::getpid());
  fs::create_directories(dir);
  const std::string json_file = (dir / "staging.tfvars.json").string();
  const std::string hcl_file = (dir / "regions.tfvars").string();
  std::ofstream(json_file) << R"({"environment": "staging", "alarm_topic_arns": []})";
  std::ofstream(hcl_file) << "watched_regions = [\"eu-north-1\"]\nundeclared = 1\n";
  RuleLoadOptions options;
  options.variables = {{VariableArg::Kind::kFile, json_file},
                       {VariableArg::Kind::kFile, hcl_file},
                       {VariableArg::Kind::kValue, "team=blue"},
                       {VariableArg::Kind::kValue, "enable_canary=true"}};
  const RuleSet rules = LoadPaths({kTree}, options);
  fs::remove_all(dir);
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  CHECK_THAT(Errors(rules), Contains("regions.tfvars:2:1: a value for \"undeclared\", which the module in"));
  CHECK(rules.filters.size() == 6);  // 4 from the modules, 1 region, the canary
  const MetricAlarm* region = FindAlarm(rules, "staging-blue-run-instances-eu-north-1");
  REQUIRE(region != nullptr);
  CHECK(region->threshold == 5);  // var.environment == "prod" ? 1 : 5
  CHECK(region->alarm_actions.empty());
  CHECK(region->metric_namespace == "SecOps");  // secops.auto.tfvars still applies
  CHECK(FindFilter(rules, "staging-blue-canary") != nullptr);

  RuleLoadOptions bad;
  bad.variables = {{VariableArg::Kind::kValue, "no_such_variable=1"},
                   {VariableArg::Kind::kValue, "missing-equals"},
                   {VariableArg::Kind::kFile, "/nonexistent/x.tfvars"},
                   {VariableArg::Kind::kValue, "watched_regions=[\"a\""}};
  const RuleSet errors = LoadPaths({kTree}, bad);
  const std::string text = Errors(errors);
  CHECK_THAT(text, Contains("-var no_such_variable=1: no loaded Terraform module declares a variable \"no_such_variable\""));
  CHECK_THAT(text, Contains("-var missing-equals: a -var value is written NAME=VALUE"));
  CHECK_THAT(text, Contains("/nonexistent/x.tfvars: -var-file: cannot read the file"));
  CHECK_THAT(text, Contains("-var watched_regions=[\"a\": variable \"watched_regions\" has a list type, so its value "
                            "is an expression"));
}

TEST_CASE("terraform: a folder's called modules are not roots; dot-folders are not read", "[terraform]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("tw-walk-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "repo");
  fs::copy(kTree, dir / "repo", fs::copy_options::recursive);
  fs::create_directories(dir / "repo/.terraform/modules/x");
  std::ofstream(dir / "repo/.terraform/modules/x/main.tf") << Rule("\"Hidden\"", "\"Stops\"");
  const RuleSet rules = LoadPaths({dir.string()});
  fs::remove_all(dir);
  INFO(Errors(rules));
  CHECK(rules.errors.empty());
  CHECK(rules.filters.size() == 6);
  CHECK(FindFilter(rules, "Hidden") == nullptr);
}

TEST_CASE("terraform: every file of the built-in pack loads alone, from the binary and from disk", "[terraform]") {
  RuleSet all;
  LoadBuiltinRules(&all);
  all.CrossCheck();
  REQUIRE(all.errors.empty());
  size_t filters = 0, alarms = 0;
  for (const ruleset::BuiltinFile& f : ruleset::BuiltinFiles()) {
    if (!f.name.ends_with(".tf")) continue;
    const std::string name(f.name.substr(0, f.name.size() - 3));
    const RuleSet one = LoadPaths({"builtin:" + name});
    INFO(name);
    INFO(Errors(one));
    CHECK(one.errors.empty());
    CHECK(one.warnings.empty());
    filters += one.filters.size();
    alarms += one.alarms.size();
  }
  CHECK(filters == all.filters.size());
  CHECK(alarms == all.alarms.size());
  const RuleSet cis = LoadPaths({std::string(TW_SOURCE_DIR) + "/rules/cis.tf"});
  INFO(Errors(cis));
  CHECK(cis.errors.empty());
  CHECK(cis.files == 1);
  CHECK(cis.filters.size() == 15);
  CHECK(cis.filters.at(0).metric_namespace == "CloudTrailMetrics");  // var.metric_namespace, from variables.tf
  const RuleSet bad = LoadPaths({"builtin:nope"});
  CHECK_THAT(Errors(bad), Contains("builtin:nope: the built-in pack has no such file (it has cis, compute, data"));
}

TEST_CASE("terraform: references between resources: name, pattern, id, metric_transformation", "[terraform]") {
  const RuleSet rules = LoadMemory({{"main.tf", R"(
resource "aws_cloudwatch_log_metric_filter" "f" {
  for_each = toset(["a", "b"])
  name     = "F-${each.key}"
  pattern  = "{ $.eventName = ${upper(each.value)} }"
  metric_transformation {
    name      = "M-${each.key}"
    namespace = "NS"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "A-${aws_cloudwatch_log_metric_filter.f["b"].id}"
  alarm_description   = aws_cloudwatch_log_metric_filter.f["b"].pattern
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = aws_cloudwatch_log_metric_filter.f["b"].metric_transformation[0].name
  namespace           = aws_cloudwatch_log_metric_filter.f["b"].metric_transformation[0].namespace
  period              = 60
  statistic           = "Sum"
  threshold           = length(aws_cloudwatch_log_metric_filter.f)
  tags                = { Names = join(" ", [for f in aws_cloudwatch_log_metric_filter.f : f.name]) }
}
)"}});
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  REQUIRE(rules.alarms.size() == 1);
  const MetricAlarm& a = rules.alarms[0];
  CHECK(a.name == "A-F-b");
  CHECK(a.description == "{ $.eventName = B }");
  CHECK(a.metric_name == "M-b");
  CHECK(a.metric_namespace == "NS");
  CHECK(a.threshold == 2);
  CHECK(a.tags == KeyValues{{"Names", "F-a F-b"}});
  CHECK(a.address == "aws_cloudwatch_metric_alarm.a");
}

TEST_CASE("terraform: what cannot be evaluated offline is an error at the field, saying what to do", "[terraform]") {
  struct Case {
    std::string tf;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"data \"aws_ssm_parameter\" \"ns\" {\n  name = \"/ns\"\n}\n" + Rule("\"F\"", "data.aws_ssm_parameter.ns.value"),
       "t.tf:18:25: metric_name: data.aws_ssm_parameter.ns is read from AWS when Terraform plans, which trailwatch "
       "does not do offline: pass the value with -var NAME=..., or use terraform show -json"},
      {"variable \"name\" {\n  type = string\n}\n" + Rule("var.name", "\"Stops\""),
       "t.tf:6:13: name: var.name has no value: pass -var name=... or -var-file FILE, give it a default, or use "
       "terraform show -json (at t.tf:1:1)"},
      {Rule("\"F\"", "aws_sns_topic.t.arn") + "resource \"aws_sns_topic\" \"t\" {\n  name = \"t\"\n}\n",
       "t.tf:15:25: metric_name: aws_sns_topic.t.arn is known only after terraform apply (the configuration does not "
       "set it): write the value itself, or use terraform show -json (at t.tf:15:40)"},
      {Rule("sha1(\"x\")", "\"Stops\""), "t.tf:3:13: name: the function sha1() is not evaluated offline by trailwatch"},
      {Rule("provider::aws::arn_build(\"a\")", "\"Stops\""), "the provider function provider::aws::arn_build()"},
      {Rule("replace(\"a-b\", \"/-/\", \"\")", "\"Stops\""),
       "name: replace() with a regular expression (\"/-/\") is not evaluated offline"},
      {Rule("var.missing", "\"Stops\""), "t.tf:3:13: name: reference to undeclared input variable \"missing\""},
      {Rule("local.x", "\"Stops\""), "t.tf:3:13: name: reference to undeclared local value local.x"},
      {Rule("\"F\"", "aws_cloudwatch_log_metric_filter.nope.name"),
       "t.tf:15:25: metric_name: reference to undeclared resource aws_cloudwatch_log_metric_filter.nope"},
      {"locals {\n  a = local.b\n  b = local.a\n}\n" + Rule("local.a", "\"Stops\""),
       "refers to itself (a cycle of references)"},
      {"module \"remote\" {\n  source  = \"terraform-aws-modules/cloudwatch/aws\"\n  version = \"5.0\"\n}\n",
       "t.tf:2:13: module \"remote\": source \"terraform-aws-modules/cloudwatch/aws\" is not a local path (./ or ../), "
       "and trailwatch does not download modules: run terraform init and plan, then load terraform show -json of the "
       "plan, or copy the module into a folder of yours"},
      {"module \"self\" {\n  source = \"./\"\n}\n", "t.tf:2:12: module \"self\": source \"./\" is a module already "
                                                    "being loaded (a cycle:"},
      {"variable \"names\" {\n  default = [\"a\"]\n}\nresource \"aws_cloudwatch_log_metric_filter\" \"f\" {\n"
       "  for_each = var.names\n  name = each.key\n  pattern = \"\"\n  metric_transformation {\n    name = \"M\"\n"
       "    namespace = \"NS\"\n    value = \"1\"\n  }\n}\n",
       "t.tf:5:14: for_each needs a map or a set of strings, not a list (convert it with toset())"},
      {"variable \"n\" {\n  type = number\n}\nresource \"aws_cloudwatch_log_metric_filter\" \"f\" {\n"
       "  count = var.n\n  name = \"F\"\n  pattern = \"\"\n  metric_transformation {\n    name = \"M\"\n"
       "    namespace = \"NS\"\n    value = \"1\"\n  }\n}\n",
       "t.tf:5:11: count: var.n has no value"},
      {Rule("\"F\"", "\"Stops\"", "  dynamic \"metric_query\" {\n    for_each = [1]\n    content {\n      id = \"m\"\n"
                                  "    }\n  }"),
       "t.tf:22:5: metric math (metric_query) is not supported; alarm left out"},
      {"resource \"aws_cloudwatch_log_metric_filter\" \"f\" {\n  name = \"F\"\n  pattern = \"{ $.a = 1 }\"\n"
       "  metric_transformation {\n    name = \"M\"\n    namespace = \"NS\"\n    value = \"1\"\n"
       "    dynamic \"dimensions\" {\n      for_each = [\"ip\"]\n      content {}\n    }\n  }\n}\n",
       "t.tf:8:5: dimensions is a map argument in the AWS provider, not a block"},
      {Rule("\"F\"", "\"Stops\"", "  threshold_metric_id = \"ad1\""),
       "anomaly-detection alarms (threshold_metric_id) cannot be evaluated offline"},
  };
  for (const Case& c : cases) {
    const RuleSet rules = LoadMemory({{"t.tf", c.tf}});
    INFO(c.tf);
    CHECK_THAT(Errors(rules), Contains(c.error));
    CHECK_THAT(Errors(rules), !Contains("metric math is not supported"));
  }
}

TEST_CASE("terraform: an unknown unrelated attribute is a warning, and the rule loads", "[terraform]") {
  std::string tf = "data \"aws_caller_identity\" \"me\" {}\nresource \"aws_sns_topic\" \"t\" {\n  name = \"t\"\n}\n" +
                   Rule("\"F\"", "\"Stops\"", R"(
  alarm_description = "Account ${data.aws_caller_identity.me.account_id}"
  alarm_actions     = [aws_sns_topic.t.arn, "arn:aws:sns:us-east-1:1:x"]
  tags              = { Owner = data.aws_caller_identity.me.arn, Severity = "high" })");
  tf.insert(tf.find("  metric_transformation"), "  log_group_name = data.aws_caller_identity.me.user_id\n");
  const RuleSet rules = LoadMemory({{"t.tf", tf}});
  INFO(Errors(rules));
  REQUIRE(rules.errors.empty());
  REQUIRE(rules.alarms.size() == 1);
  const MetricAlarm& a = rules.alarms[0];
  CHECK(a.description.empty());
  CHECK(a.alarm_actions == std::vector<std::string>{"aws_sns_topic.t.arn", "arn:aws:sns:us-east-1:1:x"});
  CHECK(a.tags == KeyValues{{"Severity", "high"}});
  CHECK(rules.filters.at(0).log_group_name == "data.aws_caller_identity.me");  // unknown, kept as written
  REQUIRE(rules.warnings.size() == 2);
  CHECK_THAT(rules.warnings[0].Describe(),
             Contains("t.tf:26:23: alarm_description: data.aws_caller_identity.me is read from AWS") &&
                 Contains("; loaded without it"));
  CHECK_THAT(rules.warnings[1].Describe(), Contains("t.tf:28:23: tags: data.aws_caller_identity.me") &&
                                               Contains("loaded without the unknown entries"));
}

TEST_CASE("terraform: modules: arguments, outputs, nesting, count, and their errors", "[terraform]") {
  const std::string child = R"(
variable "name" {
  type = string
}
variable "threshold" {
  type    = number
  default = 1
}
)" + Rule("\"${var.name}-filter\"", "module.inner.metric", "  threshold_metric_id = null") +
                            R"(
module "inner" {
  source = "../inner"
  prefix = var.name
}
output "alarm" {
  value = aws_cloudwatch_metric_alarm.a.alarm_name
}
)";
  const std::string inner = R"(
variable "prefix" {}
output "metric" {
  value = "Stops"
}
)";
  const RuleSet rules = LoadMemory({{"root/main.tf", R"(
module "pair" {
  count     = 2
  source    = "../modules/child"
  name      = "p${count.index}"
}
resource "aws_cloudwatch_log_metric_filter" "g" {
  name    = module.pair[1].alarm
  pattern = ""
  metric_transformation {
    name      = "Other"
    namespace = "NS"
    value     = "1"
  }
}
)"},
                                    {"modules/child/main.tf", child},
                                    {"modules/inner/main.tf", inner}});
  INFO(Errors(rules));
  // The two instances declare the same alarm name "A": CloudWatch names are unique.
  CHECK_THAT(Errors(rules), Contains("alarm \"A\" is defined twice"));
  REQUIRE(rules.filters.size() == 3);
  CHECK(rules.filters[0].name == "p0-filter");
  CHECK(rules.filters[0].address == "module.pair[0].aws_cloudwatch_log_metric_filter.f");
  CHECK(rules.filters[1].name == "p1-filter");
  CHECK(rules.filters[2].name == "A");  // module.pair[1].alarm
  CHECK(rules.filters[0].loc.file == "modules/child/main.tf");

  const RuleSet missing = LoadMemory({{"main.tf", "module \"c\" {\n  source = \"./child\"\n  nope = 1\n}\n"},
                                      {"child/main.tf", "variable \"name\" {}\n"}});
  CHECK_THAT(Errors(missing), Contains("main.tf:1:1: module \"c\": no value for the required variable \"name\" of "
                                       "the module in child"));
  CHECK_THAT(Errors(missing), Contains("main.tf:3:3: module \"c\": the module in child has no variable \"nope\""));
  const RuleSet no_folder = LoadMemory({{"main.tf", "module \"c\" {\n  source = \"./absent\"\n}\n"}});
  CHECK_THAT(Errors(no_folder), Contains("main.tf:2:12: module \"c\": source \"./absent\" (absent): no such folder"));
  // a -> b -> a: the cycle is refused where it closes.
  const RuleSet cycle = LoadMemory({{"main.tf", "module \"a\" {\n  source = \"./a\"\n}\n"},
                                    {"a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n"},
                                    {"b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n"}});
  CHECK_THAT(Errors(cycle), Contains("b/main.tf:2:12: module \"a\": source \"../a\" is a module already being loaded "
                                     "(a cycle: . -> a -> b -> a)"));
}

TEST_CASE("terraform: module nesting and instance counts are bounded", "[terraform]") {
  std::vector<std::pair<std::string, std::string>> files = {{"main.tf", "module \"m\" {\n  source = \"./m0\"\n}\n"}};
  for (int i = 0; i < 20; ++i) {
    files.emplace_back(fmt::format("m{}/main.tf", i), fmt::format("module \"m\" {{\n  source = \"../m{}\"\n}}\n", i + 1));
  }
  files.emplace_back("m20/main.tf", "");
  const RuleSet deep = LoadMemory(files);
  CHECK_THAT(Errors(deep), Contains("modules nest deeper than 16 levels"));
  const RuleSet wide = LoadMemory({{"main.tf", "module \"m\" {\n  count = 2000\n  source = \"./m\"\n}\n"},
                                   {"m/main.tf", "variable \"x\" {\n  default = 1\n}\n"}});
  CHECK_THAT(Errors(wide), Contains("main.tf:2:11: count 2000 is more than trailwatch loads (1000)"));
  const RuleSet many = LoadMemory({{"main.tf", Rule("\"F\"", "\"Stops\"") + "locals {\n  big = 100001\n}\n"
                                                                           "resource \"aws_cloudwatch_log_metric_filter\" "
                                                                           "\"g\" {\n  count = local.big\n}\n"}});
  CHECK_THAT(Errors(many), Contains("count 100001 is more than trailwatch loads (10000)"));
}

TEST_CASE("terraform: file() and templatefile() read relative to the root, path.module names the module",
          "[terraform]") {
  const RuleSet rules = LoadMemory({{"repo/main.tf", "module \"m\" {\n  source = \"./mod\"\n}\n"},
                                    {"repo/mod/main.tf", Rule("trimspace(file(\"${path.module}/name.txt\"))",
                                                              "templatefile(\"${path.module}/m.tpl\", { n = 2 })")},
                                    {"repo/mod/name.txt", "  F-from-file\n"},
                                    {"repo/mod/m.tpl", "%{ for i in range(n) }S%{ endfor }tops"},
                                    {"repo/mod/self.tpl", "${templatefile(\"mod/self.tpl\", {})}"}});
  INFO(Errors(rules));
  REQUIRE(rules.filters.size() == 1);
  CHECK(rules.filters[0].name == "F-from-file");
  REQUIRE(rules.alarms.size() == 1);
  CHECK(rules.alarms[0].metric_name == "SStops");  // "SS" + "tops"... and no filter makes that metric
  // A module outside the root folder: path.module is "../shared", as in Terraform.
  const RuleSet outside = LoadMemory({{"repo/main.tf", "module \"s\" {\n  source = \"../shared\"\n}\n"},
                                      {"shared/main.tf", Rule("\"${path.module}:${file(\"${path.module}/n.txt\")}\"",
                                                              "\"Stops\"")},
                                      {"shared/n.txt", "N"}});
  INFO(Errors(outside));
  REQUIRE(outside.filters.size() == 1);
  CHECK(outside.filters[0].name == "../shared:N");
  const RuleSet recursive = LoadMemory({{"main.tf", Rule("templatefile(\"self.tpl\", {})", "\"Stops\"")},
                                        {"self.tpl", "${templatefile(\"self.tpl\", {})}"}});
  CHECK_THAT(Errors(recursive), Contains("self.tpl:1:3: name: templatefile(): a template file cannot call "
                                         "templatefile() (no recursion)"));
  const RuleSet absent = LoadMemory({{"main.tf", Rule("file(\"nope.txt\")", "\"Stops\"")}});
  CHECK_THAT(Errors(absent), Contains("main.tf:3:13: name: file(): no such file"));
}
