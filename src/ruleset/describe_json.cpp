// describe_json: the JSON that `aws logs describe-metric-filters` and `aws
// cloudwatch describe-alarms` print, so that a team without Terraform can
// export its live configuration and scan with it. Positions come from the
// byte offset of each object (line:column).
#include <simdjson.h>

#include <fmt/format.h>

#include "ruleset/parse_fields.h"
#include "trailwatch/rules.h"

namespace trailwatch {
namespace {

using simdjson::dom::element;

SourceLoc LocAt(std::string_view text, const std::string& name, size_t offset) {
  SourceLoc loc{name, 1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else {
      ++loc.column;
    }
  }
  return loc;
}

std::string Str(element e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return {};
  return std::string(s);
}

std::optional<double> Num(element e, const char* key) {
  double d = 0;
  if (e[key].get_double().get(d)) return std::nullopt;
  return d;
}

std::vector<std::string> StrList(element e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (e[key].get_array().get(a)) return out;
  for (element x : a) {
    std::string_view s;
    if (!x.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

void Filters(simdjson::dom::array list, const std::vector<SourceLoc>& locs, RuleSet* rules) {
  size_t i = 0;
  for (element f : list) {
    const SourceLoc loc = i < locs.size() ? locs[i] : SourceLoc{};
    ++i;
    simdjson::dom::array transformations;
    if (f["metricTransformations"].get_array().get(transformations)) {
      rules->errors.push_back({loc, "metric filter without metricTransformations"});
      continue;
    }
    for (element t : transformations) {  // one MetricFilter per transformation (there is one)
      bool failed = false;
      MetricFilter mf;
      mf.loc = loc;
      mf.name = Str(f, "filterName");
      mf.pattern_text = Str(f, "filterPattern");
      mf.log_group_name = Str(f, "logGroupName");
      mf.metric_name = Str(t, "metricName");
      mf.metric_namespace = Str(t, "metricNamespace");
      mf.value = Str(t, "metricValue");
      mf.default_value = Num(t, "defaultValue");
      mf.unit = Str(t, "unit");
      simdjson::dom::object dims;
      if (!t["dimensions"].get_object().get(dims)) {
        for (auto [k, v] : dims) {
          std::string_view s;
          if (!v.get_string().get(s)) mf.dimensions.emplace_back(std::string(k), std::string(s));
        }
      }
      PatternError error;
      mf.pattern = FilterPattern::Parse(mf.pattern_text, &error);
      if (!mf.pattern) {
        rules->errors.push_back({loc, "invalid pattern: " + error.Render(mf.pattern_text)});
        failed = true;
      }
      if (ruleset::CheckFilter(mf, &rules->errors) && !failed) rules->filters.push_back(std::move(mf));
    }
  }
}

void Alarms(simdjson::dom::array list, const std::vector<SourceLoc>& locs, RuleSet* rules) {
  size_t i = 0;
  for (element e : list) {
    MetricAlarm a;
    a.loc = i < locs.size() ? locs[i] : SourceLoc{};
    ++i;
    a.name = Str(e, "AlarmName");
    a.description = Str(e, "AlarmDescription");
    a.metric_name = Str(e, "MetricName");
    a.metric_namespace = Str(e, "Namespace");
    bool enabled = true;
    if (!e["ActionsEnabled"].get_bool().get(enabled)) a.actions_enabled = enabled;
    a.alarm_actions = StrList(e, "AlarmActions");
    a.ok_actions = StrList(e, "OKActions");
    a.insufficient_data_actions = StrList(e, "InsufficientDataActions");
    a.unit = Str(e, "Unit");
    size_t before = rules->errors.size();
    if (auto p = Num(e, "Period")) a.period = static_cast<int64_t>(*p);
    if (auto n = Num(e, "EvaluationPeriods")) a.evaluation_periods = static_cast<int>(*n);
    a.datapoints_to_alarm = a.evaluation_periods;
    if (auto m = Num(e, "DatapointsToAlarm")) a.datapoints_to_alarm = static_cast<int>(*m);
    if (auto t = Num(e, "Threshold")) a.threshold = *t;
    const std::string stat = Str(e, "Statistic"), ext = Str(e, "ExtendedStatistic");
    if (!ruleset::ParseStatistic(ext.empty() ? stat : ext, !ext.empty(), &a.statistic)) {
      rules->errors.push_back({a.loc, fmt::format("alarm \"{}\": statistic \"{}\" is not supported", a.name,
                                                  ext.empty() ? stat : ext)});
    }
    const std::string cmp = Str(e, "ComparisonOperator");
    if (!ruleset::ParseComparison(cmp, &a)) {
      rules->errors.push_back({a.loc, fmt::format("alarm \"{}\": ComparisonOperator \"{}\" is not supported "
                                                  "(anomaly-detection bands cannot be evaluated offline)",
                                                  a.name, cmp)});
    }
    const std::string missing = Str(e, "TreatMissingData");
    if (!missing.empty() && !ruleset::ParseTreatMissing(missing, &a)) {
      rules->errors.push_back({a.loc, fmt::format("alarm \"{}\": TreatMissingData \"{}\" is not supported",
                                                  a.name, missing)});
    }
    simdjson::dom::array dims;
    if (!e["Dimensions"].get_array().get(dims)) {
      for (element d : dims) a.dimensions.emplace_back(Str(d, "Name"), Str(d, "Value"));
    }
    simdjson::dom::array metrics;
    if (!e["Metrics"].get_array().get(metrics) && metrics.size() > 0) {
      rules->errors.push_back({a.loc, fmt::format("alarm \"{}\": metric math is not supported", a.name)});
    }
    ValidateAlarm(a, &rules->errors);
    if (rules->errors.size() == before) rules->alarms.push_back(std::move(a));
  }
}

// The line:column of each element of the top-level array `key` (On-Demand
// gives byte offsets, DOM does not).
std::vector<SourceLoc> ElementLocs(const simdjson::padded_string& json, std::string_view text,
                                   const std::string& name, const char* key) {
  std::vector<SourceLoc> locs;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::array array;
  if (parser.iterate(json).get(doc) || doc[key].get_array().get(array)) return locs;
  for (auto item : array) {
    simdjson::ondemand::value v;
    const char* at = nullptr;
    if (item.get(v) || v.current_location().get(at)) break;
    locs.push_back(LocAt(text, name, static_cast<size_t>(at - json.data())));
  }
  return locs;
}

}  // namespace

void LoadDescribeJson(std::string_view text, const std::string& name, RuleSet* rules) {
  const simdjson::padded_string json(text);
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json).get(doc)) {
    rules->errors.push_back({{name, 1, 1}, fmt::format("invalid JSON: {}", simdjson::error_message(err))});
    return;
  }
  bool known = false;
  simdjson::dom::array list;
  if (!doc["metricFilters"].get_array().get(list)) {
    known = true;
    Filters(list, ElementLocs(json, text, name, "metricFilters"), rules);
  }
  if (!doc["MetricAlarms"].get_array().get(list)) {
    known = true;
    Alarms(list, ElementLocs(json, text, name, "MetricAlarms"), rules);
  }
  if (!doc["CompositeAlarms"].get_array().get(list) && list.size() > 0) {
    rules->skipped_blocks += list.size();
  }
  if (!known) {
    rules->errors.push_back({{name, 1, 1},
                             "not describe-metric-filters or describe-alarms output (no metricFilters or "
                             "MetricAlarms key)"});
  }
}

}  // namespace trailwatch
