// hcl_expr: the expression language (spec "Expressions"): literals, tuples and
// objects become values; traversals become references; anything else is kept as
// text. Every expression also gets its tree (hcl_ast.h) for evaluation.
#include <charconv>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "ruleset/hcl_parser.h"

namespace trailwatch::ruleset::hcl::internal {
namespace {

struct BinaryOpToken {
  std::string_view token;
  int level;  // higher binds tighter (spec "Operations")
  BinaryOp op;
};
// Two-character operators first, so "<=" is not read as "<".
constexpr BinaryOpToken kBinaryOps[] = {
    {"||", 1, BinaryOp::kOr},       {"&&", 2, BinaryOp::kAnd},          {"==", 3, BinaryOp::kEqual},
    {"!=", 3, BinaryOp::kNotEqual}, {"<=", 4, BinaryOp::kLessEqual},    {">=", 4, BinaryOp::kGreaterEqual},
    {"<", 4, BinaryOp::kLess},      {">", 4, BinaryOp::kGreater},       {"+", 5, BinaryOp::kAdd},
    {"-", 5, BinaryOp::kSubtract},  {"*", 6, BinaryOp::kMultiply},      {"/", 6, BinaryOp::kDivide},
    {"%", 6, BinaryOp::kModulo}};

// The operator at the start of `s`, if any. '=' alone, "=>" and '!' alone are not binary operators.
const BinaryOpToken* FindBinaryOp(std::string_view s) {
  for (const BinaryOpToken& op : kBinaryOps) {
    if (s.substr(0, op.token.size()) == op.token) return &op;
  }
  return nullptr;
}

std::shared_ptr<Expr> NewExpr(Expr::Kind kind, Pos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

}  // namespace

void Parser::MakeExpression(Node* out, size_t end) {
  Value& v = out->value;
  v.kind = Value::Kind::kExpression;
  v.text.clear();
  v.is_template = false;
  v.number = 0;
  v.boolean = false;
  v.items.clear();
  v.entries.clear();
  out->end = end;
}

void Parser::Finish(Node* node) const {
  const Value::Kind kind = node->value.kind;
  if (kind == Value::Kind::kReference || kind == Value::Kind::kExpression) {
    node->value.text = std::string(s_.substr(node->begin, node->end - node->begin));
  }
  node->value.expr = node->ast;
}

std::string Parser::KeyText(const Node& key) const {
  const std::string_view source = s_.substr(key.begin, key.end - key.begin);
  if (key.value.kind == Value::Kind::kString && !key.value.is_template) return key.value.text;
  return std::string(source);  // an identifier, or any other expression as written
}

// Expression = Binary ("?" Expression ":" Expression)?
bool Parser::ParseExpr(Node* out, Newlines newlines) {
  if (!ParseBinary(out, 1, newlines)) return false;
  if (!SkipSpace(newlines)) return false;
  if (Peek() != '?') return true;
  const size_t question = i_;
  Scope scope(this, question, "");
  if (!scope.ok()) return false;
  ++i_;
  Node then_value;
  if (!SkipSpace(Newlines::kSkip) || !ParseExpr(&then_value, newlines) || !SkipSpace(newlines)) return false;
  if (Peek() != ':') {
    return FailExpected(i_, fmt::format("':' for the conditional expression whose '?' is at {}", PosText(question)));
  }
  ++i_;
  Node else_value;
  if (!SkipSpace(Newlines::kSkip) || !ParseExpr(&else_value, newlines)) return false;
  auto ast = NewExpr(Expr::Kind::kConditional, out->value.pos);
  ast->args = {std::move(out->ast), std::move(then_value.ast), std::move(else_value.ast)};
  out->ast = std::move(ast);
  MakeExpression(out, else_value.end);
  return true;
}

// Precedence climbing over the binary operators of level >= min_level. The
// operators one call reads never bind tighter than the previous one (tighter
// ones went into the right operand), so evaluating the chain left to right
// is right: the tree stays flat however long the chain.
bool Parser::ParseBinary(Node* out, int min_level, Newlines newlines) {
  if (!ParseUnary(out, newlines)) return false;
  std::shared_ptr<Expr> chain;
  while (true) {
    if (!SkipSpace(newlines)) return false;
    const BinaryOpToken* op = FindBinaryOp(s_.substr(i_));
    if (op == nullptr || op->level < min_level) return true;
    i_ += op->token.size();
    Node rhs;  // an operand must follow, so a newline here cannot end the expression
    if (!SkipSpace(Newlines::kSkip) || !ParseBinary(&rhs, op->level + 1, newlines)) return false;
    if (!chain) {
      chain = NewExpr(Expr::Kind::kBinary, out->value.pos);
      chain->args.push_back(std::move(out->ast));
    }
    chain->ops.push_back(op->op);
    chain->args.push_back(std::move(rhs.ast));
    out->ast = chain;
    MakeExpression(out, rhs.end);
  }
}

bool Parser::ParseUnary(Node* out, Newlines newlines) {
  if (!SkipSpace(newlines)) return false;
  const char op = Peek();
  if ((op != '-' && op != '!') || Peek(1) == '=') return ParsePostfix(out, newlines);
  const size_t begin = i_;
  Scope scope(this, begin, "");
  if (!scope.ok()) return false;
  ++i_;
  if (!ParseUnary(out, newlines)) return false;
  const bool negative_number = op == '-' && out->value.kind == Value::Kind::kNumber && out->begin == begin + 1 &&
                               IsDigit(s_[begin + 1]);
  out->begin = begin;
  out->value.pos = PosAt(begin);
  if (negative_number) {  // "-1" is a number, as everyone reads it
    out->value.text = std::string(s_.substr(begin, out->end - begin));
    out->value.number = -out->value.number;
    out->ast->number = -out->ast->number;
    out->ast->pos = out->value.pos;
  } else {
    auto ast = NewExpr(Expr::Kind::kUnary, out->value.pos);
    ast->unary = op == '-' ? UnaryOp::kNegate : UnaryOp::kNot;
    ast->args.push_back(std::move(out->ast));
    out->ast = std::move(ast);
    MakeExpression(out, out->end);
  }
  return true;
}

// Postfix operators: .name, .0 (legacy index), .*, [key], [*]. On a variable
// with literal keys only, the result is a reference; on anything else, an expression.
bool Parser::ParsePostfix(Node* out, Newlines newlines) {
  if (!ParsePrimary(out, newlines)) return false;
  bool traversal = out->value.kind == Value::Kind::kReference;
  bool attr_splat = false;  // after .*, up to the next '[': only .name and .N may follow
  std::vector<Step> steps;
  while (true) {
    const size_t before = i_;
    if (!SkipSpace(newlines)) return false;
    Step step;
    step.pos = PosAt(i_);
    if (Peek() == '.' && !StartsWith("...")) {
      ++i_;
      if (!SkipSpace(newlines)) return false;
      if (IsIdentStart(Peek())) {
        step.name = std::string(ReadIdent());
      } else if (IsDigit(Peek())) {  // legacy index .0; "x.0.1" reads as x . 0.1, as in HCL
        const size_t digits = i_;
        while (IsDigit(Peek())) ++i_;
        if (Peek() == '.' && IsDigit(Peek(1))) {
          return Fail(i_, "legacy index syntax '.N' cannot be chained: write [N][M]");
        }
        auto key = NewExpr(Expr::Kind::kNumber, PosAt(digits));
        const std::string_view text = s_.substr(digits, i_ - digits);
        std::from_chars(text.data(), text.data() + text.size(), key->number);
        step.kind = Step::Kind::kIndex;
        step.key = std::move(key);
      } else if (Peek() == '*') {
        if (attr_splat) {
          return Fail(i_, "nested splat expression not allowed: a '.*' cannot follow another '.*' (use [*])");
        }
        attr_splat = true;
        step.kind = Step::Kind::kAttrSplat;
        ++i_;
      } else {
        return FailExpected(i_, "an attribute name, an index or '*' after '.'");
      }
    } else if (Peek() == '[') {
      attr_splat = false;
      Scope scope(this, i_, "the '[' of an index");
      if (!scope.ok()) return false;
      ++i_;
      if (!SkipSpace(Newlines::kSkip)) return false;
      if (Peek() == '*') {
        ++i_;
        step.kind = Step::Kind::kSplat;
      } else {
        Node key;
        if (!ParseExpr(&key, Newlines::kSkip)) return false;
        const Value::Kind k = key.value.kind;
        if (k != Value::Kind::kNumber && !(k == Value::Kind::kString && !key.value.is_template)) traversal = false;
        step.kind = Step::Kind::kIndex;
        step.key = std::move(key.ast);
      }
      if (!SkipSpace(Newlines::kSkip)) return false;
      if (Peek() != ']') return FailExpected(i_, "']' to close the index");
      ++i_;
    } else {
      i_ = before;
      break;
    }
    steps.push_back(std::move(step));
    out->end = i_;
  }
  if (steps.empty()) return true;
  auto ast = NewExpr(Expr::Kind::kTraversal, out->value.pos);
  ast->base = std::move(out->ast);
  ast->steps = std::move(steps);
  ast->text = std::string(s_.substr(out->begin, out->end - out->begin));
  out->ast = std::move(ast);
  if (!traversal) MakeExpression(out, out->end);
  return true;
}

bool Parser::ParsePrimary(Node* out, Newlines newlines) {
  if (!SkipSpace(newlines)) return false;
  out->begin = i_;
  out->end = i_;
  out->value = Value();
  out->value.pos = PosAt(i_);
  const char c = Peek();
  if (AtEnd() || AtNewline()) return FailExpected(i_, "an expression");
  if (IsDigit(c)) return ParseNumber(out);
  if (c == '"') return ParseQuoted(out);
  if (c == '<' && Peek(1) == '<') return ParseHeredoc(out);
  if (c == '[') return ParseTuple(out);
  if (c == '{') return ParseObject(out);
  if (c == '(') {
    Scope scope(this, i_, "the '('");
    if (!scope.ok()) return false;
    ++i_;
    Node inner;
    if (!SkipSpace(Newlines::kSkip) || !ParseExpr(&inner, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) {
      return false;
    }
    if (Peek() != ')') return FailExpected(i_, "')'");
    ++i_;
    out->ast = std::move(inner.ast);
    MakeExpression(out, i_);
    return true;
  }
  if (!IsIdentStart(c)) return FailExpected(i_, "an expression");
  const std::string_view word = ReadIdent();
  out->end = i_;
  // A function call: name( or a provider function provider::ns::name(.
  bool namespaced = false;
  while (StartsWith("::") && IsIdentStart(Peek(2))) {
    i_ += 2;
    ReadIdent();
    namespaced = true;
  }
  const size_t after_name = i_;
  if (!SkipSpace(Newlines::kEnd)) return false;
  if (Peek() == '(') return ParseCall(out, s_.substr(out->begin, after_name - out->begin));
  if (namespaced) return FailExpected(i_, "'(' after a function name");
  i_ = out->end;
  if (word == "true" || word == "false") {
    out->value.kind = Value::Kind::kBool;
    out->value.boolean = word == "true";
    out->ast = NewExpr(Expr::Kind::kBool, out->value.pos);
    out->ast->boolean = out->value.boolean;
  } else if (word == "null") {
    out->value.kind = Value::Kind::kNull;
    out->ast = NewExpr(Expr::Kind::kNull, out->value.pos);
  } else {
    out->value.kind = Value::Kind::kReference;
    out->ast = NewExpr(Expr::Kind::kVariable, out->value.pos);
    out->ast->text = std::string(word);
  }
  return true;
}

// NumericLit = decimal+ ("." decimal+)? (("e" | "E") ("+" | "-")? decimal+)?
bool Parser::ParseNumber(Node* out) {
  const size_t begin = i_;
  while (IsDigit(Peek())) ++i_;
  if (Peek() == '.' && IsDigit(Peek(1))) {
    ++i_;
    while (IsDigit(Peek())) ++i_;
  }
  if ((Peek() == 'e' || Peek() == 'E') &&
      (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
    i_ += IsDigit(Peek(1)) ? size_t{1} : size_t{2};
    while (IsDigit(Peek())) ++i_;
  }
  if (Peek() == '.' && IsDigit(Peek(1))) {  // "1.2.3" is one bad literal in HCL, not 1.2 then .3
    return Fail(begin, fmt::format("invalid number literal {}", Describe(begin)));
  }
  const std::string_view text = s_.substr(begin, i_ - begin);
  Value& v = out->value;
  v.kind = Value::Kind::kNumber;
  v.text = std::string(text);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v.number);
  if (ec == std::errc::result_out_of_range) {  // HCL numbers are arbitrary-precision; a double is not
    const size_t e = text.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && text.substr(e + 1, 1) == "-";
    v.number = tiny ? 0.0 : std::numeric_limits<double>::infinity();
  }
  out->ast = NewExpr(Expr::Kind::kNumber, v.pos);
  out->ast->number = v.number;
  out->end = i_;
  return true;
}

bool Parser::ParseCall(Node* out, std::string_view name) {
  Scope scope(this, i_, "the '(' of the call to", name);
  if (!scope.ok()) return false;
  auto ast = NewExpr(Expr::Kind::kCall, out->value.pos);
  ast->text = std::string(name);
  ++i_;
  while (true) {
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (Peek() == ')') break;
    Node arg;
    if (!ParseExpr(&arg, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) return false;
    ast->args.push_back(std::move(arg.ast));
    if (StartsWith("...")) {  // expand the last argument
      ast->expand_last = true;
      i_ += 3;
      if (!SkipSpace(Newlines::kSkip)) return false;
      if (Peek() != ')') return FailExpected(i_, fmt::format("')' after '...' in the call to '{}'", name));
      break;
    }
    if (Peek() == ')') break;
    if (Peek() != ',') return FailExpected(i_, fmt::format("',' or ')' in the arguments of '{}'", name));
    ++i_;
  }
  ++i_;  // ')'
  out->ast = std::move(ast);
  MakeExpression(out, i_);
  return true;
}

bool Parser::ParseTuple(Node* out) {
  Scope scope(this, i_, "the '[' of a list");
  if (!scope.ok()) return false;
  ++i_;
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (AtKeyword("for")) return ParseForRest(out, ']');
  out->value.kind = Value::Kind::kList;
  out->ast = NewExpr(Expr::Kind::kTuple, out->value.pos);
  while (true) {
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (Peek() == ']') break;
    Node item;
    if (!ParseExpr(&item, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) return false;
    Finish(&item);
    out->ast->args.push_back(item.ast);
    out->value.items.push_back(std::move(item.value));
    if (Peek() == ']') break;
    if (Peek() != ',') return FailExpected(i_, "',' or ']' after a list item");
    ++i_;
  }
  ++i_;  // ']'
  out->end = i_;
  return true;
}

// Entries are `key = value` or `key: value`, separated by commas or newlines.
bool Parser::ParseObject(Node* out) {
  Scope scope(this, i_, "the '{' of a map");
  if (!scope.ok()) return false;
  ++i_;
  if (!SkipSpace(Newlines::kSkip)) return false;
  if (AtKeyword("for")) return ParseForRest(out, '}');
  out->value.kind = Value::Kind::kMap;
  out->ast = NewExpr(Expr::Kind::kObject, out->value.pos);
  while (true) {
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (Peek() == '}') break;
    Node key;
    if (!ParseExpr(&key, Newlines::kEnd) || !SkipSpace(Newlines::kEnd)) return false;
    std::string key_text = KeyText(key);
    if (!(Peek() == ':' || (Peek() == '=' && Peek(1) != '=' && Peek(1) != '>'))) {
      return FailExpected(i_, fmt::format("'=' or ':' after the map key '{}'", key_text));
    }
    ++i_;
    if (!SkipSpace(Newlines::kEnd)) return false;
    if (AtEnd() || AtNewline()) {
      return Fail(i_, fmt::format("map key '{}' has no value: expected an expression, found {}", key_text,
                                  Describe(i_)));
    }
    Node value;
    if (!ParseExpr(&value, Newlines::kEnd) || !SkipSpace(Newlines::kEnd)) return false;
    Finish(&value);
    // A bare name is the key itself; (name), var.x or a template is evaluated.
    if (key.value.kind == Value::Kind::kReference && key.ast->kind == Expr::Kind::kVariable) {
      key.ast = NewExpr(Expr::Kind::kString, key.value.pos);
      key.ast->text = key_text;
    }
    out->ast->entries.emplace_back(std::move(key.ast), value.ast);
    out->value.entries.emplace_back(std::move(key_text), std::move(value.value));
    if (Peek() == '}') break;
    if (AtNewline()) {
      SkipNewline();
    } else if (Peek() == ',') {
      ++i_;
    } else {
      return FailExpected(i_, fmt::format("',' or a newline after the value of map key '{}'",
                                          out->value.entries.back().first));
    }
  }
  ++i_;  // '}'
  out->end = i_;
  return true;
}

bool Parser::ParseForIntro(std::string* key_name, std::string* value_name, Node* collection) {
  for (int name = 0; name < 2; ++name) {
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (!IsIdentStart(Peek())) return FailExpected(i_, "a variable name in the 'for'");
    *value_name = std::string(ReadIdent());
    if (!SkipSpace(Newlines::kSkip)) return false;
    if (Peek() != ',') break;
    ++i_;
    if (name == 1) return FailExpected(i_ - 1, "'in' after at most two variable names");
    *key_name = std::move(*value_name);
  }
  if (!AtKeyword("in")) return FailExpected(i_, "'in' after the variable names of the 'for'");
  i_ += 2;
  return ParseExpr(collection, Newlines::kSkip);
}

// [for k, v in coll : value if cond]   {for k, v in coll : key => value... if cond}
bool Parser::ParseForRest(Node* out, char close) {
  auto ast = NewExpr(Expr::Kind::kFor, out->value.pos);
  auto clause = std::make_unique<ForClause>();
  clause->object_for = close == '}';
  i_ += 3;  // "for"
  Node collection;
  if (!ParseForIntro(&clause->key_name, &clause->value_name, &collection) || !SkipSpace(Newlines::kSkip)) {
    return false;
  }
  clause->collection = std::move(collection.ast);
  if (Peek() != ':') return FailExpected(i_, "':' after the collection of the 'for'");
  ++i_;
  Node first;
  if (!ParseExpr(&first, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) return false;
  clause->value = std::move(first.ast);
  if (close == '}') {
    if (!StartsWith("=>")) return FailExpected(i_, "'=>' between the key and the value of the 'for'");
    i_ += 2;
    Node second;
    if (!ParseExpr(&second, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) return false;
    clause->key = std::move(clause->value);
    clause->value = std::move(second.ast);
    if (StartsWith("...")) {  // grouping mode
      clause->grouping = true;
      i_ += 3;
      if (!SkipSpace(Newlines::kSkip)) return false;
    }
  }
  if (AtKeyword("if")) {
    i_ += 2;
    Node condition;
    if (!ParseExpr(&condition, Newlines::kSkip) || !SkipSpace(Newlines::kSkip)) return false;
    clause->condition = std::move(condition.ast);
  }
  if (Peek() != close) {
    return FailExpected(i_, fmt::format("'{}' to end the 'for' expression", close));
  }
  ++i_;
  ast->for_clause = std::move(clause);
  out->ast = std::move(ast);
  MakeExpression(out, i_);
  return true;
}

}  // namespace trailwatch::ruleset::hcl::internal
