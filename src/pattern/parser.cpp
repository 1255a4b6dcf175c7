// parser: recursive descent over the grammar of spec 2.1 (JSON patterns), plus
// the term (spec 4), regex (spec 3) and space-delimited (spec 5) forms. Every
// error carries the byte offset of the token that caused it.
#include "pattern/parser.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace trailwatch::pattern {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
// Bare (unquoted) values: letters, digits and `_ . * - : /` (spec 10).
bool IsBareChar(char c) { return IsNameChar(c) || c == '.' || c == '*' || c == ':' || c == '/'; }

// Fills the wildcard form of a string literal (spec 2.4): `*` counts only at
// the ends; a `*` inside is literal text.
void SetWildcard(Literal* lit) {
  const std::string& t = lit->text;
  const bool lead = !t.empty() && t.front() == '*';
  const bool trail = t.size() > 1 && t.back() == '*';
  if (t == "*" || t == "**") {
    lit->wildcard = Literal::Wildcard::kAny;
    lit->core.clear();
  } else if (lead && trail) {
    lit->wildcard = Literal::Wildcard::kContains;
    lit->core = t.substr(1, t.size() - 2);
  } else if (lead) {
    lit->wildcard = Literal::Wildcard::kSuffix;
    lit->core = t.substr(1);
  } else if (trail) {
    lit->wildcard = Literal::Wildcard::kPrefix;
    lit->core = t.substr(0, t.size() - 1);
  } else {
    lit->wildcard = Literal::Wildcard::kNone;
    lit->core = t;
  }
}

// True if `s` is a whole number literal: [+-]digits[.digits][(e|E)[+-]digits].
bool IsNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == int_start) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == exp) return false;
  }
  return i == s.size();
}

class Parser {
 public:
  Parser(std::string_view text, PatternError* error) : s_(text), error_(error) {}

  bool Fail(std::string message, size_t at) {
    if (!failed_) {
      error_->message = std::move(message);
      error_->offset = at;
      failed_ = true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  bool Peek(std::string_view token) {
    SkipSpace();
    return s_.substr(pos_, token.size()) == token;
  }
  bool Accept(std::string_view token) {
    if (!Peek(token)) return false;
    pos_ += token.size();
    return true;
  }
  // An upper-case keyword followed by a delimiter.
  bool AcceptKeyword(std::string_view word) {
    SkipSpace();
    if (s_.substr(pos_, word.size()) != word) return false;
    const size_t after = pos_ + word.size();
    if (after < s_.size() && IsBareChar(s_[after])) return false;
    pos_ = after;
    return true;
  }

  // ---- selectors -----------------------------------------------------------

  bool SelectorAt(Selector* sel) {
    SkipSpace();
    const size_t start = pos_;
    if (pos_ >= s_.size() || s_[pos_] != '$') {
      return Fail("expected a selector starting with '$.' (for example $.eventName)", pos_);
    }
    ++pos_;
    size_t wildcards = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '.') {
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '*') {
          sel->steps.push_back({Step::Kind::kAnyMember, {}, 0});
          ++pos_;
          ++wildcards;
        } else if (pos_ + 1 < s_.size() && s_[pos_] == '[' && s_[pos_ + 1] == '\'') {
          const size_t key_start = pos_ + 2;
          const size_t close = s_.find("']", key_start);
          if (close == std::string_view::npos) return Fail("expected '] to close .['key']", pos_);
          if (close == key_start) return Fail("empty key in .['']", pos_);
          sel->steps.push_back({Step::Kind::kMember, std::string(s_.substr(key_start, close - key_start)), 0});
          pos_ = close + 2;
        } else {
          const size_t name_start = pos_;
          while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
          if (pos_ == name_start) {
            return Fail("expected a property name after '.' (letters, digits, '_', '-')", pos_);
          }
          sel->steps.push_back({Step::Kind::kMember, std::string(s_.substr(name_start, pos_ - name_start)), 0});
        }
      } else if (c == '[') {
        const size_t open = pos_++;
        if (pos_ < s_.size() && s_[pos_] == '*') {
          ++pos_;
          sel->steps.push_back({Step::Kind::kAnyIndex, {}, 0});
          ++wildcards;
        } else {
          uint64_t n = 0;
          const size_t digits = pos_;
          while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && pos_ - digits < 9) {
            n = n * 10 + static_cast<uint64_t>(s_[pos_++] - '0');
          }
          if (pos_ == digits) return Fail("expected an array index or '*' after '['", pos_);
          sel->steps.push_back({Step::Kind::kIndex, {}, static_cast<uint32_t>(n)});
        }
        if (pos_ >= s_.size() || s_[pos_] != ']') return Fail("expected ']'", open);
        ++pos_;
      } else {
        break;
      }
    }
    if (sel->steps.empty() || s_[start + 1] != '.') {
      return Fail("a selector starts with '$.' (for example $.eventName)", start);
    }
    if (wildcards > 1) return Fail("at most one wildcard ([*] or .*) per selector", start);
    sel->text = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  // ---- values --------------------------------------------------------------

  bool Quoted(std::string* out) {
    const size_t open = pos_++;
    for (; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '\\')) {
        out->push_back(s_[++pos_]);
      } else if (c == '"') {
        ++pos_;
        return true;
      } else {
        out->push_back(c);
      }
    }
    return Fail("unterminated string: missing closing '\"'", open);
  }

  bool RegexAt(Literal* lit) {
    const size_t open = pos_++;
    size_t close = pos_;
    while (close < s_.size() && s_[close] != '%') close += s_[close] == '\\' ? size_t{2} : size_t{1};
    if (close >= s_.size()) return Fail("unterminated regex: missing closing '%'", open);
    auto regex = std::make_shared<Regex>();
    RegexError rerr;
    if (!regex->Compile(s_.substr(pos_, close - pos_), &rerr)) {
      return Fail("invalid regex: " + rerr.message, pos_ + rerr.offset);
    }
    if (++regexes_ > kMaxRegexes) {
      return Fail(fmt::format("at most {} regular expressions per pattern", kMaxRegexes), open);
    }
    lit->kind = Literal::Kind::kRegex;
    lit->text = std::string(s_.substr(open, close + 1 - open));
    lit->regex = std::move(regex);
    pos_ = close + 1;
    return true;
  }

  // A value after a comparison operator. `stop` ends a bare word (in
  // space-delimited patterns a ',' or ']' ends it too).
  bool ValueAt(Literal* lit, std::string_view stop) {
    SkipSpace();
    if (pos_ >= s_.size()) return Fail("expected a value", pos_);
    const char c = s_[pos_];
    if (c == '"') {
      if (!Quoted(&lit->text)) return false;
      SetWildcard(lit);
      return true;
    }
    if (c == '%') return RegexAt(lit);
    const size_t start = pos_;
    while (pos_ < s_.size() && !IsSpace(s_[pos_]) && stop.find(s_[pos_]) == std::string_view::npos) {
      if (!IsBareChar(s_[pos_]) && s_[pos_] != '+') {
        return Fail(fmt::format("'{}' is not allowed in an unquoted value; quote the value", s_[pos_]),
                    pos_);
      }
      ++pos_;
    }
    if (pos_ == start) return Fail("expected a value", pos_);
    lit->text = std::string(s_.substr(start, pos_ - start));
    if (IsNumber(lit->text)) {
      lit->kind = Literal::Kind::kNumber;
      lit->number = std::strtod(lit->text.c_str(), nullptr);
      if (!std::isfinite(lit->number)) return Fail("number out of range", start);
    } else if (lit->text.find('+') != std::string::npos) {
      return Fail("'+' is not allowed in an unquoted value; quote the value", start);
    }
    SetWildcard(lit);
    return true;
  }

  // The value after a comparison operator; <, >, <= and >= take numbers only.
  bool ComparedValue(pattern::Condition* c, std::string_view stop) {
    const size_t value_at = (SkipSpace(), pos_);
    if (!ValueAt(&c->value, stop)) return false;
    const bool relational = c->op == Op::kLt || c->op == Op::kGt || c->op == Op::kLe || c->op == Op::kGe;
    if (relational && c->value.kind != Literal::Kind::kNumber) {
      return Fail("<, >, <= and >= compare numbers only", value_at);
    }
    return true;
  }

  bool OperatorAt(Op* op) {
    SkipSpace();
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"!=", Op::kNe}, {"<=", Op::kLe}, {">=", Op::kGe}, {"=", Op::kEq}, {"<", Op::kLt}, {">", Op::kGt}};
    for (const auto& [token, value] : kOps) {
      if (s_.substr(pos_, token.size()) == token) {
        pos_ += token.size();
        *op = value;
        return true;
      }
    }
    return false;
  }

  // ---- JSON patterns -------------------------------------------------------

  bool Condition(Expr* e, Ast* ast) {
    Selector sel;
    const size_t at = (SkipSpace(), pos_);
    if (!SelectorAt(&sel)) return false;
    if (HasWildcard(sel) && ++wildcard_selectors_ > kMaxWildcardSelectors) {
      return Fail(fmt::format("at most {} wildcard selectors per pattern", kMaxWildcardSelectors), at);
    }
    e->kind = Expr::Kind::kCondition;
    e->condition.selector = Intern(ast, std::move(sel));
    const size_t op_at = (SkipSpace(), pos_);
    if (AcceptKeyword("IS")) {
      if (AcceptKeyword("NULL")) {
        e->condition.op = Op::kIsNull;
      } else if (AcceptKeyword("TRUE")) {
        e->condition.op = Op::kIsTrue;
      } else if (AcceptKeyword("FALSE")) {
        e->condition.op = Op::kIsFalse;
      } else {
        return Fail("expected NULL, TRUE or FALSE after IS (IS NOT is not supported)", (SkipSpace(), pos_));
      }
      return true;
    }
    if (AcceptKeyword("NOT")) {
      if (!AcceptKeyword("EXISTS")) return Fail("expected EXISTS after NOT", (SkipSpace(), pos_));
      e->condition.op = Op::kNotExists;
      return true;
    }
    if (!OperatorAt(&e->condition.op)) {
      return Fail(fmt::format("expected a comparison (=, !=, <, >, <=, >=, IS, NOT EXISTS) after {}",
                              ast->selectors[e->condition.selector].text),
                  op_at);
    }
    return ComparedValue(&e->condition, "(){}&|");
  }

  bool Unary(Expr* e, Ast* ast, int depth) {
    if (depth > 100) return Fail("parentheses nested too deeply", pos_);
    if (Accept("(")) {
      const size_t open = pos_ - 1;
      if (!Or(e, ast, depth + 1)) return false;
      if (!Accept(")")) return Fail("expected ')' to close the '(' here", open);
      return true;
    }
    return Condition(e, ast);
  }

  bool And(Expr* e, Ast* ast, int depth) {
    if (!Unary(e, ast, depth)) return false;
    while (Accept("&&")) {
      Expr rhs;
      if (!Unary(&rhs, ast, depth)) return false;
      Combine(e, std::move(rhs), Expr::Kind::kAnd);
    }
    return true;
  }

  bool Or(Expr* e, Ast* ast, int depth) {
    if (!And(e, ast, depth)) return false;
    while (Accept("||")) {
      Expr rhs;
      if (!And(&rhs, ast, depth)) return false;
      Combine(e, std::move(rhs), Expr::Kind::kOr);
    }
    return true;
  }

  bool Json(Ast* ast) {
    ast->kind = Ast::Kind::kJson;
    Accept("{");
    if (Peek("}")) return Fail("empty JSON pattern: expected a condition such as $.eventName = X", pos_);
    if (!Or(&ast->root, ast, 0)) return false;
    if (!Accept("}")) {
      if (Peek("&") || Peek("|")) return Fail("expected && or ||", pos_);
      return Fail("expected '&&', '||' or the closing '}'", (SkipSpace(), pos_));
    }
    if (!AtEnd()) return Fail("unexpected text after the closing '}'", pos_);
    return true;
  }

  // ---- space-delimited patterns --------------------------------------------

  bool SpaceDelimited(Ast* ast) {
    ast->kind = Ast::Kind::kSpaceDelimited;
    Accept("[");
    bool ellipsis_seen = false;
    for (;;) {
      Field field;
      SkipSpace();
      const size_t at = pos_;
      if (Accept("...")) {
        if (ellipsis_seen) return Fail("at most one '...' per pattern", at);
        ellipsis_seen = true;
        field.ellipsis = true;
      } else {
        while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
        if (pos_ == at) return Fail("expected a field name or '...'", at);
        field.name = std::string(s_.substr(at, pos_ - at));
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ']') {
          if (!FieldConditions(&field)) return false;
          field.has_condition = true;
        }
      }
      ast->fields.push_back(std::move(field));
      if (Accept(",")) continue;
      if (Accept("]")) break;
      return Fail("expected ',' or the closing ']'", (SkipSpace(), pos_));
    }
    if (!AtEnd()) return Fail("unexpected text after the closing ']'", pos_);
    return true;
  }

  // `name OP value [(&& | ||) name OP value ...]`, all on the same field.
  bool FieldConditions(Field* field) {
    auto one = [&](Expr* e, bool first) {
      SkipSpace();
      if (!first) {
        const size_t at = pos_;
        while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
        if (s_.substr(at, pos_ - at) != field->name) {
          return Fail(fmt::format("a condition here must be on the same field '{}'", field->name), at);
        }
      }
      e->kind = Expr::Kind::kCondition;
      if (!OperatorAt(&e->condition.op)) return Fail("expected a comparison (=, !=, <, >, <=, >=)", pos_);
      return ComparedValue(&e->condition, ",]&|");
    };
    Expr* root = &field->condition;
    if (!one(root, true)) return false;
    for (;;) {
      Expr::Kind kind;
      if (Accept("&&")) {
        kind = Expr::Kind::kAnd;
      } else if (Accept("||")) {
        kind = Expr::Kind::kOr;
      } else {
        return true;
      }
      Expr rhs;
      if (!one(&rhs, false)) return false;
      Combine(root, std::move(rhs), kind);
    }
  }

  // ---- term patterns -------------------------------------------------------

  bool Terms(Ast* ast) {
    ast->kind = Ast::Kind::kTerms;
    while (!AtEnd()) {
      const size_t at = pos_;
      char prefix = 0;
      if (s_[pos_] == '?' || s_[pos_] == '-') prefix = s_[pos_++];
      std::string term;
      if (pos_ < s_.size() && s_[pos_] == '"') {
        if (!Quoted(&term)) return false;
      } else {
        const size_t start = pos_;
        while (pos_ < s_.size() && !IsSpace(s_[pos_])) ++pos_;
        term = std::string(s_.substr(start, pos_ - start));
      }
      if (term.find_first_not_of(" \t") == std::string::npos) {
        if (prefix == 0) continue;  // "" and " " require nothing: match-all (spec 1)
        return Fail(fmt::format("'{}' must be followed by a term", prefix), at);
      }
      (prefix == '?' ? ast->optional : prefix == '-' ? ast->excluded : ast->required)
          .push_back(std::move(term));
    }
    if (ast->required.empty() && ast->optional.empty() && ast->excluded.empty()) {
      ast->kind = Ast::Kind::kMatchAll;
    }
    return true;
  }

  bool Any(Ast* ast) {
    if (s_.size() > kMaxPatternLength) {
      return Fail(fmt::format("pattern is {} characters long; CloudWatch allows at most {}", s_.size(),
                              kMaxPatternLength),
                  kMaxPatternLength);
    }
    SkipSpace();
    if (pos_ >= s_.size()) {
      ast->kind = Ast::Kind::kMatchAll;  // "" and " " match everything (spec 1)
      return true;
    }
    size_t last = s_.size();
    while (last > pos_ && IsSpace(s_[last - 1])) --last;
    const char first = s_[pos_];
    if (first == '{') {
      if (s_[last - 1] != '}') return Fail("a pattern that starts with '{' must end with '}'", last);
      return Json(ast);
    }
    if (first == '[') {
      if (s_[last - 1] != ']') return Fail("a pattern that starts with '[' must end with ']'", last);
      return SpaceDelimited(ast);
    }
    if (first == '%' && last - pos_ >= 2 && s_[last - 1] == '%' &&
        s_.substr(pos_ + 1, last - pos_ - 2).find('%') == std::string_view::npos) {
      ast->kind = Ast::Kind::kRegex;
      Literal lit;
      if (!RegexAt(&lit)) return false;
      ast->regex = lit.regex;
      return true;
    }
    return Terms(ast);
  }

  bool SelectorOnly(Selector* sel) {
    if (!SelectorAt(sel)) return false;
    if (!AtEnd()) return Fail("unexpected text after the selector", pos_);
    return true;
  }

 private:
  static bool HasWildcard(const Selector& sel) {
    for (const Step& s : sel.steps) {
      if (s.kind == Step::Kind::kAnyIndex || s.kind == Step::Kind::kAnyMember) return true;
    }
    return false;
  }
  static uint32_t Intern(Ast* ast, Selector sel) {
    for (size_t i = 0; i < ast->selectors.size(); ++i) {
      if (ast->selectors[i] == sel) return static_cast<uint32_t>(i);
    }
    ast->selectors.push_back(std::move(sel));
    return static_cast<uint32_t>(ast->selectors.size() - 1);
  }
  // Appends rhs to e as an AND/OR, flattening chains of the same operator.
  static void Combine(Expr* e, Expr rhs, Expr::Kind kind) {
    if (e->kind != kind) {
      Expr lhs = std::move(*e);
      *e = Expr();
      e->kind = kind;
      e->children.push_back(std::move(lhs));
    }
    e->children.push_back(std::move(rhs));
  }

  std::string_view s_;
  PatternError* error_;
  size_t pos_ = 0;
  bool failed_ = false;
  size_t regexes_ = 0;
  size_t wildcard_selectors_ = 0;
};

}  // namespace

bool Parse(std::string_view text, Ast* ast, PatternError* error) {
  return Parser(text, error).Any(ast);
}

bool ParseSelector(std::string_view text, Selector* selector, PatternError* error) {
  return Parser(text, error).SelectorOnly(selector);
}

}  // namespace trailwatch::pattern
