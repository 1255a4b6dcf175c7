// condition: a detection's `condition` into an expression over its search
// identifiers: or < and < not < `1 of`/`all of` < parentheses, identifier
// patterns with `*`, `them`; and the old `| count(...) by ... > n` suffix.
#include <charconv>

#include "pattern/sigma_match.h"
#include "sigma/internal.h"

namespace trailwatch::sigma::internal {
namespace {

using pattern::Expr;

constexpr size_t kMaxDepth = 64;
// Expression nodes one condition may build: each reference copies its
// identifier's tree, so `s and s and s ...` over a large `s` is bounded here.
constexpr size_t kMaxNodes = 1'000'000;

size_t Size(const Expr& e) {
  size_t n = 1;
  for (const Expr& c : e.children) n += Size(c);
  return n;
}

struct Token {
  enum class Kind : uint8_t { kWord, kOpen, kClose, kEnd } kind = Kind::kEnd;
  std::string_view text;
  size_t offset = 0;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = pattern::FoldAscii(c);
  return out;
}

bool NameMatches(std::string_view pattern, std::string_view name) {
  // `*` matches any run of characters; no other wildcard.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

class ConditionParser {
 public:
  ConditionParser(std::string_view text,
                  const std::vector<std::pair<std::string, Expr>>& searches)
      : text_(text), searches_(searches) {
    Tokenize();
  }

  std::optional<ConditionError> Parse(Expr* out) {
    if (auto err = Or(out, 0)) return err;
    if (Peek().kind != Token::Kind::kEnd) return Fail("unexpected '" + std::string(Peek().text) + "'");
    return std::nullopt;
  }

 private:
  void Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::Kind::kOpen : Token::Kind::kClose, text_.substr(i, 1), i});
        ++i;
      } else {
        const size_t begin = i;
        while (i < text_.size() && text_[i] != ' ' && text_[i] != '\t' && text_[i] != '\n' &&
               text_[i] != '\r' && text_[i] != '(' && text_[i] != ')') {
          ++i;
        }
        tokens_.push_back({Token::Kind::kWord, text_.substr(begin, i - begin), begin});
      }
    }
    tokens_.push_back({Token::Kind::kEnd, "", text_.size()});
  }

  const Token& Peek() const { return tokens_[pos_]; }
  bool PeekWord(std::string_view word) const {
    return Peek().kind == Token::Kind::kWord && Lower(Peek().text) == word;
  }
  ConditionError Fail(std::string message) const { return {std::move(message), Peek().offset, false}; }

  std::optional<ConditionError> Or(Expr* out, size_t depth) {
    std::vector<Expr> parts(1);
    if (auto err = And(&parts[0], depth)) return err;
    while (PeekWord("or")) {
      ++pos_;
      parts.emplace_back();
      if (auto err = And(&parts.back(), depth)) return err;
    }
    *out = Join(Expr::Kind::kOr, std::move(parts));
    return std::nullopt;
  }

  std::optional<ConditionError> And(Expr* out, size_t depth) {
    std::vector<Expr> parts(1);
    if (auto err = Not(&parts[0], depth)) return err;
    while (PeekWord("and")) {
      ++pos_;
      parts.emplace_back();
      if (auto err = Not(&parts.back(), depth)) return err;
    }
    *out = Join(Expr::Kind::kAnd, std::move(parts));
    return std::nullopt;
  }

  std::optional<ConditionError> Not(Expr* out, size_t depth) {
    if (depth > kMaxDepth) return Fail("condition nested too deeply");
    if (!PeekWord("not")) return Primary(out, depth);
    ++pos_;
    Expr inner;
    if (auto err = Not(&inner, depth + 1)) return err;
    out->kind = Expr::Kind::kNot;
    out->children.clear();
    out->children.push_back(std::move(inner));
    return std::nullopt;
  }

  std::optional<ConditionError> Primary(Expr* out, size_t depth) {
    const Token t = Peek();
    if (t.kind == Token::Kind::kOpen) {
      ++pos_;
      if (auto err = Or(out, depth + 1)) return err;
      if (Peek().kind != Token::Kind::kClose) return Fail("expected ')'");
      ++pos_;
      return std::nullopt;
    }
    if (t.kind != Token::Kind::kWord) {
      return Fail(t.kind == Token::Kind::kEnd ? "the condition ends too early"
                                              : "unexpected '" + std::string(t.text) + "'");
    }
    const std::string word = Lower(t.text);
    if (word == "and" || word == "or" || word == "of" || word == "them") {
      return Fail("unexpected '" + std::string(t.text) + "'");
    }
    if (word == "1" || word == "all" || word == "any") {
      if (pos_ + 1 < tokens_.size() && tokens_[pos_ + 1].kind == Token::Kind::kWord &&
          Lower(tokens_[pos_ + 1].text) == "of") {
        return Quantifier(word == "all", out);
      }
    }
    ++pos_;
    for (const auto& [name, expr] : searches_) {
      if (name == t.text) {
        if (!Charge(expr)) return ConditionError{"the condition makes the detection too large", t.offset, false};
        *out = expr;
        return std::nullopt;
      }
    }
    return ConditionError{"no search identifier '" + std::string(t.text) + "'", t.offset, false};
  }

  // `1 of x*`, `all of them`: the named identifiers, OR'ed or AND'ed.
  std::optional<ConditionError> Quantifier(bool all, Expr* out) {
    pos_ += 2;
    const Token t = Peek();
    if (t.kind != Token::Kind::kWord) return Fail("expected a search identifier or 'them' after 'of'");
    ++pos_;
    const bool them = Lower(t.text) == "them";
    std::vector<Expr> chosen;
    for (const auto& [name, expr] : searches_) {
      // `them` leaves out identifiers starting with '_' (spec "Condition").
      if (them ? name.empty() || name[0] != '_' : NameMatches(t.text, name)) {
        if (!Charge(expr)) return ConditionError{"the condition makes the detection too large", t.offset, false};
        chosen.push_back(expr);
      }
    }
    if (chosen.empty()) {
      return ConditionError{"'" + std::string(t.text) + "' names no search identifier", t.offset, false};
    }
    *out = Join(all ? Expr::Kind::kAnd : Expr::Kind::kOr, std::move(chosen));
    return std::nullopt;
  }

  bool Charge(const Expr& e) {
    const size_t n = Size(e);
    if (n > nodes_left_) return false;
    nodes_left_ -= n;
    return true;
  }

  static Expr Join(Expr::Kind kind, std::vector<Expr> children) {
    if (children.size() == 1) return std::move(children[0]);
    Expr e;
    e.kind = kind;
    e.children = std::move(children);
    return e;
  }

  std::string_view text_;
  const std::vector<std::pair<std::string, Expr>>& searches_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t nodes_left_ = kMaxNodes;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `count([field]) [by a[, b]] op n`, offsets relative to `text`.
std::optional<ConditionError> ParseAggregation(std::string_view text, size_t base, Aggregation* out) {
  auto fail = [&](std::string m, size_t at) { return ConditionError{std::move(m), base + at, false}; };
  std::string_view rest = Trim(text);
  const size_t lead = static_cast<size_t>(rest.data() - text.data());
  if (Lower(rest.substr(0, 4)) == "near") {
    return ConditionError{"the 'near' aggregation is not supported", base + lead, true};
  }
  if (Lower(rest.substr(0, 6)) != "count(") {
    return fail("expected count(...) after '|'", lead);
  }
  const size_t close = rest.find(')');
  if (close == std::string_view::npos) return fail("count( without ')'", lead);
  out->count_field = std::string(Trim(rest.substr(6, close - 6)));
  if (!out->count_field.empty() && !ValidField(out->count_field)) {
    return fail("invalid field in count()", lead + 6);
  }
  rest = Trim(rest.substr(close + 1));
  if (Lower(rest.substr(0, 3)) == "by ") {
    rest = Trim(rest.substr(3));
    const size_t op = rest.find_first_of("<>=!");
    if (op == std::string_view::npos) return fail("expected a comparison after 'by'", text.size());
    std::string_view fields = rest.substr(0, op);
    while (!fields.empty()) {
      const size_t comma = fields.find(',');
      const std::string f(Trim(fields.substr(0, comma)));
      if (!ValidField(f)) return fail("invalid group-by field '" + f + "'", lead);
      out->group_by.push_back(f);
      if (comma == std::string_view::npos) break;
      fields = fields.substr(comma + 1);
    }
    rest = rest.substr(op);
  }
  using Op = Correlation::Bound::Op;
  struct {
    std::string_view text;
    Op op;
  } const kOps[] = {{">=", Op::kGte}, {"<=", Op::kLte}, {"==", Op::kEq}, {"!=", Op::kNeq},
                    {">", Op::kGt},   {"<", Op::kLt},   {"=", Op::kEq}};
  bool found = false;
  for (const auto& o : kOps) {
    if (rest.substr(0, o.text.size()) == o.text) {
      out->bound.op = o.op;
      rest = Trim(rest.substr(o.text.size()));
      found = true;
      break;
    }
  }
  if (!found) return fail("expected >, >=, <, <=, == or != and a number", text.size() - rest.size());
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || end != rest.data() + rest.size()) {
    return fail("expected a whole number", text.size() - rest.size());
  }
  out->bound.value = static_cast<double>(n);
  return std::nullopt;
}

}  // namespace

std::optional<ConditionError> ParseCondition(
    std::string_view text, const std::vector<std::pair<std::string, Expr>>& searches, Expr* out,
    std::optional<Aggregation>* aggregation) {
  const size_t bar = text.find('|');
  if (bar != std::string_view::npos) {
    if (aggregation == nullptr) return ConditionError{"unexpected '|'", bar, false};
    Aggregation agg;
    if (auto err = ParseAggregation(text.substr(bar + 1), bar + 1, &agg)) return err;
    *aggregation = std::move(agg);
    text = text.substr(0, bar);
  }
  ConditionParser parser(text, searches);
  return parser.Parse(out);
}

}  // namespace trailwatch::sigma::internal
