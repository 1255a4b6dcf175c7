// correlation: a document's `correlation:` section (Sigma correlation rules
// specification): type, rules, group-by, timespan, condition, aliases,
// generate; checked here, evaluated by the caller.
#include <cmath>
#include <cstdlib>

#include "sigma/internal.h"

namespace trailwatch::sigma::internal {
namespace {

// A string or a list of strings.
std::optional<ParseError> StringList(const YAML::Node& node, DocContext& ctx, std::string_view what,
                                     std::vector<std::string>* out) {
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    return std::nullopt;
  }
  if (!node.IsSequence()) return ctx.At(node, std::string(what) + " must be a name or a list of names");
  for (const YAML::Node& item : node) {
    if (!ctx.Spend()) return ctx.At(node, "too many YAML nodes (aliases?)");
    const auto text = ScalarText(item);
    if (!text || text->empty()) return ctx.At(item, std::string(what) + " must be a list of names");
    out->push_back(*text);
  }
  return std::nullopt;
}

std::optional<ParseError> ReadCondition(const YAML::Node& node, DocContext& ctx, Correlation* out) {
  if (!node.IsMap()) return ctx.At(node, "a correlation condition must be a map (gte: 10)");
  using Op = Correlation::Bound::Op;
  for (const auto& item : node) {
    if (!ctx.Spend()) return ctx.At(node, "too many YAML nodes (aliases?)");
    const auto key = ScalarText(item.first);
    if (!key) return ctx.At(item.first, "a condition key must be a name");
    if (*key == "field") {
      if (auto err = StringList(item.second, ctx, "'field'", &out->value_fields)) return err;
      continue;
    }
    Correlation::Bound b;
    if (*key == "gt") {
      b.op = Op::kGt;
    } else if (*key == "gte") {
      b.op = Op::kGte;
    } else if (*key == "lt") {
      b.op = Op::kLt;
    } else if (*key == "lte") {
      b.op = Op::kLte;
    } else if (*key == "eq") {
      b.op = Op::kEq;
    } else if (*key == "neq") {
      b.op = Op::kNeq;
    } else {
      return ctx.At(item.first, "unknown condition '" + *key + "' (gt, gte, lt, lte, eq, neq, field)");
    }
    const auto text = ScalarText(item.second);
    char* end = nullptr;
    const std::string copy = text.value_or("");
    b.value = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(b.value)) {
      return ctx.At(item.second, "'" + *key + "' needs a number");
    }
    out->condition.push_back(b);
  }
  if (out->condition.empty()) return ctx.At(node, "a correlation condition needs gt, gte, lt, lte, eq or neq");
  return std::nullopt;
}

std::optional<ParseError> ReadAliases(const YAML::Node& node, DocContext& ctx, Correlation* out) {
  if (!node.IsMap()) return ctx.At(node, "'aliases' must be a map of alias: {rule: field}");
  for (const auto& alias : node) {
    const auto name = ScalarText(alias.first);
    if (!name || !alias.second.IsMap()) return ctx.At(alias.first, "an alias maps rules to fields");
    auto& fields = out->aliases[*name];
    for (const auto& item : alias.second) {
      if (!ctx.Spend()) return ctx.At(node, "too many YAML nodes (aliases?)");
      const auto rule = ScalarText(item.first);
      const auto field = ScalarText(item.second);
      if (!rule || !field || !ValidField(*field)) return ctx.At(item.first, "an alias maps a rule to a field name");
      fields[*rule] = *field;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParseError> CompileCorrelation(const YAML::Node& doc, DocContext& ctx,
                                             Correlation* out, std::string* skip) {
  const YAML::Node c = doc["correlation"];
  if (!c.IsMap()) return ctx.At(c, "'correlation' must be a map");
  const auto type = ScalarText(c["type"]);
  if (!type) return ctx.At(c, "a correlation needs a 'type'");
  if (*type == "event_count") {
    out->type = Correlation::Type::kEventCount;
  } else if (*type == "value_count") {
    out->type = Correlation::Type::kValueCount;
  } else if (*type == "temporal") {
    out->type = Correlation::Type::kTemporal;
  } else if (*type == "temporal_ordered") {
    out->type = Correlation::Type::kTemporalOrdered;
  } else if (*type == "value_sum" || *type == "value_avg" || *type == "value_percentile") {
    *skip = "correlation type '" + *type + "' is not supported";
    return std::nullopt;
  } else {
    return ctx.At(c["type"], "unknown correlation type '" + *type + "'");
  }
  const YAML::Node rules = c["rules"];
  if (!rules.IsDefined() || IsYamlNull(rules)) return ctx.At(c, "a correlation needs 'rules'");
  if (auto err = StringList(rules, ctx, "'rules'", &out->rule_refs)) return err;
  if (out->rule_refs.empty()) return ctx.At(rules, "'rules' is empty");
  if (const YAML::Node g = c["group-by"]; g.IsDefined() && !IsYamlNull(g)) {
    if (auto err = StringList(g, ctx, "'group-by'", &out->group_by)) return err;
  }
  const auto span = ScalarText(c["timespan"]);
  if (!span) return ctx.At(c, "a correlation needs a 'timespan' (5m, 1h, ...)");
  const auto seconds = ParseTimespan(*span);
  if (!seconds) return ctx.At(c["timespan"], "invalid timespan '" + *span + "' (a number and s, m, h or d)");
  out->timespan_seconds = *seconds;
  if (const YAML::Node cond = c["condition"]; cond.IsDefined() && !IsYamlNull(cond)) {
    if (auto err = ReadCondition(cond, ctx, out)) return err;
  } else if (out->type == Correlation::Type::kEventCount || out->type == Correlation::Type::kValueCount) {
    return ctx.At(c, "an " + *type + " correlation needs a 'condition'");
  }
  if (out->type == Correlation::Type::kValueCount && out->value_fields.empty()) {
    return ctx.At(c, "a value_count correlation needs 'field' in its condition");
  }
  if (const YAML::Node a = c["aliases"]; a.IsDefined() && !IsYamlNull(a)) {
    if (auto err = ReadAliases(a, ctx, out)) return err;
  }
  // `generate` is a top-level attribute in the specification; some rule sets
  // put it inside `correlation`.
  for (const YAML::Node& g : {doc["generate"], c["generate"]}) {
    if (!g.IsDefined() || IsYamlNull(g)) continue;
    const auto text = ScalarText(g);
    if (!text || (*text != "true" && *text != "false")) return ctx.At(g, "'generate' is true or false");
    out->generate = *text == "true";
  }
  return std::nullopt;
}

}  // namespace trailwatch::sigma::internal
