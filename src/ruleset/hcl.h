// hcl: a parser for the subset of HCL2 native syntax that Terraform files use,
// turning a .tf file into a generic tree of blocks, attributes and values with positions.
//
// What it keeps and how (the later layer, ruleset/terraform, picks what it needs):
//   - Literals become typed values: strings (escapes processed), numbers, bools, null.
//   - Tuples and objects become kList / kMap with their items, recursively.
//   - Traversals (var.x, aws_sns_topic.t.arn, data.a.b[0].c, x[*].id) become
//     kReference with the source text; an index that is not a literal number
//     or string (x[each.key]) makes the whole an expression.
//   - Every other expression (function calls, operators, conditionals, for
//     expressions, ...) is kept as source text (kExpression): it must be
//     syntactically valid, and is not rejected here for what it means.
//   - Every value also carries its expression tree (`expr`, hcl_ast.h), which
//     ruleset/hcl_eval evaluates.
// Grammar: https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md.
// Checked against `terraform fmt` (v1.11) on ~5,000 generated and fuzzed files:
// both accept or both reject, except for these deliberate differences. Accepted
// here only: a UTF-8 BOM; a newline right after a binary operator, '?' or ':';
// a heredoc's closing line at the very end of the file, without a newline; an
// attribute followed on its line by the '}' of its block, and one-line blocks
// that nest; any non-ASCII character in identifiers. Rejected here only:
// nesting deeper than kMaxDepth. Like Terraform, comments may hold any bytes;
// elsewhere the text must be UTF-8 without NUL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trailwatch/status.h"

namespace trailwatch::ruleset::hcl {

struct Expr;  // the expression tree (ruleset/hcl_ast.h)

/// Nesting limit (blocks, brackets, parentheses, interpolations, unary and
/// conditional operators together), so hostile input cannot exhaust the stack.
inline constexpr int kMaxDepth = 256;

/// A position in the file: 1-based line and column. Columns count bytes; a
/// tab is one column; a leading UTF-8 BOM is not counted.
struct Pos {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// One value of an attribute, list item or map entry.
struct Value {
  enum class Kind { kString, kNumber, kBool, kNull, kList, kMap, kReference, kExpression };

  // Declared here and defaulted below the class: `entries` holds pairs of this
  // still-incomplete type, which clang with libstdc++ cannot check in-class.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  Kind kind = Kind::kNull;
  /// Where the value starts (the opening quote, '[', '<<', first character...).
  Pos pos;
  /// kString: the string with escapes processed. If it has ${...} or %{...}
  ///   sequences, `is_template` is true and `text` is the template: literal
  ///   parts with escapes processed, but `$${` and `%%{` kept as written (they
  ///   stand for a literal `${` / `%{`), and each sequence as written in the
  ///   source, strip markers (`~`) included. Heredocs are kString too, with
  ///   CRLF turned into LF and, for `<<-`, the common indentation removed.
  /// kNumber: the number as written ("300", "1.5e3", "-1").
  /// kReference: the traversal as written ("var.x", "data.a.b[0].c", "x[*].id").
  /// kExpression: the source text of the expression, comments inside it included.
  /// kBool, kNull, kList, kMap: empty.
  std::string text;
  bool is_template = false;
  /// kNumber: the value (infinity if it overflows a double).
  double number = 0;
  /// kBool: the value.
  bool boolean = false;
  /// kList: the items of a tuple `[a, b]`.
  std::vector<Value> items;
  /// kMap: the entries of an object `{ k = v }`, in file order. A key is the
  /// identifier or the quoted string (escapes processed); a key written as
  /// any other expression is its source text, such as `(var.k)` or, for a
  /// template, `"${var.k}"` with its quotes (so it cannot be mistaken for a literal).
  std::vector<std::pair<std::string, Value>> entries;
  /// The expression tree of the value, for evaluation (hcl_ast.h). Set on
  /// every value the parser returns; items and entries have theirs too.
  std::shared_ptr<const Expr> expr;

  /// The value of the first entry named `key` of a kMap, or null.
  const Value* Find(std::string_view key) const;
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

/// `name = value`; `pos` is where the name starts.
struct Attribute {
  std::string name;
  Value value;
  Pos pos;
};

/// `type "label" label { body }`; `pos` is where the type starts. Labels are
/// the quoted strings (escapes processed) or bare identifiers, in order.
struct Block {
  std::string type;
  std::vector<std::string> labels;
  Pos pos;
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;

  /// The attribute called `name`, or null.
  const Attribute* FindAttribute(std::string_view name) const;
};

/// The top level of a file: its attributes and blocks, each in file order.
struct Body {
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;

  /// The attribute called `name`, or null.
  const Attribute* FindAttribute(std::string_view name) const;
};

/// Parses a whole .tf file. Fails on invalid syntax, invalid UTF-8 or a NUL
/// byte outside comments, an attribute defined twice in one body, or nesting
/// deeper than kMaxDepth. The error has the line and column of the problem
/// (for something left open: string, heredoc, comment, block, bracket, where
/// it was opened, and the message says so too), its byte offset, and no file.
/// Never throws (except std::bad_alloc). Time and memory are linear in the
/// input size, times at most kMaxDepth for text nested in text (templates in templates).
Result<Body, trailwatch::ParseError> Parse(std::string_view text);

}  // namespace trailwatch::ruleset::hcl
