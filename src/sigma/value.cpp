// value: one detection item `field|modifiers: value(s)` compiled into Sigma
// value tests: wildcard and escape parsing, the transformation modifiers
// (contains, startswith, endswith, windash, base64, base64offset, utf16*)
// applied in the order written, then the type modifiers (re, cidr, exists,
// lt/lte/gt/gte, fieldref) and the logic ones (all, neq, cased).
#include <cmath>
#include <cstdlib>
#include <memory>

#include "pattern/sigma_match.h"
#include "sigma/internal.h"

namespace trailwatch::sigma::internal {
namespace {

using pattern::Expr;
using pattern::SigmaTest;

// A Sigma string: literal text and wildcards.
struct Piece {
  enum class Kind : uint8_t { kText, kStar, kOne, kDash } kind = Kind::kText;
  std::string text;
};
using SigmaString = std::vector<Piece>;

void Append(SigmaString& s, Piece::Kind kind, char c = 0) {
  if (kind == Piece::Kind::kText) {
    if (s.empty() || s.back().kind != Piece::Kind::kText) s.push_back({Piece::Kind::kText, ""});
    s.back().text += c;
    return;
  }
  if (kind == Piece::Kind::kStar && !s.empty() && s.back().kind == Piece::Kind::kStar) return;
  s.push_back({kind, ""});
}

// `\*`, `\?` and `\\` are the literal characters; a backslash before anything
// else is itself (spec "Escape Character").
SigmaString ParseWildcards(std::string_view v) {
  SigmaString s;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) {
      Append(s, Piece::Kind::kText, v[++i]);
    } else if (c == '*') {
      Append(s, Piece::Kind::kStar);
    } else if (c == '?') {
      Append(s, Piece::Kind::kOne);
    } else {
      Append(s, Piece::Kind::kText, c);
    }
  }
  return s;
}

SigmaString Literal(std::string_view v) {
  SigmaString s;
  if (!v.empty()) s.push_back({Piece::Kind::kText, std::string(v)});
  return s;
}

bool IsPlainText(const SigmaString& s) {
  for (const Piece& p : s) {
    if (p.kind != Piece::Kind::kText) return false;
  }
  return true;
}

std::string Joined(const SigmaString& s) {
  std::string out;
  for (const Piece& p : s) out += p.text;
  return out;
}

bool IsWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// pySigma's windash: a `-` or `/` that starts a word (after a non-word
// character or the start, before a word character) may be any dash or slash.
SigmaString Windash(const SigmaString& in) {
  SigmaString out;
  for (size_t k = 0; k < in.size(); ++k) {
    const Piece& p = in[k];
    if (p.kind != Piece::Kind::kText) {
      out.push_back(p);
      continue;
    }
    for (size_t i = 0; i < p.text.size(); ++i) {
      const char c = p.text[i];
      const char prev = i > 0 ? p.text[i - 1] : ' ';
      const char next = i + 1 < p.text.size() ? p.text[i + 1] : ' ';
      if ((c == '-' || c == '/') && !IsWord(prev) && IsWord(next)) {
        Append(out, Piece::Kind::kDash);
      } else {
        Append(out, Piece::Kind::kText, c);
      }
    }
  }
  return out;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8) |
                       uint32_t{static_cast<uint8_t>(in[i + 2])};
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    if (i + 1 < in.size()) n |= uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The three forms of `v` inside base64 text at offsets 0, 1, 2 (pySigma's
// base64offset): the characters that depend only on `v`.
std::vector<std::string> Base64Offsets(std::string_view v) {
  static constexpr size_t kStart[] = {0, 2, 3};
  static constexpr size_t kEndTrim[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string encoded = Base64(std::string(i, ' ') + std::string(v));
    const size_t trim = kEndTrim[(v.size() + i) % 3];
    if (encoded.size() < kStart[i] + trim) continue;
    out.push_back(encoded.substr(kStart[i], encoded.size() - kStart[i] - trim));
  }
  return out;
}

// UTF-8 -> UTF-16 code units as bytes; false on invalid UTF-8.
bool Utf16(std::string_view in, bool big_endian, std::string* out) {
  auto unit = [&](uint32_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    *out += big_endian ? hi : lo;
    *out += big_endian ? lo : hi;
  };
  for (size_t i = 0; i < in.size();) {
    const auto c = static_cast<uint8_t>(in[i]);
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > in.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<uint8_t>(in[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
    i += n;
  }
  return true;
}

enum class TypeMod : uint8_t { kNone, kRe, kCidr, kExists, kCompare, kFieldRef };

// The modifiers of one item, checked, with the string transformations kept
// in order for each value.
struct Mods {
  std::vector<std::string> transforms;  // contains, startswith, endswith, windash, encodings
  bool all = false, cased = false, neq = false, encoded = false;
  TypeMod type = TypeMod::kNone;
  std::string re_flags;
  SigmaTest::Cmp cmp = SigmaTest::Cmp::kLt;
  SigmaTest::RefMode ref_mode = SigmaTest::RefMode::kEquals;
};

// Checks the modifier list. Returns an error message, or "" with `skip`
// set for valid modifiers that are not evaluated.
std::string ReadMods(const std::vector<std::string>& names, Mods* m, std::string* skip) {
  for (const std::string& raw : names) {
    std::string mod = raw;
    for (char& c : mod) c = pattern::FoldAscii(c);
    const bool after_type = m->type != TypeMod::kNone;
    if (mod == "i" || mod == "m" || mod == "s") {
      if (m->type != TypeMod::kRe) return "modifier '" + raw + "' needs 're' before it";
      if (m->re_flags.find(mod[0]) == std::string::npos) m->re_flags += mod;
      continue;
    }
    if (mod == "all") { m->all = true; continue; }
    if (mod == "cased") { m->cased = true; continue; }
    if (mod == "neq") { m->neq = true; continue; }
    if (mod == "contains" || mod == "startswith" || mod == "endswith") {
      if (m->type == TypeMod::kFieldRef && m->ref_mode == SigmaTest::RefMode::kEquals) {
        m->ref_mode = mod == "contains"     ? SigmaTest::RefMode::kContains
                      : mod == "startswith" ? SigmaTest::RefMode::kStartsWith
                                            : SigmaTest::RefMode::kEndsWith;
        continue;
      }
      if (after_type) return "modifier '" + raw + "' cannot follow a type modifier";
      m->transforms.push_back(mod);
      continue;
    }
    if (mod == "windash" || mod == "base64" || mod == "base64offset" || mod == "utf16le" ||
        mod == "utf16be" || mod == "utf16" || mod == "wide") {
      if (after_type) return "modifier '" + raw + "' cannot follow a type modifier";
      m->transforms.push_back(mod == "wide" ? "utf16le" : mod);
      if (mod != "windash") m->encoded = true;
      continue;
    }
    TypeMod type = TypeMod::kNone;
    if (mod == "re") type = TypeMod::kRe;
    if (mod == "cidr") type = TypeMod::kCidr;
    if (mod == "exists") type = TypeMod::kExists;
    if (mod == "fieldref") type = TypeMod::kFieldRef;
    if (mod == "lt" || mod == "lte" || mod == "gt" || mod == "gte") {
      type = TypeMod::kCompare;
      m->cmp = mod == "lt" ? SigmaTest::Cmp::kLt : mod == "lte" ? SigmaTest::Cmp::kLe
               : mod == "gt" ? SigmaTest::Cmp::kGt : SigmaTest::Cmp::kGe;
    }
    if (type != TypeMod::kNone) {
      if (after_type) return "modifier '" + raw + "' cannot be combined with another type modifier";
      if (!m->transforms.empty() && type != TypeMod::kFieldRef) {
        return "modifier '" + raw + "' cannot follow a string modifier";
      }
      m->type = type;
      continue;
    }
    if (mod == "expand") {
      *skip = "placeholder values (|expand) need a value list trailwatch does not have";
      return "";
    }
    if (mod == "minute" || mod == "hour" || mod == "day" || mod == "week" || mod == "month" ||
        mod == "year") {
      *skip = "time modifier '" + raw + "' is not supported";
      return "";
    }
    return "unknown modifier '" + raw + "'";
  }
  if (m->type == TypeMod::kFieldRef && !m->transforms.empty()) {
    return "'fieldref' takes no string modifier except contains, startswith, endswith after it";
  }
  return "";
}

// The transformations, in order, on one value: its alternatives (OR).
std::string Transform(const Mods& m, SigmaString value, std::vector<SigmaString>* out) {
  std::vector<SigmaString> alts{std::move(value)};
  for (const std::string& t : m.transforms) {
    std::vector<SigmaString> next;
    for (SigmaString& s : alts) {
      if (t == "contains" || t == "startswith" || t == "endswith") {
        if (t != "startswith" && (s.empty() || s.front().kind != Piece::Kind::kStar)) {
          s.insert(s.begin(), Piece{Piece::Kind::kStar, ""});
        }
        if (t != "endswith" && (s.empty() || s.back().kind != Piece::Kind::kStar)) {
          Append(s, Piece::Kind::kStar);
        }
        next.push_back(std::move(s));
      } else if (t == "windash") {
        next.push_back(Windash(s));
      } else {
        if (!IsPlainText(s)) return "modifier '" + t + "' needs a value without wildcards";
        const std::string text = Joined(s);
        if (t == "base64") {
          next.push_back(Literal(Base64(text)));
        } else if (t == "base64offset") {
          for (std::string& v : Base64Offsets(text)) next.push_back(Literal(v));
        } else {
          std::string bytes = t == "utf16" ? std::string("\xFF\xFE") : std::string();
          if (!Utf16(text, t == "utf16be", &bytes)) return "modifier '" + t + "' needs UTF-8 text";
          next.push_back(Literal(bytes));
        }
      }
    }
    alts = std::move(next);
  }
  *out = std::move(alts);
  return "";
}

Expr Leaf(uint32_t selector, SigmaTest test) {
  Expr e;
  e.condition.selector = selector;
  e.condition.op = pattern::Op::kSigma;
  e.condition.sigma = std::make_shared<const SigmaTest>(std::move(test));
  return e;
}

Expr Join(Expr::Kind kind, std::vector<Expr> children) {
  if (children.size() == 1) return std::move(children[0]);
  Expr e;
  e.kind = kind;
  e.children = std::move(children);
  return e;
}

std::optional<double> NumberText(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) return std::nullopt;
  const char c = copy[0];
  if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return std::nullopt;
  return d;
}

SigmaTest GlobTest(const SigmaString& s, SigmaTest::Kind kind, bool cased) {
  SigmaTest t;
  t.kind = kind;
  for (const Piece& p : s) {
    switch (p.kind) {
      case Piece::Kind::kText:
        for (char c : p.text) t.glob.AddByte(c);
        break;
      case Piece::Kind::kStar: t.glob.AddStar(); break;
      case Piece::Kind::kOne: t.glob.AddAnyChar(); break;
      case Piece::Kind::kDash: t.glob.AddDash(); break;
    }
  }
  t.glob.Finish(cased);
  return t;
}

// One value of the item as an expression (its alternatives OR'ed).
std::string ValueExpr(const FieldKey& key, const Mods& m, const YAML::Node& v, Builder& builder,
                      Expr* out) {
  const bool keyword = key.field.empty();
  const uint32_t sel = keyword ? 0 : builder.Selector(key.field);
  if (IsYamlNull(v)) {
    if (keyword) return "a keyword cannot be null";
    if (!m.transforms.empty() || m.type != TypeMod::kNone) return "null takes no modifier";
    SigmaTest t;
    t.kind = SigmaTest::Kind::kNull;
    *out = Leaf(sel, std::move(t));
    return "";
  }
  const std::optional<std::string> text = ScalarText(v);
  if (!text) return "a value must be a string, number, boolean or null";
  if (keyword && m.type != TypeMod::kNone) return "keywords take string modifiers only";
  SigmaTest t;
  switch (m.type) {
    case TypeMod::kRe: {
      std::string error;
      if (!t.SetRegex(*text, m.re_flags, &error)) return "invalid regular expression: " + error;
      *out = Leaf(sel, std::move(t));
      return "";
    }
    case TypeMod::kCidr: {
      const auto cidr = pattern::Cidr::Parse(*text);
      if (!cidr) return "invalid CIDR range '" + *text + "'";
      t.kind = SigmaTest::Kind::kCidr;
      t.cidr = *cidr;
      *out = Leaf(sel, std::move(t));
      return "";
    }
    case TypeMod::kExists: {
      std::string b = *text;
      for (char& c : b) c = pattern::FoldAscii(c);
      if (b != "true" && b != "false") return "'exists' takes true or false";
      t.kind = SigmaTest::Kind::kExists;
      t.exists = b == "true";
      *out = Leaf(sel, std::move(t));
      return "";
    }
    case TypeMod::kCompare: {
      const auto n = NumberText(*text);
      if (!n) return "a numeric modifier needs a number, not '" + *text + "'";
      t.kind = SigmaTest::Kind::kCompare;
      t.cmp = m.cmp;
      t.number = *n;
      *out = Leaf(sel, std::move(t));
      return "";
    }
    case TypeMod::kFieldRef:
      if (!ValidField(*text)) return "'fieldref' needs a field name, not '" + *text + "'";
      t.kind = SigmaTest::Kind::kFieldRef;
      t.other = builder.Selector(*text);
      t.ref_mode = m.ref_mode;
      t.cased = m.cased;
      *out = Leaf(sel, std::move(t));
      return "";
    case TypeMod::kNone: break;
  }
  std::vector<SigmaString> alts;
  SigmaString parsed = ParseWildcards(*text);
  if (keyword) {  // a keyword is found anywhere in the record's text
    if (parsed.empty() || parsed.front().kind != Piece::Kind::kStar) {
      parsed.insert(parsed.begin(), Piece{Piece::Kind::kStar, ""});
    }
    Append(parsed, Piece::Kind::kStar);
  }
  if (std::string error = Transform(m, std::move(parsed), &alts); !error.empty()) return error;
  std::vector<Expr> any;
  for (const SigmaString& s : alts) {
    SigmaTest g = GlobTest(s, keyword ? SigmaTest::Kind::kKeyword : SigmaTest::Kind::kString,
                           m.cased || m.encoded);
    if (!keyword && m.transforms.empty() && IsPlain(v)) {
      if (const auto n = NumberText(*text)) {  // a YAML number also equals JSON numbers numerically
        g.has_number = true;
        g.number = *n;
      }
    }
    any.push_back(Leaf(sel, std::move(g)));
  }
  *out = Join(Expr::Kind::kOr, std::move(any));
  return "";
}

}  // namespace

std::optional<ParseError> CompileFieldItem(const FieldKey& key, const YAML::Node& key_node,
                                           const YAML::Node& value, DocContext& ctx,
                                           Builder& builder, Expr* out, std::string* skip) {
  Mods m;
  if (std::string error = ReadMods(key.modifiers, &m, skip); !error.empty()) {
    return ctx.At(key_node, error);
  }
  if (!skip->empty()) return std::nullopt;
  std::vector<YAML::Node> values;
  if (value.IsSequence()) {
    for (const YAML::Node& v : value) {
      if (!ctx.Spend()) return ctx.At(value, "too many YAML nodes (aliases?)");
      values.push_back(v);
    }
    if (values.empty()) return ctx.At(value, "empty list of values");
  } else if (value.IsMap()) {
    return ctx.At(value, "a field's value must be a value or a list of values, not a map");
  } else {
    values.push_back(value);
  }
  if (m.type == TypeMod::kExists && values.size() != 1) {
    return ctx.At(value, "'exists' takes one value, true or false");
  }
  std::vector<Expr> each;
  for (const YAML::Node& v : values) {
    Expr e;
    if (std::string error = ValueExpr(key, m, v, builder, &e); !error.empty()) {
      return ctx.At(v, error);
    }
    if (m.neq) {  // `neq`: the value does not match (true when the field is absent)
      Expr n;
      n.kind = Expr::Kind::kNot;
      n.children.push_back(std::move(e));
      e = std::move(n);
    }
    each.push_back(std::move(e));
  }
  *out = Join(m.all ? Expr::Kind::kAnd : Expr::Kind::kOr, std::move(each));
  return std::nullopt;
}

}  // namespace trailwatch::sigma::internal
