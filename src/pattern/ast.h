// ast: the parsed form of a CloudWatch Logs filter pattern (spec sections 1-5):
// JSON patterns as an expression tree over selectors, term patterns as word
// lists, space-delimited patterns as field conditions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pattern/regex.h"

namespace trailwatch::pattern {

/// One step of a JSON selector: `.name`, `[3]`, `[*]`, `.*`.
struct Step {
  enum class Kind : uint8_t { kMember, kIndex, kAnyIndex, kAnyMember } kind = Kind::kMember;
  std::string name;     // kMember
  uint32_t index = 0;   // kIndex
  bool operator==(const Step&) const = default;
};

/// `$.a.b[0]`: the path from the record's root.
struct Selector {
  std::vector<Step> steps;
  std::string text;  // as written, for messages
  bool operator==(const Selector& o) const { return steps == o.steps; }
};

/// The right-hand side of a comparison.
struct Literal {
  enum class Kind : uint8_t { kString, kNumber, kRegex } kind = Kind::kString;
  /// Where `*` may stand for any text (spec 2.4): only at the ends.
  enum class Wildcard : uint8_t { kNone, kAny, kPrefix, kSuffix, kContains } wildcard = Wildcard::kNone;
  std::string text;  // the value as written, quotes removed and \" \\ unescaped
  std::string core;  // text without the wildcard stars
  double number = 0; // kNumber
  std::shared_ptr<const Regex> regex;  // kRegex
};

enum class Op : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe, kIsNull, kIsTrue, kIsFalse, kNotExists };

/// `selector OP literal`. For space-delimited patterns `selector` is the field index.
struct Condition {
  uint32_t selector = 0;
  Op op = Op::kEq;
  Literal value;
};

/// An expression: a condition, or an AND / OR of sub-expressions.
struct Expr {
  enum class Kind : uint8_t { kCondition, kAnd, kOr } kind = Kind::kCondition;
  Condition condition;
  std::vector<Expr> children;
};

/// One field of a space-delimited pattern `[a, b = 4*, ...]`.
struct Field {
  std::string name;       // empty for an ellipsis
  bool ellipsis = false;  // `...`: any number of fields
  bool has_condition = false;
  Expr condition;         // conditions on this field (selector = 0)
};

/// The parsed pattern, whichever kind it is.
struct Ast {
  enum class Kind : uint8_t { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited } kind = Kind::kMatchAll;
  // kTerms: every `required` term, not one `excluded` term, and one of
  // `optional` when there are only optional terms (spec 4).
  std::vector<std::string> required, optional, excluded;
  // kRegex: the whole pattern is one `%...%`.
  std::shared_ptr<const Regex> regex;
  // kJson
  Expr root;
  std::vector<Selector> selectors;  // Condition::selector indexes this
  // kSpaceDelimited
  std::vector<Field> fields;
};

}  // namespace trailwatch::pattern
