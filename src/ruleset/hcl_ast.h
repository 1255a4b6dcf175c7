// hcl_ast: the expression tree the HCL parser builds for every value, which
// ruleset/hcl_eval evaluates. Trees are immutable once built and shared.
//
// Depth: the parser refuses nesting deeper than kMaxDepth, and chains that are
// flat in the source stay flat here (a + b + c is one kBinary with three
// operands, a.b[0].c one kTraversal with three steps), so the depth of a tree
// is bounded by the nesting of its source, never by its length.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ruleset/hcl.h"

namespace trailwatch::ruleset::hcl {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

/// One step after the root of a traversal: `.name`, `[key]` (also the legacy
/// `.0`), `.*` (attribute splat) or `[*]` (full splat).
struct Step {
  enum class Kind { kAttr, kIndex, kAttrSplat, kSplat };
  Kind kind = Kind::kAttr;
  std::string name;  ///< kAttr
  ExprPtr key;       ///< kIndex
  Pos pos;
};

/// A piece of a template: literal text, `${ expr }`, `%{ if }`, `%{ for }`.
/// Strip markers (`~`) are already applied to the literal pieces.
struct TemplatePart {
  enum class Kind { kLiteral, kInterpolation, kIf, kFor };
  Kind kind = Kind::kLiteral;
  std::string literal;                   ///< kLiteral
  ExprPtr expr;                          ///< kInterpolation value, kIf condition, kFor collection
  std::string key_name, value_name;      ///< kFor: `%{ for k, v in ... }` (key_name empty with one name)
  std::vector<TemplatePart> body;        ///< kIf: the true branch; kFor: the repeated body
  std::vector<TemplatePart> else_body;   ///< kIf: the false branch
  Pos pos;
};

/// `[for key_name, value_name in collection : value if condition]` or
/// `{for ... : key => value... if condition}` (`...`: grouping).
struct ForClause {
  std::string key_name, value_name;
  ExprPtr collection, key, value, condition;
  bool object_for = false;
  bool grouping = false;
};

enum class UnaryOp { kNegate, kNot };
enum class BinaryOp { kOr, kAnd, kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual, kAdd, kSubtract,
                      kMultiply, kDivide, kModulo };

struct Expr {
  enum class Kind {
    kNull, kBool, kNumber, kString,  // literals
    kTemplate,                       // parts
    kVariable,                       // a bare name: var, local, each, aws_sns_topic, a `for` variable...
    kTraversal,                      // base + steps
    kCall,                           // name(args...)
    kTuple,                          // [items]
    kObject,                         // { key = value }
    kUnary, kBinary, kConditional,
    kFor,                            // [for ...] or {for ...}
  };
  Kind kind = Kind::kNull;
  Pos pos;

  bool boolean = false;  ///< kBool
  double number = 0;     ///< kNumber
  /// kString: the value; kVariable: the name; kCall: the function name
  /// (provider::ns::name included); kTraversal: the source text, as written.
  std::string text;

  std::vector<TemplatePart> parts;  ///< kTemplate

  ExprPtr base;             ///< kTraversal: what the steps apply to
  std::vector<Step> steps;  ///< kTraversal

  /// kCall: the arguments; kTuple: the items; kUnary: the operand; kBinary:
  /// the operands (evaluated left to right, ops[i] between args[i] and
  /// args[i + 1]); kConditional: condition, then, else.
  std::vector<ExprPtr> args;
  bool expand_last = false;     ///< kCall: `f(a, list...)`
  UnaryOp unary = UnaryOp::kNot;
  std::vector<BinaryOp> ops;

  std::vector<std::pair<ExprPtr, ExprPtr>> entries;  ///< kObject: key, value (a bare name key is a kString)

  /// kFor (held apart: most nodes are small, and flat input makes many).
  std::unique_ptr<const ForClause> for_clause;
};

/// Parses a template file (templatefile()): literal text with ${...} and
/// %{...} sequences, no escapes other than $${ and %%{.
Result<ExprPtr, trailwatch::ParseError> ParseTemplate(std::string_view text);
/// Parses one expression filling all of `text` (a -var value of a complex type).
Result<ExprPtr, trailwatch::ParseError> ParseExpression(std::string_view text);

}  // namespace trailwatch::ruleset::hcl
