// match: condition semantics and text patterns. Where the spec says
// UNCONFIRMED, the recommended default of its section 10 is used; each such
// choice is marked "spec 10" below.
#include "pattern/match.h"

#include <cstdlib>

namespace trailwatch::pattern {
namespace {

bool WildcardMatches(const Literal& lit, std::string_view s) {
  switch (lit.wildcard) {
    case Literal::Wildcard::kNone: return s == lit.core;
    case Literal::Wildcard::kAny: return true;
    case Literal::Wildcard::kPrefix: return s.substr(0, lit.core.size()) == lit.core;  // `*` matches zero chars too (spec 10)
    case Literal::Wildcard::kSuffix:
      return s.size() >= lit.core.size() && s.substr(s.size() - lit.core.size()) == lit.core;
    case Literal::Wildcard::kContains: return s.find(lit.core) != std::string_view::npos;  // `*x*` (spec 10)
  }
  return false;
}

bool IsScalar(const JsonValue& v) {
  return v.kind == JsonValue::Kind::kString || v.kind == JsonValue::Kind::kNumber ||
         v.kind == JsonValue::Kind::kTrue || v.kind == JsonValue::Kind::kFalse;
}

}  // namespace

bool LiteralEquals(const Literal& lit, const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::kString:
      if (lit.kind == Literal::Kind::kRegex) return lit.regex->Search(v.text);
      // A number literal against a string compares the text: 400 = "400" (spec 10).
      return WildcardMatches(lit, v.text);
    case JsonValue::Kind::kNumber:
      if (lit.kind == Literal::Kind::kRegex) return lit.regex->Search(v.text);
      if (lit.kind == Literal::Kind::kNumber) return v.number == lit.number;  // 1e3 = 1000 (spec 2.6)
      return WildcardMatches(lit, v.text);  // "400" = 400 by text; `*` any number (spec 2.6)
    case JsonValue::Kind::kTrue:
    case JsonValue::Kind::kFalse:
      // true/false literals compare as booleans (spec 10); quoting does not
      // change a value (spec 2.4); `*` means "has a value".
      if (lit.kind == Literal::Kind::kRegex) return false;
      return WildcardMatches(lit, v.text);
    case JsonValue::Kind::kNull:    // spec 10: every comparison with null is false
    case JsonValue::Kind::kObject:  // spec 2.3: arrays and objects never satisfy a comparison
    case JsonValue::Kind::kArray:
      return false;
  }
  return false;
}

bool EvalCondition(const Condition& c, std::span<const JsonValue> values) {
  switch (c.op) {
    case Op::kNotExists:
      return values.empty();  // an existing null is not "not existing" (spec 2.3)
    case Op::kIsNull:
      for (const JsonValue& v : values) {
        if (v.kind == JsonValue::Kind::kNull) return true;
      }
      return false;
    case Op::kIsTrue:
    case Op::kIsFalse: {
      const auto want = c.op == Op::kIsTrue ? JsonValue::Kind::kTrue : JsonValue::Kind::kFalse;
      for (const JsonValue& v : values) {  // JSON booleans only, not "true" strings (spec 10)
        if (v.kind == want) return true;
      }
      return false;
    }
    case Op::kEq:
      for (const JsonValue& v : values) {
        if (LiteralEquals(c.value, v)) return true;
      }
      return false;
    case Op::kNe:
      // False when absent, null, object or array; with a wildcard selector,
      // true if some selected value differs (spec 10).
      for (const JsonValue& v : values) {
        if (IsScalar(v) && !LiteralEquals(c.value, v)) return true;
      }
      return false;
    case Op::kLt:
    case Op::kGt:
    case Op::kLe:
    case Op::kGe:
      for (const JsonValue& v : values) {
        if (v.kind != JsonValue::Kind::kNumber) continue;  // strings: false (spec 10)
        const double x = v.number, y = c.value.number;
        if ((c.op == Op::kLt && x < y) || (c.op == Op::kGt && x > y) ||
            (c.op == Op::kLe && x <= y) || (c.op == Op::kGe && x >= y)) {
          return true;
        }
      }
      return false;
    case Op::kSigma:  // Sigma tests are evaluated by EvalSigma (pattern/sigma_match.h)
      return false;
  }
  return false;
}

bool MatchTerms(const Ast& ast, std::string_view text) {
  for (const std::string& t : ast.excluded) {
    if (text.find(t) != std::string_view::npos) return false;
  }
  if (!ast.required.empty()) {  // `?` terms mixed with plain ones are ignored (spec 4)
    for (const std::string& t : ast.required) {
      if (text.find(t) == std::string_view::npos) return false;
    }
    return true;
  }
  if (!ast.optional.empty()) {
    for (const std::string& t : ast.optional) {
      if (text.find(t) != std::string_view::npos) return true;
    }
    return false;
  }
  return true;  // exclusions only: everything without them (spec 10)
}

namespace {

// Splits a line into fields on spaces; "..." and [...] are one field each,
// without their quotes or brackets (spec 5). Each field also keeps where it
// starts, so the last named field can take the rest of the line.
struct MessageField {
  std::string_view value;
  size_t begin;
};

std::vector<MessageField> SplitFields(std::string_view text) {
  std::vector<MessageField> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    const size_t begin = i;
    const char open = text[i];
    if (open == '"' || open == '[') {
      const char close = open == '"' ? '"' : ']';
      const size_t end = text.find(close, i + 1);
      if (end != std::string_view::npos) {
        fields.push_back({text.substr(i + 1, end - i - 1), begin});
        i = end + 1;
        continue;
      }
    }
    while (i < text.size() && text[i] != ' ') ++i;
    fields.push_back({text.substr(begin, i - begin), begin});
  }
  return fields;
}

JsonValue FieldValue(std::string_view s) {
  JsonValue v;
  v.text = s;
  char* end = nullptr;
  const std::string copy(s);
  const double d = copy.empty() ? 0 : std::strtod(copy.c_str(), &end);
  if (!copy.empty() && end == copy.c_str() + copy.size()) {
    v.kind = JsonValue::Kind::kNumber;
    v.number = d;
  } else {
    v.kind = JsonValue::Kind::kString;
  }
  return v;
}

bool FieldMatches(const Field& field, std::string_view value) {
  if (!field.has_condition) return true;
  const JsonValue v = FieldValue(value);
  return EvalExpr(field.condition, [&](uint32_t) { return std::span<const JsonValue>(&v, 1); });
}

}  // namespace

bool MatchSpaceDelimited(const Ast& ast, std::string_view text,
                         std::vector<std::pair<std::string, std::string>>* extracted) {
  const std::vector<MessageField> msg = SplitFields(text);
  size_t ellipsis = ast.fields.size();
  for (size_t i = 0; i < ast.fields.size(); ++i) {
    if (ast.fields[i].ellipsis) ellipsis = i;
  }
  const size_t named = ast.fields.size() - (ellipsis < ast.fields.size() ? 1 : 0);
  if (msg.size() < named) return false;
  std::vector<std::pair<std::string, std::string>> found;
  auto take = [&](const Field& f, std::string_view value) {
    if (!FieldMatches(f, value)) return false;
    found.emplace_back("$" + f.name, std::string(value));
    return true;
  };
  if (ellipsis == ast.fields.size()) {
    // No ellipsis: fields in order; the last named field takes the rest of the
    // line when there are more words than fields (spec 10).
    for (size_t i = 0; i + 1 < named; ++i) {
      if (!take(ast.fields[i], msg[i].value)) return false;
    }
    std::string_view last = msg[named - 1].value;
    if (msg.size() > named) last = text.substr(msg[named - 1].begin);
    if (!take(ast.fields[named - 1], last)) return false;
  } else {
    for (size_t i = 0; i < ellipsis; ++i) {
      if (!take(ast.fields[i], msg[i].value)) return false;
    }
    const size_t after = ast.fields.size() - ellipsis - 1;
    for (size_t k = 0; k < after; ++k) {
      if (!take(ast.fields[ellipsis + 1 + k], msg[msg.size() - after + k].value)) return false;
    }
  }
  if (extracted != nullptr) *extracted = std::move(found);
  return true;
}

bool MatchText(const Ast& ast, std::string_view text) {
  switch (ast.kind) {
    case Ast::Kind::kMatchAll: return true;
    case Ast::Kind::kTerms: return MatchTerms(ast, text);
    case Ast::Kind::kRegex: return ast.regex->Search(text);
    case Ast::Kind::kSpaceDelimited: return MatchSpaceDelimited(ast, text, nullptr);
    case Ast::Kind::kJson:
    case Ast::Kind::kSigma: return false;
  }
  return false;
}

}  // namespace trailwatch::pattern
