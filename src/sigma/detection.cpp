// detection: one search identifier compiled into an expression: a map is the
// AND of its items, a list the OR of its elements (maps, or keywords when
// they are plain values), a lone value a keyword.
#include "sigma/internal.h"

namespace trailwatch::sigma::internal {
namespace {

using pattern::Expr;

Expr Join(Expr::Kind kind, std::vector<Expr> children) {
  if (children.size() == 1) return std::move(children[0]);
  Expr e;
  e.kind = kind;
  e.children = std::move(children);
  return e;
}

std::optional<ParseError> CompileMap(const YAML::Node& map, DocContext& ctx, Builder& builder,
                                     Expr* out, std::string* skip) {
  std::vector<Expr> items;
  for (const auto& item : map) {
    if (!ctx.Spend()) return ctx.At(map, "too many YAML nodes (aliases?)");
    const std::optional<std::string> key = ScalarText(item.first);
    if (!key) return ctx.At(item.first, "a detection key must be a field name");
    std::string error;
    const std::optional<FieldKey> field = SplitKey(*key, &error);
    if (!field) return ctx.At(item.first, error);
    Expr e;
    if (auto err = CompileFieldItem(*field, item.first, item.second, ctx, builder, &e, skip)) {
      return err;
    }
    if (!skip->empty()) return std::nullopt;
    items.push_back(std::move(e));
  }
  if (items.empty()) return ctx.At(map, "empty search identifier");
  *out = Join(Expr::Kind::kAnd, std::move(items));
  return std::nullopt;
}

}  // namespace

std::optional<ParseError> CompileSearch(const YAML::Node& value, DocContext& ctx, Builder& builder,
                                        Expr* out, std::string* skip) {
  if (IsYamlNull(value)) return ctx.At(value, "empty search identifier");
  if (value.IsMap()) return CompileMap(value, ctx, builder, out, skip);
  const FieldKey keywords;
  if (value.IsScalar()) return CompileFieldItem(keywords, value, value, ctx, builder, out, skip);
  if (!value.IsSequence()) return ctx.At(value, "a search identifier must be a map or a list");
  bool all_values = true;
  size_t n = 0;
  for (const YAML::Node& element : value) {
    if (!ctx.Spend()) return ctx.At(value, "too many YAML nodes (aliases?)");
    all_values &= element.IsScalar();
    ++n;
  }
  if (n == 0) return ctx.At(value, "empty search identifier");
  if (all_values) return CompileFieldItem(keywords, value, value, ctx, builder, out, skip);
  std::vector<Expr> any;
  for (const YAML::Node& element : value) {
    Expr e;
    if (element.IsMap()) {
      if (auto err = CompileMap(element, ctx, builder, &e, skip)) return err;
    } else if (element.IsScalar()) {
      if (auto err = CompileFieldItem(keywords, element, element, ctx, builder, &e, skip)) return err;
    } else {
      return ctx.At(element, "a list in a search identifier holds maps or values");
    }
    if (!skip->empty()) return std::nullopt;
    any.push_back(std::move(e));
  }
  *out = Join(Expr::Kind::kOr, std::move(any));
  return std::nullopt;
}

}  // namespace trailwatch::sigma::internal
