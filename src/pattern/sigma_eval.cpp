// sigma_eval: what a Sigma value test means for the values at its field
// (docs/sigma.md): any value of the field may satisfy it; an array stands for
// its elements; an object is its compact JSON text; null is no text.
#include <re2/re2.h>

#include <cmath>
#include <cstdlib>

#include "pattern/sigma_match.h"

namespace trailwatch::pattern {
namespace {

// The text string tests see: strings and numbers as written, booleans as
// true/false, objects as compact JSON; null and arrays have none.
std::optional<std::string_view> TextOf(const JsonValue& v, SigmaInput& in) {
  switch (v.kind) {
    case JsonValue::Kind::kString:
    case JsonValue::Kind::kNumber:
    case JsonValue::Kind::kTrue:
    case JsonValue::Kind::kFalse: return v.text;
    case JsonValue::Kind::kObject: return in.ObjectText(v);
    case JsonValue::Kind::kNull:
    case JsonValue::Kind::kArray: return std::nullopt;
  }
  return std::nullopt;
}

// JSON numbers, and strings that are a whole decimal number ("42", "-1.5").
std::optional<double> NumberOf(const JsonValue& v) {
  if (v.kind == JsonValue::Kind::kNumber) return v.number;
  if (v.kind != JsonValue::Kind::kString || v.text.empty() || v.text.size() > 64) return std::nullopt;
  const char c = v.text[0];
  if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return std::nullopt;
  const std::string copy(v.text);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

bool Compare(SigmaTest::Cmp cmp, double x, double y) {
  switch (cmp) {
    case SigmaTest::Cmp::kLt: return x < y;
    case SigmaTest::Cmp::kLe: return x <= y;
    case SigmaTest::Cmp::kGt: return x > y;
    case SigmaTest::Cmp::kGe: return x >= y;
  }
  return false;
}

bool TestValue(const SigmaTest& t, const JsonValue& v, SigmaInput& in) {
  switch (t.kind) {
    case SigmaTest::Kind::kString: {
      if (t.has_number && v.kind == JsonValue::Kind::kNumber) return v.number == t.number;
      const auto text = TextOf(v, in);
      return text && t.glob.Match(*text);
    }
    case SigmaTest::Kind::kRegex: {
      const auto text = TextOf(v, in);
      return text && RE2::PartialMatch(*text, *t.regex);
    }
    case SigmaTest::Kind::kCidr:
      return v.kind == JsonValue::Kind::kString && t.cidr.Contains(v.text);
    case SigmaTest::Kind::kCompare: {
      const auto n = NumberOf(v);
      return n && Compare(t.cmp, *n, t.number);
    }
    default: return false;
  }
}

bool RefMatches(const SigmaTest& t, std::string_view a, std::string_view b) {
  auto eq = [&](std::string_view x, std::string_view y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (t.cased ? x[i] != y[i] : FoldAscii(x[i]) != FoldAscii(y[i])) return false;
    }
    return true;
  };
  switch (t.ref_mode) {
    case SigmaTest::RefMode::kEquals: return eq(a, b);
    case SigmaTest::RefMode::kStartsWith: return a.size() >= b.size() && eq(a.substr(0, b.size()), b);
    case SigmaTest::RefMode::kEndsWith:
      return a.size() >= b.size() && eq(a.substr(a.size() - b.size()), b);
    case SigmaTest::RefMode::kContains:
      if (b.size() > a.size()) return false;
      for (size_t i = 0; i + b.size() <= a.size(); ++i) {
        if (eq(a.substr(i, b.size()), b)) return true;
      }
      return false;
  }
  return false;
}

bool EvalTest(const Condition& c, SigmaInput& in) {
  const SigmaTest& t = *c.sigma;
  switch (t.kind) {
    case SigmaTest::Kind::kExists: return in.Values(c.selector).empty() != t.exists;
    case SigmaTest::Kind::kNull: {
      const auto values = in.Values(c.selector);
      if (values.empty()) return true;
      for (const JsonValue& v : values) {
        if (v.kind == JsonValue::Kind::kNull) return true;
      }
      return false;
    }
    case SigmaTest::Kind::kKeyword: {
      const auto text = in.RecordText();
      return text && t.glob.Match(*text);
    }
    case SigmaTest::Kind::kFieldRef: {
      const auto left = in.Values(c.selector);
      const auto right = in.Values(t.other);
      for (const JsonValue& a : left) {
        const auto ta = TextOf(a, in);
        if (!ta) continue;
        for (const JsonValue& b : right) {
          const auto tb = TextOf(b, in);
          if (tb && RefMatches(t, *ta, *tb)) return true;
        }
      }
      return false;
    }
    default:
      for (const JsonValue& v : in.Values(c.selector)) {
        if (TestValue(t, v, in)) return true;
      }
      return false;
  }
}

}  // namespace

bool EvalSigma(const Expr& e, SigmaInput& input) {
  switch (e.kind) {
    case Expr::Kind::kCondition: return e.condition.op == Op::kSigma && EvalTest(e.condition, input);
    case Expr::Kind::kAnd:
      for (const Expr& c : e.children) {
        if (!EvalSigma(c, input)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& c : e.children) {
        if (EvalSigma(c, input)) return true;
      }
      return false;
    case Expr::Kind::kNot: return !EvalSigma(e.children[0], input);
  }
  return false;
}

}  // namespace trailwatch::pattern
