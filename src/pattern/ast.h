// ast: the parsed form of a CloudWatch Logs filter pattern (spec sections 1-5):
// JSON patterns as an expression tree over selectors, term patterns as word
// lists, space-delimited patterns as field conditions. A compiled Sigma
// detection (src/sigma) is the same tree with NOT and Sigma value tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pattern/regex.h"

namespace trailwatch::pattern {

struct SigmaTest;  // pattern/sigma_match.h

/// One step of a JSON selector: `.name`, `[3]`, `[*]`, `.*`; kSigmaMember is
/// a Sigma field name: `.name`, and where a value is an array, each element
/// (at any depth) stands for it.
struct Step {
  enum class Kind : uint8_t { kMember, kIndex, kAnyIndex, kAnyMember, kSigmaMember } kind = Kind::kMember;
  std::string name;     // kMember, kSigmaMember
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

/// kSigma: the condition is `sigma`, a Sigma value test (pattern/sigma_match.h).
enum class Op : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe, kIsNull, kIsTrue, kIsFalse, kNotExists, kSigma };

/// `selector OP literal`. For space-delimited patterns `selector` is the field index.
struct Condition {
  uint32_t selector = 0;
  Op op = Op::kEq;
  Literal value;
  std::shared_ptr<const SigmaTest> sigma;  // kSigma
};

/// An expression: a condition, or an AND / OR / NOT of sub-expressions (NOT,
/// with one child, only in Sigma detections; an AND of none is true, an OR of
/// none false).
struct Expr {
  enum class Kind : uint8_t { kCondition, kAnd, kOr, kNot } kind = Kind::kCondition;
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
  enum class Kind : uint8_t { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited, kSigma } kind = Kind::kMatchAll;
  // kTerms: every `required` term, not one `excluded` term, and one of
  // `optional` when there are only optional terms (spec 4).
  std::vector<std::string> required, optional, excluded;
  // kRegex: the whole pattern is one `%...%`.
  std::shared_ptr<const Regex> regex;
  // kJson, kSigma (Sigma selectors are kSigmaMember paths)
  Expr root;
  std::vector<Selector> selectors;  // Condition::selector indexes this
  // kSpaceDelimited
  std::vector<Field> fields;
};

}  // namespace trailwatch::pattern
