// rules_fuzz: libFuzzer target for the rule loaders: Terraform resources
// (metric filters, alarms, variables, locals, templates, count, for_each,
// dynamic blocks), the JSON of `aws logs describe-metric-filters` / `aws
// cloudwatch describe-alarms`, and `terraform show -json` plans and states.
// The loader is picked by content, as for rule files (a JSON object: the
// JSON loaders), so rules/*.tf and the JSON in tests/data are seeds as they are.
// Any input loads or yields errors that name a position inside it; never a
// crash, a hang or an alarm without a filter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "trailwatch/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string_view::npos && text[first] == '{';
  const std::string name = json ? "fuzz.json" : "fuzz.tf";
  trailwatch::RuleSet rules;
  if (json) {
    trailwatch::LoadRuleJson(text, name, &rules);
  } else {
    trailwatch::LoadTerraform(text, name, &rules);
  }
  rules.CrossCheck();
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const trailwatch::RuleError& e : rules.errors) {
    if (e.message.empty() || e.loc.line > lines) std::abort();
    (void)e.Describe();
  }
  for (const trailwatch::MetricFilter& f : rules.filters) {
    if (!f.pattern || f.loc.line < 1 || f.loc.line > lines) std::abort();
  }
  for (const trailwatch::MetricAlarm& a : rules.alarms) {
    if (a.period <= 0 || a.evaluation_periods < 1 || a.datapoints_to_alarm < 1 ||
        a.datapoints_to_alarm > a.evaluation_periods) {
      // Loaded alarms are validated; a bad one must have left an error.
      if (rules.errors.empty()) std::abort();
    }
  }
  return 0;
}
