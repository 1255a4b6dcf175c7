// rule: one YAML document into a detection rule, a correlation, or a reason
// to skip it: metadata (title, id, level, tags...), logsource, and the
// detection's search identifiers and condition compiled into a FilterPattern.
#include <cctype>

#include "pattern/sigma_match.h"
#include "sigma/internal.h"

namespace trailwatch::sigma::internal {
namespace {

using pattern::Expr;

std::optional<ParseError> Text(const YAML::Node& doc, const char* key, DocContext& ctx,
                               std::string* out) {
  const YAML::Node n = doc[key];
  if (!n.IsDefined() || IsYamlNull(n)) return std::nullopt;
  if (!n.IsScalar()) return ctx.At(n, std::string("'") + key + "' must be text");
  *out = n.Scalar();
  return std::nullopt;
}

// A list of strings; a lone string is a list of one; null is empty.
std::optional<ParseError> List(const YAML::Node& doc, const char* key, DocContext& ctx,
                               std::vector<std::string>* out) {
  const YAML::Node n = doc[key];
  if (!n.IsDefined() || IsYamlNull(n)) return std::nullopt;
  if (n.IsScalar()) {
    out->push_back(n.Scalar());
    return std::nullopt;
  }
  if (!n.IsSequence()) return ctx.At(n, std::string("'") + key + "' must be a list");
  for (const YAML::Node& item : n) {
    if (!ctx.Spend()) return ctx.At(n, "too many YAML nodes (aliases?)");
    if (IsYamlNull(item)) continue;
    if (!item.IsScalar()) return ctx.At(item, std::string("'") + key + "' must be a list of text");
    out->push_back(item.Scalar());
  }
  return std::nullopt;
}

// attack.t1078.004 -> T1078.004; other tags give nothing.
std::optional<std::string> AttackId(std::string_view tag) {
  if (tag.size() < 12 || tag.substr(0, 8) != "attack.t") return std::nullopt;
  const std::string_view id = tag.substr(8);
  for (size_t i = 0; i < id.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(id[i])) != 0;
    if (!(digit || (i == 4 && id[i] == '.'))) return std::nullopt;
  }
  if (id.size() != 4 && id.size() != 8) return std::nullopt;
  return "T" + std::string(id);
}

}  // namespace

std::optional<ParseError> ReadInfo(const YAML::Node& doc, DocContext& ctx, RuleInfo* info,
                                   std::vector<ParseError>* warnings) {
  info->file = ctx.file;
  info->line = ctx.start_line;
  if (auto err = Text(doc, "title", ctx, &info->title)) return err;
  if (info->title.empty()) return ctx.AtStart("a Sigma rule needs a 'title'");
  for (auto [key, field] : {std::pair{"id", &info->id}, {"name", &info->name},
                            {"status", &info->status}, {"description", &info->description},
                            {"author", &info->author}, {"date", &info->date},
                            {"modified", &info->modified}}) {
    if (auto err = Text(doc, key, ctx, field)) return err;
  }
  for (auto [key, field] : {std::pair{"references", &info->references},
                            {"falsepositives", &info->falsepositives}, {"fields", &info->fields},
                            {"tags", &info->tags}}) {
    if (auto err = List(doc, key, ctx, field)) return err;
  }
  for (const std::string& tag : info->tags) {
    if (auto id = AttackId(tag)) {
      for (char& c : *id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      info->attack_ids.push_back(*id);
    }
  }
  std::string level;
  if (auto err = Text(doc, "level", ctx, &level)) return err;
  static constexpr std::pair<std::string_view, Level> kLevels[] = {
      {"informational", Level::kInformational}, {"low", Level::kLow}, {"medium", Level::kMedium},
      {"high", Level::kHigh}, {"critical", Level::kCritical}};
  if (!level.empty()) {
    bool known = false;
    for (const auto& [name, value] : kLevels) {
      if (name == level) {
        info->level = value;
        known = true;
      }
    }
    if (!known) warnings->push_back(ctx.At(doc["level"], "unknown level '" + level + "' ignored"));
  }
  return std::nullopt;
}

std::optional<std::string> NotCloudTrail(const YAML::Node& doc, DocContext& ctx,
                                         std::optional<ParseError>* error) {
  const YAML::Node ls = doc["logsource"];
  if (!ls.IsDefined() || IsYamlNull(ls)) {
    *error = ctx.AtStart("a detection rule needs a 'logsource'");
    return std::nullopt;
  }
  if (!ls.IsMap()) {
    *error = ctx.At(ls, "'logsource' must be a map");
    return std::nullopt;
  }
  auto lower = [](const std::optional<std::string>& s) {
    std::string out = s.value_or("");
    for (char& c : out) c = pattern::FoldAscii(c);
    return out;
  };
  const std::string product = lower(ScalarText(ls["product"]));
  const std::string service = lower(ScalarText(ls["service"]));
  const std::string category = lower(ScalarText(ls["category"]));
  if (product == "aws" && service == "cloudtrail") return std::nullopt;
  std::string what;
  for (auto [k, v] : {std::pair{"product", &product}, {"service", &service}, {"category", &category}}) {
    if (v->empty()) continue;
    what += (what.empty() ? "" : ", ") + std::string(k) + ": " + *v;
  }
  return "logsource " + (what.empty() ? std::string("(empty)") : what) +
         " is not CloudTrail (product: aws, service: cloudtrail)";
}

std::optional<ParseError> CompileDetection(const YAML::Node& doc, DocContext& ctx, Rule* rule,
                                           std::optional<Aggregation>* aggregation,
                                           std::string* skip, std::vector<ParseError>* warnings) {
  const YAML::Node det = doc["detection"];
  if (!det.IsMap()) return ctx.At(det, "'detection' must be a map");
  Builder builder;
  std::vector<std::pair<std::string, Expr>> searches;
  YAML::Node condition, timeframe;
  bool has_timeframe = false, has_condition = false;
  for (const auto& item : det) {
    if (!ctx.Spend()) return ctx.At(det, "too many YAML nodes (aliases?)");
    const auto name = ScalarText(item.first);
    if (!name || name->empty()) return ctx.At(item.first, "a search identifier must be a name");
    if (*name == "condition") {
      condition = item.second;
      has_condition = true;
      continue;
    }
    if (*name == "timeframe") {
      timeframe = item.second;
      has_timeframe = true;
      continue;
    }
    Expr e;
    if (auto err = CompileSearch(item.second, ctx, builder, &e, skip)) return err;
    if (!skip->empty()) return std::nullopt;
    searches.emplace_back(*name, std::move(e));
  }
  if (!has_condition || IsYamlNull(condition)) return ctx.At(det, "the detection needs a 'condition'");
  std::vector<YAML::Node> conditions;
  if (condition.IsSequence()) {
    for (const YAML::Node& c : condition) conditions.push_back(c);
  } else {
    conditions.push_back(condition);
  }
  if (conditions.empty()) return ctx.At(condition, "empty condition list");
  std::vector<Expr> any;
  for (const YAML::Node& c : conditions) {
    if (!c.IsScalar()) return ctx.At(c, "a condition must be text");
    Expr e;
    std::optional<Aggregation>* agg = conditions.size() == 1 ? aggregation : nullptr;
    if (auto err = ParseCondition(c.Scalar(), searches, &e, agg)) {
      if (err->unsupported) {
        *skip = err->message;
        return std::nullopt;
      }
      // A quoted condition starts one column after its mark.
      const size_t quote = IsPlain(c) || c.Tag() != "!" ? 0 : 1;
      return ctx.At(c, "in condition: " + err->message, err->offset + quote);
    }
    if (!rule->condition.empty()) rule->condition += " | or | ";
    rule->condition += c.Scalar();
    any.push_back(std::move(e));
  }
  if (any.size() == 1) {
    builder.ast.root = std::move(any[0]);
  } else {
    builder.ast.root.kind = Expr::Kind::kOr;
    builder.ast.root.children = std::move(any);
  }
  if (has_timeframe && !(aggregation && aggregation->has_value())) {
    warnings->push_back(ctx.At(timeframe, "'timeframe' without an aggregation (| count()) is ignored"));
  }
  if (aggregation && aggregation->has_value()) {
    const auto span = has_timeframe ? ScalarText(timeframe) : std::nullopt;
    if (!span) return ctx.At(condition, "an aggregation (| count()) needs a 'timeframe'");
    if (!ParseTimespan(*span)) return ctx.At(timeframe, "invalid timeframe '" + *span + "'");
  }
  builder.ast.kind = pattern::Ast::Kind::kSigma;
  const std::string name = rule->info.id.empty() ? rule->info.title : rule->info.id;
  rule->detection = FilterPattern::FromSigma("sigma:" + name,
                                             std::make_unique<pattern::Ast>(std::move(builder.ast)));
  return std::nullopt;
}

}  // namespace trailwatch::sigma::internal
