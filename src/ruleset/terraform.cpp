// terraform: aws_cloudwatch_log_metric_filter and aws_cloudwatch_metric_alarm
// resources from a .tf file (parsed by ruleset/hcl), with var.x and local.x
// resolved from literal variable defaults and locals. Every other block is
// skipped and counted; a field we need that cannot be resolved is an error
// at its line:column.
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "ruleset/hcl.h"
#include "ruleset/parse_fields.h"
#include "trailwatch/rules.h"

namespace trailwatch {
namespace {

using ruleset::hcl::Attribute;
using ruleset::hcl::Block;
using ruleset::hcl::Body;
using ruleset::hcl::Value;

// Reads the fields of one file, resolving references against the variables
// and locals of its module (all .tf files of one folder, as Terraform does).
class TerraformFile {
 public:
  using Symbols = std::map<std::string, const Value*>;
  TerraformFile(const std::string& name, const Symbols& variables, const Symbols& locals, RuleSet* rules)
      : name_(name), variables_(variables), locals_(locals), rules_(rules) {}

  static void CollectSymbols(const Body& body, Symbols* variables, Symbols* locals) {
    for (const Block& b : body.blocks) {
      if (b.type == "variable" && b.labels.size() == 1) {
        for (const Attribute& a : b.attributes) {
          if (a.name == "default") (*variables)[b.labels[0]] = &a.value;
        }
      } else if (b.type == "locals") {
        for (const Attribute& a : b.attributes) (*locals)[a.name] = &a.value;
      }
    }
  }

  void Load(const Body& body) {
    for (const Block& b : body.blocks) {
      if (b.type == "resource" && b.labels.size() == 2 && b.labels[0] == "aws_cloudwatch_log_metric_filter") {
        Filter(b);
      } else if (b.type == "resource" && b.labels.size() == 2 && b.labels[0] == "aws_cloudwatch_metric_alarm") {
        Alarm(b);
      } else if (b.type != "variable" && b.type != "locals") {
        ++rules_->skipped_blocks;
      }
    }
  }

 private:
  SourceLoc Loc(const ruleset::hcl::Pos& pos) const { return {name_, pos.line, pos.column}; }
  void Error(const ruleset::hcl::Pos& pos, std::string message) {
    rules_->errors.push_back({Loc(pos), std::move(message)});
    failed_ = true;
  }

  // Follows var.x / local.x to a literal, at most a few steps deep.
  const Value* Resolve(const Value* v, int depth = 0) {
    if (v->kind != Value::Kind::kReference || depth > 8) return v;
    const std::string& ref = v->text;
    const Value* target = nullptr;
    if (ref.rfind("var.", 0) == 0) {
      auto it = variables_.find(ref.substr(4));
      if (it != variables_.end()) target = it->second;
    } else if (ref.rfind("local.", 0) == 0) {
      auto it = locals_.find(ref.substr(6));
      if (it != locals_.end()) target = it->second;
    }
    return target ? Resolve(target, depth + 1) : v;
  }

  // A string field: a string literal, a number, or a template whose ${var.x}
  // and ${local.x} parts resolve to literals.
  std::optional<std::string> String(const Value& raw, std::string_view field) {
    const Value* v = Resolve(&raw);
    switch (v->kind) {
      case Value::Kind::kString:
        if (!v->is_template) return v->text;
        return Template(*v, field);
      case Value::Kind::kNumber: return v->text;
      case Value::Kind::kBool: return std::string(v->boolean ? "true" : "false");
      default: break;
    }
    Error(raw.pos, fmt::format("{}: cannot resolve {} to a literal (only strings, numbers and var./local. "
                               "references to literal defaults are read)",
                               field, raw.text.empty() ? "this expression" : raw.text));
    return std::nullopt;
  }

  // Resolves the ${var.x} / ${local.x} parts of a template; `$${` stays a
  // literal `${`. Anything else inside ${...} (calls, nested templates) is an error.
  std::optional<std::string> Template(const Value& v, std::string_view field) {
    std::string out;
    const std::string& t = v.text;
    for (size_t i = 0; i < t.size();) {
      if (t.compare(i, 3, "$${") == 0 || t.compare(i, 3, "%%{") == 0) {
        out += t.substr(i + 1, 2);
        i += 3;
        continue;
      }
      if (t.compare(i, 2, "${") != 0) {
        out += t[i++];
        continue;
      }
      const size_t close = t.find('}', i);
      std::string inner = close == std::string::npos ? "" : t.substr(i + 2, close - i - 2);
      while (!inner.empty() && (inner.front() == ' ' || inner.front() == '~')) inner.erase(inner.begin());
      while (!inner.empty() && (inner.back() == ' ' || inner.back() == '~')) inner.pop_back();
      Value ref;
      ref.kind = Value::Kind::kReference;
      ref.text = inner;
      ref.pos = v.pos;
      const Value* r = inner.find_first_of("{}\"(") == std::string::npos ? Resolve(&ref) : &ref;
      if ((r->kind == Value::Kind::kString && !r->is_template) || r->kind == Value::Kind::kNumber) {
        out += r->text;
      } else {
        Error(v.pos, fmt::format("{}: cannot resolve ${{{}}} to a literal", field, inner));
        return std::nullopt;
      }
      i = close + 1;
    }
    return out;
  }

  std::optional<double> Number(const Value& raw, std::string_view field) {
    std::optional<std::string> s = String(raw, field);
    if (!s) return std::nullopt;
    std::optional<double> d = ruleset::ParseNumber(*s);
    if (!d) Error(raw.pos, fmt::format("{}: \"{}\" is not a number", field, *s));
    return d;
  }

  std::optional<bool> Bool(const Value& raw, std::string_view field) {
    std::optional<std::string> s = String(raw, field);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    Error(raw.pos, fmt::format("{}: \"{}\" is not true or false", field, *s));
    return std::nullopt;
  }

  KeyValues Map(const Value& raw, std::string_view field) {
    KeyValues out;
    const Value* v = Resolve(&raw);
    if (v->kind != Value::Kind::kMap) {
      Error(raw.pos, fmt::format("{}: expected a map {{ key = \"value\" }}", field));
      return out;
    }
    for (const auto& [key, value] : v->entries) {
      if (std::optional<std::string> s = String(value, field)) out.emplace_back(key, *s);
    }
    return out;
  }

  std::vector<std::string> List(const Value& raw) {
    std::vector<std::string> out;
    const Value* v = Resolve(&raw);
    if (v->kind != Value::Kind::kList) return {v->text};
    for (const Value& item : v->items) out.push_back(item.text);  // strings, or references as written
    return out;
  }

  void Filter(const Block& b) {
    failed_ = false;
    MetricFilter f;
    f.loc = Loc(b.pos);
    f.name = b.labels[1];
    bool has_pattern = false, has_transformation = false;
    for (const Attribute& a : b.attributes) {
      if (a.name == "name") {
        if (auto s = String(a.value, a.name)) f.name = *s;
      } else if (a.name == "pattern") {
        if (auto s = String(a.value, a.name)) {
          f.pattern_text = *s;
          has_pattern = true;
          PatternError error;
          f.pattern = FilterPattern::Parse(f.pattern_text, &error);
          if (!f.pattern) Error(a.value.pos, "invalid pattern: " + error.Render(f.pattern_text));
        }
      } else if (a.name == "log_group_name") {
        f.log_group_name = a.value.text;
      } else if (a.name == "count" || a.name == "for_each") {
        Error(a.pos, fmt::format("{} is not supported: write one resource per metric filter", a.name));
      }
    }
    for (const Block& t : b.blocks) {
      if (t.type != "metric_transformation") continue;
      has_transformation = true;
      for (const Attribute& a : t.attributes) {
        if (a.name == "name") {
          if (auto s = String(a.value, a.name)) f.metric_name = *s;
        } else if (a.name == "namespace") {
          if (auto s = String(a.value, a.name)) f.metric_namespace = *s;
        } else if (a.name == "value") {
          if (auto s = String(a.value, a.name)) f.value = *s;
        } else if (a.name == "default_value") {
          if (auto d = Number(a.value, a.name)) f.default_value = *d;
        } else if (a.name == "dimensions") {
          f.dimensions = Map(a.value, a.name);
        } else if (a.name == "unit") {
          if (auto s = String(a.value, a.name)) f.unit = *s;
        }
      }
    }
    if (!has_pattern) Error(b.pos, fmt::format("metric filter \"{}\" has no pattern", f.name));
    if (!has_transformation) {
      Error(b.pos, fmt::format("metric filter \"{}\" has no metric_transformation block", f.name));
    }
    ruleset::CheckFilter(f, &rules_->errors, &failed_);
    if (!failed_) rules_->filters.push_back(std::move(f));
  }

  void Alarm(const Block& b) {
    failed_ = false;
    MetricAlarm a;
    a.loc = Loc(b.pos);
    a.name = b.labels[1];
    bool has_m = false;
    for (const Attribute& at : b.attributes) {
      const std::string& k = at.name;
      const Value& v = at.value;
      if (k == "alarm_name") {
        if (auto s = String(v, k)) a.name = *s;
      } else if (k == "alarm_description") {
        if (auto s = String(v, k)) a.description = *s;
      } else if (k == "metric_name") {
        if (auto s = String(v, k)) a.metric_name = *s;
      } else if (k == "namespace") {
        if (auto s = String(v, k)) a.metric_namespace = *s;
      } else if (k == "comparison_operator") {
        if (auto s = String(v, k); s && !ruleset::ParseComparison(*s, &a)) {
          Error(v.pos, fmt::format("comparison_operator \"{}\" is not one of GreaterThanOrEqualToThreshold, "
                                   "GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold",
                                   *s));
        }
      } else if (k == "evaluation_periods") {
        if (auto d = Number(v, k)) a.evaluation_periods = static_cast<int>(*d);
      } else if (k == "datapoints_to_alarm") {
        if (auto d = Number(v, k)) {
          a.datapoints_to_alarm = static_cast<int>(*d);
          has_m = true;
        }
      } else if (k == "period") {
        if (auto d = Number(v, k)) a.period = static_cast<int64_t>(*d);
      } else if (k == "statistic" || k == "extended_statistic") {
        if (auto s = String(v, k); s && !ruleset::ParseStatistic(*s, k == "extended_statistic", &a.statistic)) {
          Error(v.pos, fmt::format("{} \"{}\" is not supported (Sum, SampleCount, Average, Minimum, "
                                   "Maximum, or pNN)",
                                   k, *s));
        }
      } else if (k == "threshold") {
        if (auto d = Number(v, k)) a.threshold = *d;
      } else if (k == "treat_missing_data") {
        if (auto s = String(v, k); s && !ruleset::ParseTreatMissing(*s, &a)) {
          Error(v.pos, fmt::format("treat_missing_data \"{}\" is not one of missing, ignore, breaching, "
                                   "notBreaching",
                                   *s));
        }
      } else if (k == "dimensions") {
        a.dimensions = Map(v, k);
      } else if (k == "tags") {
        a.tags = Map(v, k);
      } else if (k == "actions_enabled") {
        if (auto x = Bool(v, k)) a.actions_enabled = *x;
      } else if (k == "alarm_actions") {
        a.alarm_actions = List(v);
      } else if (k == "ok_actions") {
        a.ok_actions = List(v);
      } else if (k == "insufficient_data_actions") {
        a.insufficient_data_actions = List(v);
      } else if (k == "unit") {
        if (auto s = String(v, k)) a.unit = *s;
      } else if (k == "threshold_metric_id") {
        Error(at.pos, "anomaly-detection alarms (threshold_metric_id) cannot be evaluated offline");
      } else if (k == "count" || k == "for_each") {
        Error(at.pos, fmt::format("{} is not supported: write one resource per alarm", k));
      }
    }
    for (const Block& inner : b.blocks) {
      if (inner.type == "metric_query") {
        Error(inner.pos, "metric math (metric_query) is not supported; alarm skipped");
      }
    }
    if (!has_m) a.datapoints_to_alarm = a.evaluation_periods;
    const size_t before = rules_->errors.size();
    ValidateAlarm(a, &rules_->errors);
    if (rules_->errors.size() != before) failed_ = true;
    if (!failed_) rules_->alarms.push_back(std::move(a));
  }

  const std::string& name_;
  const Symbols& variables_;
  const Symbols& locals_;
  RuleSet* rules_;
  bool failed_ = false;
};

}  // namespace

void LoadTerraformModule(const std::vector<std::pair<std::string, std::string>>& files, RuleSet* rules) {
  std::vector<std::pair<const std::string*, std::unique_ptr<Body>>> bodies;
  TerraformFile::Symbols variables, locals;
  for (const auto& [name, text] : files) {
    auto body = std::make_unique<Body>();
    ruleset::hcl::ParseError error;
    if (!ruleset::hcl::Parse(text, body.get(), &error)) {
      rules->errors.push_back({{name, error.pos.line, error.pos.column}, error.message});
      continue;
    }
    TerraformFile::CollectSymbols(*body, &variables, &locals);
    bodies.emplace_back(&name, std::move(body));
  }
  for (const auto& [name, body] : bodies) TerraformFile(*name, variables, locals, rules).Load(*body);
}

void LoadTerraform(std::string_view text, const std::string& name, RuleSet* rules) {
  LoadTerraformModule({{name, std::string(text)}}, rules);
}

}  // namespace trailwatch
