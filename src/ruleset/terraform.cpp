// terraform: one evaluated instance of an aws_cloudwatch_log_metric_filter
// or aws_cloudwatch_metric_alarm resource becomes a MetricFilter or a
// MetricAlarm. A field the evaluation needs that cannot be known offline is
// an error at the field (with what to do instead); an unrelated one (tags,
// description, actions) is a warning, and the rule still loads.
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "ruleset/parse_fields.h"
#include "ruleset/terraform_module.h"

namespace trailwatch::ruleset::tf {
namespace {

using hcl::Attribute;
using hcl::Block;

// How much a field matters: kNeeded fields stop the rule when unknown; kKept
// ones only warn (the rule loads without them); kActions keep unknown items as written.
enum class Need { kNeeded, kKept, kActions };

class RuleBuilder {
 public:
  RuleBuilder(const RuleSource& source, RuleSet* rules) : source_(source), rules_(rules) {}

  bool failed() const { return failed_; }
  SourceLoc Loc() const { return {*source_.ctx.file, source_.block->pos.line, source_.block->pos.column}; }
  /// The instance's name in messages, when the block's own name is not enough.
  std::string Who() const {
    const std::string plain = source_.block->labels[0] + "." + source_.block->labels[1];
    return source_.address == plain ? std::string() : source_.address + ": ";
  }

  void Error(const SourceLoc& at, const std::string& message) {
    rules_->errors.push_back({at, Who() + message});
    failed_ = true;
  }

  /// The attribute's value; nullopt if it is null (as good as absent) or if
  /// it could not be had (an error or warning is then recorded).
  std::optional<Value> Field(const Attribute& a, const Context& ctx, Need need) {
    EvalResult r = source_.evaluator->Eval(*a.value.expr, ctx);
    if (!r.ok()) {
      Error(r.error().loc, fmt::format("{}: {}", a.name, r.error().message));
      return std::nullopt;
    }
    Value v = std::move(r).value();
    if (v.is_null()) return std::nullopt;
    const Value* unknown = need == Need::kActions ? nullptr : FindUnknown(v);
    if (unknown == nullptr) return v;
    const SourceLoc at{*ctx.file, a.value.pos.line, a.value.pos.column};
    std::string message = fmt::format("{}: {}", a.name, unknown->str());
    if (!unknown->origin().empty() && unknown->origin() != at.Describe()) message += " (at " + unknown->origin() + ")";
    if (need == Need::kNeeded || unknown->failed()) {
      Error(at, message);
    } else if (v.kind() != Value::Kind::kMap) {
      rules_->warnings.push_back({at, Who() + message + "; loaded without it"});
      return std::nullopt;
    } else {
      rules_->warnings.push_back({at, Who() + message + "; loaded without the unknown entries"});
    }
    return need == Need::kNeeded || unknown->failed() ? std::nullopt : std::optional<Value>(v);
  }

  std::optional<std::string> String(const Attribute& a, const Context& ctx, Need need = Need::kNeeded) {
    std::optional<Value> v = Field(a, ctx, need);
    if (!v) return std::nullopt;
    auto s = AsString(*v);
    if (!s.ok()) Error(At(a, ctx), fmt::format("{}: {}", a.name, Why(s.error())));
    return s.ok() ? std::optional<std::string>(s.value()) : std::nullopt;
  }

  std::optional<double> Number(const Attribute& a, const Context& ctx) {
    std::optional<Value> v = Field(a, ctx, Need::kNeeded);
    if (!v) return std::nullopt;
    auto d = AsNumber(*v);
    if (!d.ok()) Error(At(a, ctx), fmt::format("{}: {}", a.name, Why(d.error())));
    return d.ok() ? std::optional<double>(d.value()) : std::nullopt;
  }

  /// A whole number that fits the field (periods, counts).
  template <typename T>
  std::optional<T> Whole(const Attribute& a, const Context& ctx) {
    std::optional<double> d = Number(a, ctx);
    if (!d) return std::nullopt;
    if (*d != std::floor(*d) || std::fabs(*d) > 1e9) {
      Error(At(a, ctx), fmt::format("{}: {} is not a whole number", a.name, FormatNumber(*d)));
      return std::nullopt;
    }
    return static_cast<T>(*d);
  }

  std::optional<bool> Bool(const Attribute& a, const Context& ctx) {
    std::optional<Value> v = Field(a, ctx, Need::kKept);
    if (!v) return std::nullopt;
    auto b = AsBool(*v);
    if (!b.ok()) Error(At(a, ctx), fmt::format("{}: {}", a.name, Why(b.error())));
    return b.ok() ? std::optional<bool>(b.value()) : std::nullopt;
  }

  KeyValues Map(const Attribute& a, const Context& ctx, Need need) {
    KeyValues out;
    std::optional<Value> v = Field(a, ctx, need);
    if (!v) return out;
    if (v->kind() != Value::Kind::kMap) {
      Error(At(a, ctx), fmt::format("{}: a map {{ key = \"value\" }} is needed, not a {}", a.name, v->TypeName()));
      return out;
    }
    for (const auto& [key, item] : v->entries()) {
      if (item.is_unknown()) continue;  // warned about by Field
      auto s = AsString(item);
      if (!s.ok()) {
        Error(At(a, ctx), fmt::format("{}: the value of \"{}\": {}", a.name, key, Why(s.error())));
        continue;
      }
      out.emplace_back(key, std::move(s).value());
    }
    return out;
  }

  /// Action ARNs: known strings as they are, unknown ones as written in the file.
  std::vector<std::string> Actions(const Attribute& a, const Context& ctx) {
    std::vector<std::string> out;
    std::optional<Value> v = Field(a, ctx, Need::kActions);
    if (!v) return out;
    const auto add = [&](const Value& item) {
      if (item.is_unknown()) {
        out.push_back(item.source().empty() ? a.value.text : item.source());
      } else if (std::optional<std::string> s = ToText(item)) {
        out.push_back(std::move(*s));
      }
    };
    if (v->kind() == Value::Kind::kList || v->kind() == Value::Kind::kSet) {
      for (const Value& item : v->items()) add(item);
    } else {
      add(*v);
    }
    return out;
  }

  /// The single metric_transformation (or other nested block) of the resource.
  std::optional<NestedBlock> OnlyBlock(std::string_view type) {
    auto blocks = ExpandBlocks(*source_.block, type, source_.ctx, source_.evaluator);
    if (!blocks.ok()) {
      Error(blocks.error().loc, blocks.error().message);
      return std::nullopt;
    }
    if (blocks.value().size() == 1) return blocks.value()[0];
    Error(Loc(), fmt::format("{} {} block{}", blocks.value().empty() ? "no" : "more than one", type,
                             blocks.value().empty() ? "" : "s (the AWS provider takes one)"));
    return std::nullopt;
  }

  static SourceLoc At(const Attribute& a, const Context& ctx) {
    return {*ctx.file, a.value.pos.line, a.value.pos.column};
  }

 private:
  const RuleSource& source_;
  RuleSet* rules_;
  bool failed_ = false;
};

void FilterTransformation(RuleBuilder* r, const NestedBlock& t, MetricFilter* f) {
  for (const Attribute& a : t.block->attributes) {
    const Context& ctx = t.ctx;
    if (a.name == "name") {
      if (auto s = r->String(a, ctx)) f->metric_name = *s;
    } else if (a.name == "namespace") {
      if (auto s = r->String(a, ctx)) f->metric_namespace = *s;
    } else if (a.name == "value") {
      if (auto s = r->String(a, ctx)) f->value = *s;
    } else if (a.name == "default_value") {
      if (auto d = r->Number(a, ctx)) f->default_value = *d;
    } else if (a.name == "dimensions") {
      f->dimensions = r->Map(a, ctx, Need::kNeeded);
    } else if (a.name == "unit") {
      if (auto s = r->String(a, ctx)) f->unit = *s;
    }
  }
  for (const Block& b : t.block->blocks) {
    if (b.type == "dimensions" || (b.type == "dynamic" && b.labels.size() == 1 && b.labels[0] == "dimensions")) {
      r->Error({*t.ctx.file, b.pos.line, b.pos.column},
               "dimensions is a map argument in the AWS provider, not a block: write dimensions = { NAME = "
               "\"$.selector\" } (a for expression builds one from a list)");
    }
  }
}

}  // namespace

void LoadMetricFilter(const RuleSource& source, RuleSet* rules) {
  RuleBuilder r(source, rules);
  MetricFilter f;
  f.loc = r.Loc();
  f.address = source.address;
  f.name = source.block->labels[1];
  bool has_pattern = false;
  for (const Attribute& a : source.block->attributes) {
    if (a.name == "name") {
      if (auto s = r.String(a, source.ctx)) f.name = *s;
    } else if (a.name == "pattern") {
      if (auto s = r.String(a, source.ctx)) {
        f.pattern_text = *s;
        has_pattern = true;
        PatternError error;
        f.pattern = FilterPattern::Parse(f.pattern_text, &error);
        if (!f.pattern) r.Error(RuleBuilder::At(a, source.ctx), "invalid pattern: " + error.Render(f.pattern_text));
      }
    } else if (a.name == "log_group_name") {  // kept, not used: an unknown one is kept as written
      std::vector<std::string> group = r.Actions(a, source.ctx);
      if (!group.empty()) f.log_group_name = group[0];
    }
  }
  if (!has_pattern && !r.failed()) r.Error(f.loc, fmt::format("metric filter \"{}\" has no pattern", f.name));
  if (std::optional<NestedBlock> t = r.OnlyBlock("metric_transformation")) FilterTransformation(&r, *t, &f);
  if (r.failed()) return;
  if (ruleset::CheckFilter(f, &rules->errors)) rules->filters.push_back(std::move(f));
}

namespace {

void AlarmField(RuleBuilder* r, const Attribute& at, const Context& ctx, MetricAlarm* a, bool* has_m) {
  const std::string& k = at.name;
  const SourceLoc loc = RuleBuilder::At(at, ctx);
  if (k == "alarm_name") {
    if (auto s = r->String(at, ctx)) a->name = *s;
  } else if (k == "alarm_description") {
    if (auto s = r->String(at, ctx, Need::kKept)) a->description = *s;
  } else if (k == "metric_name") {
    if (auto s = r->String(at, ctx)) a->metric_name = *s;
  } else if (k == "namespace") {
    if (auto s = r->String(at, ctx)) a->metric_namespace = *s;
  } else if (k == "comparison_operator") {
    if (auto s = r->String(at, ctx); s && !ruleset::ParseComparison(*s, a)) {
      r->Error(loc, fmt::format("comparison_operator \"{}\" is not one of GreaterThanOrEqualToThreshold, "
                                "GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold",
                                *s));
    }
  } else if (k == "evaluation_periods") {
    if (auto n = r->Whole<int>(at, ctx)) a->evaluation_periods = *n;
  } else if (k == "datapoints_to_alarm") {
    if (auto n = r->Whole<int>(at, ctx)) {
      a->datapoints_to_alarm = *n;
      *has_m = true;
    }
  } else if (k == "period") {
    if (auto n = r->Whole<int64_t>(at, ctx)) a->period = *n;
  } else if (k == "statistic" || k == "extended_statistic") {
    if (auto s = r->String(at, ctx); s && !ruleset::ParseStatistic(*s, k == "extended_statistic", &a->statistic)) {
      r->Error(loc, fmt::format("{} \"{}\" is not supported (Sum, SampleCount, Average, Minimum, Maximum, or pNN)",
                                k, *s));
    }
  } else if (k == "threshold") {
    if (auto d = r->Number(at, ctx)) a->threshold = *d;
  } else if (k == "treat_missing_data") {
    if (auto s = r->String(at, ctx); s && !ruleset::ParseTreatMissing(*s, a)) {
      r->Error(loc, fmt::format("treat_missing_data \"{}\" is not one of missing, ignore, breaching, notBreaching",
                                *s));
    }
  } else if (k == "dimensions") {
    a->dimensions = r->Map(at, ctx, Need::kNeeded);
  } else if (k == "tags") {
    a->tags = r->Map(at, ctx, Need::kKept);
  } else if (k == "actions_enabled") {
    if (auto x = r->Bool(at, ctx)) a->actions_enabled = *x;
  } else if (k == "alarm_actions") {
    a->alarm_actions = r->Actions(at, ctx);
  } else if (k == "ok_actions") {
    a->ok_actions = r->Actions(at, ctx);
  } else if (k == "insufficient_data_actions") {
    a->insufficient_data_actions = r->Actions(at, ctx);
  } else if (k == "unit") {
    if (auto s = r->String(at, ctx)) a->unit = *s;
  } else if (k == "threshold_metric_id") {
    if (r->String(at, ctx, Need::kKept)) {
      r->Error(loc, "anomaly-detection alarms (threshold_metric_id) cannot be evaluated offline");
    }
  }
}

}  // namespace

void LoadMetricAlarm(const RuleSource& source, RuleSet* rules) {
  RuleBuilder r(source, rules);
  MetricAlarm a;
  a.loc = r.Loc();
  a.address = source.address;
  a.name = source.block->labels[1];
  bool has_m = false;
  for (const Attribute& at : source.block->attributes) AlarmField(&r, at, source.ctx, &a, &has_m);
  auto queries = ExpandBlocks(*source.block, "metric_query", source.ctx, source.evaluator);
  if (!queries.ok() || !queries.value().empty()) {
    const hcl::Pos pos = queries.ok() ? queries.value()[0].block->pos : source.block->pos;
    r.Error({*source.ctx.file, pos.line, pos.column}, "metric math (metric_query) is not supported; alarm left out");
  }
  if (!has_m) a.datapoints_to_alarm = a.evaluation_periods;
  if (r.failed()) return;
  const size_t before = rules->errors.size();
  ValidateAlarm(a, &rules->errors);
  if (rules->errors.size() == before) rules->alarms.push_back(std::move(a));
}

}  // namespace trailwatch::ruleset::tf

namespace trailwatch {

void LoadTerraformModule(const std::vector<std::pair<std::string, std::string>>& files, RuleSet* rules,
                         const RuleLoadOptions& options) {
  if (files.empty()) return;
  ruleset::MemoryFiles memory;
  for (const auto& [name, text] : files) memory.Add(name, text);
  ruleset::tf::ModuleCache cache(memory);
  std::set<std::string> declared;
  ruleset::tf::LoadTerraformRoot(&cache, ruleset::DirName(files.front().first), nullptr, options, rules, &declared);
  ruleset::tf::CheckVariableArgs(options, declared, rules);
}

void LoadTerraform(std::string_view text, const std::string& name, RuleSet* rules) {
  LoadTerraformModule({{name, std::string(text)}}, rules);
}

}  // namespace trailwatch
