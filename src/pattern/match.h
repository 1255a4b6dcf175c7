// match: what a condition means for the values at its selector (spec 2.3-2.6
// and the defaults of spec 10), and how term, regex and space-delimited
// patterns match a message's text (spec 3-5).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pattern/ast.h"
#include "trailwatch/pattern.h"

namespace trailwatch::pattern {

/// True if `value` equals `literal` under the rules of spec 2.4-2.6:
/// wildcards at the ends, regex search, numbers compared numerically with
/// number nodes and textually with strings; null, objects and arrays never.
bool LiteralEquals(const Literal& literal, const JsonValue& value);

/// One condition over the values found at its selector (empty: absent).
/// Existential: true if some value satisfies it (spec 2.2); `!=` is false on
/// an absent field (spec 2.3, decision 1).
bool EvalCondition(const Condition& condition, std::span<const JsonValue> values);

/// Evaluates an expression; `values(selector)` gives a condition's values.
template <typename ValuesOf>
bool EvalExpr(const Expr& e, const ValuesOf& values) {
  switch (e.kind) {
    case Expr::Kind::kCondition:
      return EvalCondition(e.condition, values(e.condition.selector));
    case Expr::Kind::kAnd:
      for (const Expr& c : e.children) {
        if (!EvalExpr(c, values)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& c : e.children) {
        if (EvalExpr(c, values)) return true;
      }
      return false;
    case Expr::Kind::kNot:
      return !EvalExpr(e.children[0], values);
  }
  return false;
}

/// Term patterns (spec 4): required / optional (?) / excluded (-) substrings.
bool MatchTerms(const Ast& ast, std::string_view text);

/// Space-delimited patterns (spec 5). `extracted` (optional) gets ("$name",
/// value) for every named field of a match.
bool MatchSpaceDelimited(const Ast& ast, std::string_view text,
                         std::vector<std::pair<std::string, std::string>>* extracted);

/// Any text pattern (terms, regex alone, space-delimited, match-all).
bool MatchText(const Ast& ast, std::string_view text);

}  // namespace trailwatch::pattern
