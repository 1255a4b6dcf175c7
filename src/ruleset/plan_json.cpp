// plan_json: Terraform's own fully evaluated configuration as a rule
// source: `terraform show -json PLANFILE` (planned_values) or `terraform show
// -json` of a state (values), root module and child modules, in the format
// documented at developer.hashicorp.com/terraform/internals/json-format.
// Positions are the line:column of each resource object in the JSON text.
#include <simdjson.h>

#include <optional>

#include <fmt/format.h>

#include "ruleset/parse_fields.h"
#include "trailwatch/rules.h"

namespace trailwatch {
namespace {

using simdjson::dom::element;

constexpr int kMaxModuleDepth = 64;

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

// The byte offsets of the resource objects of a module, depth first in
// document order (the order the DOM walk below visits them in).
void ResourceOffsets(simdjson::ondemand::object module, const char* base, int depth, std::vector<size_t>* out) {
  for (auto field : module) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return;
    simdjson::ondemand::array array;
    if ((key != "resources" && key != "child_modules") || field.value().get_array().get(array)) continue;
    for (auto item : array) {
      simdjson::ondemand::value v;
      const char* at = nullptr;
      if (item.get(v) || v.current_location().get(at)) return;
      if (key == "resources") {
        out->push_back(static_cast<size_t>(at - base));
        continue;
      }
      simdjson::ondemand::object child;
      if (depth < kMaxModuleDepth && !v.get_object().get(child)) ResourceOffsets(child, base, depth + 1, out);
    }
  }
}

// A field of a resource's values: nullopt if absent (unknown until apply), else the element (maybe null).
std::optional<element> Get(element values, const char* key) {
  element e;
  if (values[key].get(e)) return std::nullopt;
  return e;
}

class PlanLoader {
 public:
  PlanLoader(std::vector<size_t> offsets, std::string_view text, const std::string& name, RuleSet* rules)
      : offsets_(std::move(offsets)), text_(text), name_(name), rules_(rules) {}

  void Module(element module, int depth) {
    simdjson::dom::object object;
    if (module.get_object().get(object)) return;
    for (auto [key, value] : object) {
      simdjson::dom::array array;
      if ((key != "resources" && key != "child_modules") || value.get_array().get(array)) continue;
      for (element item : array) {
        if (key == "resources") {
          Resource(item);
        } else if (depth < kMaxModuleDepth) {
          Module(item, depth + 1);
        }
      }
    }
  }

 private:
  void Error(const std::string& message) {
    rules_->errors.push_back({loc_, address_.empty() ? message : address_ + ": " + message});
    failed_ = true;
  }

  std::optional<std::string> String(element values, const char* key, bool needed) {
    std::optional<element> e = Get(values, key);
    if (!e) {
      if (needed) Error(fmt::format("{} is not in the plan: it is known only after apply", key));
      return std::nullopt;
    }
    if (e->is_null()) return std::nullopt;
    std::string_view s;
    // A state holds "" for an optional string that is not set.
    if (!e->get_string().get(s)) return s.empty() && !needed ? std::nullopt : std::optional<std::string>(s);
    double d = 0;
    if (!e->get_double().get(d)) return fmt::format("{}", d);
    Error(fmt::format("{} is not a string", key));
    return std::nullopt;
  }

  std::optional<double> Number(element values, const char* key, bool needed) {
    std::optional<element> e = Get(values, key);
    if (!e) {
      if (needed) Error(fmt::format("{} is not in the plan: it is known only after apply", key));
      return std::nullopt;
    }
    double d = 0;
    if (e->is_null()) return std::nullopt;
    if (!e->get_double().get(d)) return d;
    std::string_view s;
    if (!e->get_string().get(s)) {
      if (s.empty() && !needed) return std::nullopt;  // unset, in a state
      if (std::optional<double> parsed = ruleset::ParseNumber(s)) return parsed;
    }
    Error(fmt::format("{} is not a number", key));
    return std::nullopt;
  }

  KeyValues Map(element values, const char* key) {
    KeyValues out;
    simdjson::dom::object object;
    if (values[key].get_object().get(object)) return out;
    for (auto [k, v] : object) {
      std::string_view s;
      if (!v.get_string().get(s)) out.emplace_back(std::string(k), std::string(s));
    }
    return out;
  }

  std::vector<std::string> List(element values, const char* key) {
    std::vector<std::string> out;
    simdjson::dom::array array;
    if (values[key].get_array().get(array)) return out;
    for (element item : array) {
      std::string_view s;
      if (!item.get_string().get(s)) out.emplace_back(s);
    }
    return out;
  }

  void Resource(element r) {
    loc_ = next_ < offsets_.size() ? LocAt(text_, name_, offsets_[next_]) : SourceLoc{name_, 0, 0};
    ++next_;
    std::string_view mode, type, address;
    element values;
    if (r["mode"].get_string().get(mode) || mode != "managed" || r["type"].get_string().get(type) ||
        r["values"].get(values)) {
      ++rules_->skipped_blocks;
      return;
    }
    if (!r["address"].get_string().get(address)) address_ = std::string(address);
    failed_ = false;
    if (type == "aws_cloudwatch_log_metric_filter") {
      Filter(values);
    } else if (type == "aws_cloudwatch_metric_alarm") {
      Alarm(values);
    } else {
      ++rules_->skipped_blocks;
    }
  }

  void Filter(element values) {
    MetricFilter f;
    f.loc = loc_;
    f.address = address_;
    if (auto s = String(values, "name", true)) f.name = *s;
    if (auto s = String(values, "pattern", true)) f.pattern_text = *s;
    if (auto s = String(values, "log_group_name", false)) f.log_group_name = *s;
    simdjson::dom::array transformations;
    if (values["metric_transformation"].get_array().get(transformations) || transformations.size() != 1) {
      Error("a metric filter needs exactly one metric_transformation");
    } else {
      const element t = transformations.at(0).value_unsafe();
      if (auto s = String(t, "name", true)) f.metric_name = *s;
      if (auto s = String(t, "namespace", true)) f.metric_namespace = *s;
      if (auto s = String(t, "value", true)) f.value = *s;
      if (auto d = Number(t, "default_value", false)) f.default_value = *d;
      if (auto s = String(t, "unit", false); s && *s != "None") f.unit = *s;  // "None": the provider's default
      f.dimensions = Map(t, "dimensions");
    }
    if (failed_) return;
    PatternError error;
    f.pattern = FilterPattern::Parse(f.pattern_text, &error);
    if (!f.pattern) return Error("invalid pattern: " + error.Render(f.pattern_text));
    if (ruleset::CheckFilter(f, &rules_->errors)) rules_->filters.push_back(std::move(f));
  }

  void Alarm(element values) {
    MetricAlarm a;
    a.loc = loc_;
    a.address = address_;
    if (auto s = String(values, "alarm_name", true)) a.name = *s;
    if (auto s = String(values, "alarm_description", false)) a.description = *s;
    if (auto s = String(values, "metric_name", true)) a.metric_name = *s;
    if (auto s = String(values, "namespace", true)) a.metric_namespace = *s;
    if (auto s = String(values, "comparison_operator", true); s && !ruleset::ParseComparison(*s, &a)) {
      Error(fmt::format("comparison_operator \"{}\" is not supported (anomaly-detection bands cannot be evaluated "
                        "offline)",
                        *s));
    }
    if (auto d = Number(values, "evaluation_periods", true)) a.evaluation_periods = static_cast<int>(*d);
    a.datapoints_to_alarm = a.evaluation_periods;
    if (auto d = Number(values, "datapoints_to_alarm", false); d && *d > 0) {  // a state holds 0 when unset
      a.datapoints_to_alarm = static_cast<int>(*d);
    }
    if (auto d = Number(values, "period", true)) a.period = static_cast<int64_t>(*d);
    if (auto d = Number(values, "threshold", true)) a.threshold = *d;
    const std::optional<std::string> stat = String(values, "statistic", false);
    const std::optional<std::string> ext = String(values, "extended_statistic", false);
    if (!ruleset::ParseStatistic(ext ? *ext : stat.value_or(""), ext.has_value(), &a.statistic)) {
      Error(fmt::format("statistic \"{}\" is not supported", ext ? *ext : stat.value_or("")));
    }
    if (auto s = String(values, "treat_missing_data", false); s && !ruleset::ParseTreatMissing(*s, &a)) {
      Error(fmt::format("treat_missing_data \"{}\" is not supported", *s));
    }
    if (auto s = String(values, "unit", false)) a.unit = *s;
    bool enabled = true;
    if (!values["actions_enabled"].get_bool().get(enabled)) a.actions_enabled = enabled;
    a.dimensions = Map(values, "dimensions");
    a.tags = Map(values, "tags");
    a.alarm_actions = List(values, "alarm_actions");
    a.ok_actions = List(values, "ok_actions");
    a.insufficient_data_actions = List(values, "insufficient_data_actions");
    simdjson::dom::array queries;
    if (!values["metric_query"].get_array().get(queries) && queries.size() > 0) {
      Error("metric math (metric_query) is not supported; alarm left out");
    }
    if (String(values, "threshold_metric_id", false)) {
      Error("anomaly-detection alarms (threshold_metric_id) cannot be evaluated offline");
    }
    if (failed_) return;
    const size_t before = rules_->errors.size();
    ValidateAlarm(a, &rules_->errors);
    if (rules_->errors.size() == before) rules_->alarms.push_back(std::move(a));
  }

  std::vector<size_t> offsets_;
  size_t next_ = 0;
  std::string_view text_;
  const std::string& name_;
  RuleSet* rules_;
  SourceLoc loc_;
  std::string address_;
  bool failed_ = false;
};

// The root_module of a plan (planned_values) or a state (values).
bool RootModule(element doc, element* root, const char** section) {
  for (const char* key : {"planned_values", "values"}) {
    if (!doc[key]["root_module"].get(*root)) {
      *section = key;
      return true;
    }
  }
  return false;
}

bool IsTerraformJson(element doc) {
  element ignored;
  const char* section = nullptr;
  return !doc["format_version"].get(ignored) && RootModule(doc, &ignored, &section);
}

}  // namespace

void LoadPlanJson(std::string_view text, const std::string& name, RuleSet* rules) {
  const simdjson::padded_string json(text);
  simdjson::dom::parser parser;
  element doc, root;
  const char* section = nullptr;
  if (auto err = parser.parse(json).get(doc)) {
    rules->errors.push_back({{name, 1, 1}, fmt::format("invalid JSON: {}", simdjson::error_message(err))});
    return;
  }
  if (!IsTerraformJson(doc) || !RootModule(doc, &root, &section)) {
    rules->errors.push_back({{name, 1, 1}, "not terraform show -json output (no format_version, or no "
                                           "planned_values.root_module / values.root_module)"});
    return;
  }
  std::vector<size_t> offsets;
  simdjson::ondemand::parser od_parser;
  simdjson::ondemand::document od_doc;
  simdjson::ondemand::object od_root;
  if (!od_parser.iterate(json).get(od_doc) && !od_doc[section]["root_module"].get_object().get(od_root)) {
    ResourceOffsets(od_root, json.data(), 0, &offsets);
  }
  PlanLoader loader(std::move(offsets), text, name, rules);
  loader.Module(root, 0);
}

void LoadRuleJson(std::string_view text, const std::string& name, RuleSet* rules) {
  if (name.ends_with(".tf.json")) {
    rules->errors.push_back({{name, 1, 1}, "Terraform's JSON configuration syntax (.tf.json) is not read: write the "
                                           "rules as .tf, or load terraform show -json of a plan"});
    return;
  }
  const simdjson::padded_string json(text);
  simdjson::dom::parser parser;
  element doc;
  if (!parser.parse(json).get(doc) && IsTerraformJson(doc)) {
    LoadPlanJson(text, name, rules);
  } else {
    LoadDescribeJson(text, name, rules);
  }
}

}  // namespace trailwatch
