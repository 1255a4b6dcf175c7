// hcl_functions_text: Terraform's string functions: join, split, format,
// formatlist, lower, upper, replace, trimspace, jsonencode and their
// neighbours, following Go's semantics where Terraform inherits them
// (split on "" gives the characters, format's verbs and flags).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "ruleset/hcl_functions.h"

namespace trailwatch::ruleset::tf::functions {
namespace {

using Args = std::vector<Value>;

size_t CharLength(std::string_view s, size_t k) {
  const auto b = static_cast<unsigned char>(s[k]);
  const size_t n = b < 0xC0 ? 1 : (b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4));
  return std::min(n, s.size() - k);
}

std::vector<std::string_view> Chars(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t k = 0; k < s.size();) {
    const size_t n = CharLength(s, k);
    out.push_back(s.substr(k, n));
    k += n;
  }
  return out;
}

// Go's %q: a double-quoted string with Go escapes.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (b < 0x20 || b == 0x7F) {
      out += fmt::format("\\x{:02x}", b);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct Verb {
  bool minus = false, plus = false, space = false, zero = false, sharp = false;
  int width = -1, precision = -1;
  char verb = 'v';
};

std::string Pad(std::string s, const Verb& v) {
  const size_t n = CountChars(s);
  if (v.width < 0 || n >= static_cast<size_t>(v.width)) return s;
  const std::string fill(static_cast<size_t>(v.width) - n, ' ');
  return v.minus ? s + fill : fill + s;
}

Result<std::string> FormatNumberVerb(const Value& arg, const Verb& v) {
  auto d = AsNumber(arg);
  if (!d.ok()) return d.error();
  std::string spec = "{:";
  if (v.minus) spec += '<';
  if (v.plus) spec += '+';
  if (v.space && !v.plus) spec += ' ';
  if (v.sharp) spec += '#';
  if (v.zero && !v.minus) spec += '0';
  if (v.width >= 0) spec += std::to_string(v.width);
  const bool integer = v.verb == 'd' || v.verb == 'b' || v.verb == 'o' || v.verb == 'x' || v.verb == 'X';
  if (integer) {
    const double x = d.value();
    if (x != std::floor(x) || std::fabs(x) > 9.0e15) return Status::InvalidArgument(fmt::format("%{} needs a whole number", v.verb));
    spec += v.verb == 'd' ? std::string("}") : std::string(1, v.verb) + "}";
    return fmt::format(fmt::runtime(spec), static_cast<int64_t>(x));
  }
  if (v.precision >= 0) spec += "." + std::to_string(v.precision);
  spec += std::string(1, v.verb) + "}";
  return fmt::format(fmt::runtime(spec), d.value());
}

Result<std::string> FormatOne(const Value& arg, const Verb& v) {
  if (arg.is_null()) return Status::InvalidArgument("a null value cannot be formatted");
  switch (v.verb) {
    case 'v':
      if (arg.is_collection()) return Pad(ToJson(arg), v);
      [[fallthrough]];
    case 's': {
      auto s = AsString(arg);
      if (!s.ok()) return s.error();
      std::string text = std::move(s).value();
      if (v.precision >= 0) {
        const std::vector<std::string_view> chars = Chars(text);
        if (chars.size() > static_cast<size_t>(v.precision)) {
          std::string cut;
          for (size_t k = 0; k < static_cast<size_t>(v.precision); ++k) cut += chars[k];
          text = std::move(cut);
        }
      }
      return Pad(std::move(text), v);
    }
    case 'q': {
      auto s = AsString(arg);
      if (!s.ok()) return s.error();
      return Pad(Quote(s.value()), v);
    }
    case 't': {
      auto b = AsBool(arg);
      if (!b.ok()) return b.error();
      return Pad(b.value() ? "true" : "false", v);
    }
    case 'd': case 'b': case 'o': case 'x': case 'X': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      return FormatNumberVerb(arg, v);
    default: return Status::InvalidArgument(fmt::format("unsupported verb %{}", v.verb));
  }
}

// Go's fmt.Sprintf, as Terraform's format() uses it: %% and verbs with
// flags (-+ 0#), width, precision and an explicit argument index %[n]v.
Result<std::string> Sprintf(std::string_view spec, const Args& args, size_t first) {
  std::string out;
  size_t next = first;
  for (size_t k = 0; k < spec.size(); ++k) {
    if (spec[k] != '%') {
      out += spec[k];
      continue;
    }
    if (++k >= spec.size()) return Status::InvalidArgument("the format ends with '%'");
    if (spec[k] == '%') {
      out += '%';
      continue;
    }
    Verb v;
    for (; k < spec.size() && std::string_view("-+ 0#").find(spec[k]) != std::string_view::npos; ++k) {
      v.minus |= spec[k] == '-', v.plus |= spec[k] == '+', v.space |= spec[k] == ' ';
      v.zero |= spec[k] == '0', v.sharp |= spec[k] == '#';
    }
    const auto number = [&](int* n) {
      for (*n = 0; k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k])) && *n <= 1000; ++k) {
        *n = *n * 10 + (spec[k] - '0');
      }
    };
    if (k < spec.size() && spec[k] == '[') {
      int index = 0;
      ++k;
      number(&index);
      if (k >= spec.size() || spec[k] != ']' || index < 1) return Status::InvalidArgument("bad argument index %[n]");
      ++k;
      next = first + static_cast<size_t>(index) - 1;
    }
    if (k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k]))) number(&v.width);
    if (k < spec.size() && spec[k] == '.') {
      ++k;
      number(&v.precision);
    }
    if (v.width > 1000 || v.precision > 1000) return Status::InvalidArgument("a width or precision over 1000");
    if (k >= spec.size()) return Status::InvalidArgument("the format ends inside a verb");
    v.verb = spec[k];
    if (next >= args.size()) return Status::InvalidArgument(fmt::format("not enough arguments for %{}", v.verb));
    auto s = FormatOne(args[next++], v);
    if (!s.ok()) return s.error();
    out += s.value();
    if (out.size() > kMaxString) return Status::InvalidArgument("the result is too long");
  }
  if (next < args.size()) return Status::InvalidArgument(fmt::format("{} arguments are not used by the format", args.size() - next));
  return out;
}

EvalResult Format(const Args& args, const Call& call) {
  auto spec = StringArg(args, 0, call);
  if (!spec.ok()) return spec.error();
  auto s = Sprintf(spec.value(), args, 1);
  if (!s.ok()) return call.Fail(Why(s.error()));
  return StringResult(std::move(s).value(), call);
}

EvalResult FormatList(const Args& args, const Call& call) {
  auto spec = StringArg(args, 0, call);
  if (!spec.ok()) return spec.error();
  size_t n = std::numeric_limits<size_t>::max();
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].kind() != Value::Kind::kList && args[i].kind() != Value::Kind::kSet) continue;
    if (n != std::numeric_limits<size_t>::max() && args[i].items().size() != n) {
      return call.Fail("the list arguments differ in length");
    }
    n = args[i].items().size();
  }
  if (n == std::numeric_limits<size_t>::max()) n = 1;
  if (!call.Charge(n * args.size())) return call.Fail("evaluation too large");
  Value::Items out;
  for (size_t k = 0; k < n; ++k) {
    Args row{args[0]};
    for (size_t i = 1; i < args.size(); ++i) {
      const bool list = args[i].kind() == Value::Kind::kList || args[i].kind() == Value::Kind::kSet;
      row.push_back(list ? args[i].items()[k] : args[i]);
    }
    auto s = Sprintf(spec.value(), row, 1);
    if (!s.ok()) return call.Fail(Why(s.error()));
    out.push_back(Value::String(std::move(s).value()));
  }
  return Value::List(std::move(out));
}

EvalResult Join(const Args& args, const Call& call) {
  auto sep = StringArg(args, 0, call);
  if (!sep.ok()) return sep.error();
  std::string out;
  bool first = true;
  for (size_t i = 1; i < args.size(); ++i) {
    auto items = ListArg(args, i, call);
    if (!items.ok()) return items.error();
    for (const Value& item : items.value()) {
      auto s = AsString(item);
      if (!s.ok()) return call.Fail("an item: " + Why(s.error()));
      if (!first) out += sep.value();
      first = false;
      out += s.value();
      if (out.size() > kMaxString) return call.Fail("the result is too long");
    }
  }
  return StringResult(std::move(out), call);
}

EvalResult Split(const Args& args, const Call& call) {
  auto sep = StringArg(args, 0, call);
  auto s = StringArg(args, 1, call);
  if (!sep.ok()) return sep.error();
  if (!s.ok()) return s.error();
  Value::Items out;
  if (sep.value().empty()) {
    for (std::string_view c : Chars(s.value())) out.push_back(Value::String(std::string(c)));
  } else {
    size_t start = 0;
    while (true) {
      const size_t at = s.value().find(sep.value(), start);
      out.push_back(Value::String(s.value().substr(start, at == std::string::npos ? std::string::npos : at - start)));
      if (at == std::string::npos) break;
      start = at + sep.value().size();
    }
  }
  if (!call.Charge(out.size())) return call.Fail("evaluation too large");
  return Value::List(std::move(out));
}

template <int (*F)(int)>
EvalResult MapChars(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call);
  if (!s.ok()) return s.error();
  std::string out = std::move(s).value();
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(F(static_cast<unsigned char>(c)));
  }
  return Value::String(std::move(out));
}

EvalResult Title(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call);
  if (!s.ok()) return s.error();
  std::string out = std::move(s).value();
  bool start = true;
  for (char& c : out) {
    const auto b = static_cast<unsigned char>(c);
    if (start && b < 0x80) c = static_cast<char>(std::toupper(b));
    start = b < 0x80 && !std::isalnum(b) && c != '_' && c != '\'';
  }
  return Value::String(std::move(out));
}

EvalResult Replace(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call), from = StringArg(args, 1, call), to = StringArg(args, 2, call);
  if (!s.ok()) return s.error();
  if (!from.ok()) return from.error();
  if (!to.ok()) return to.error();
  const std::string& f = from.value();
  if (f.size() >= 2 && f.front() == '/' && f.back() == '/') {
    return Value::Unknown("replace() with a regular expression (\"" + f +
                              "\") is not evaluated offline by trailwatch: replace a plain substring, or use "
                              "terraform show -json",
                          Evaluator::Origin(*call.ctx, call.pos), "replace(...)");
  }
  std::string out;
  if (f.empty()) {  // Go inserts the replacement around every character
    for (std::string_view c : Chars(s.value())) {
      out += to.value();
      out += c;
      if (out.size() > kMaxString) return call.Fail("the result is too long");
    }
    out += to.value();
    return StringResult(std::move(out), call);
  }
  size_t start = 0;
  while (true) {
    const size_t at = s.value().find(f, start);
    out.append(s.value(), start, at == std::string::npos ? std::string::npos : at - start);
    if (at == std::string::npos) break;
    out += to.value();
    start = at + f.size();
    if (out.size() > kMaxString) return call.Fail("the result is too long");
  }
  return StringResult(std::move(out), call);
}

bool IsSpaceAt(std::string_view s, size_t k, size_t* len) {
  const auto b = static_cast<unsigned char>(s[k]);
  *len = 1;
  if (b == ' ' || (b >= '\t' && b <= '\r')) return true;
  *len = 2;
  return s.substr(k, 2) == "\xC2\x85" || s.substr(k, 2) == "\xC2\xA0";
}

EvalResult TrimSpace(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call);
  if (!s.ok()) return s.error();
  std::string_view v = s.value();
  size_t len = 0;
  while (!v.empty() && IsSpaceAt(v, 0, &len)) v.remove_prefix(len);
  while (!v.empty()) {
    if (IsSpaceAt(v, v.size() - 1, &len) && len == 1) {
      v.remove_suffix(1);
    } else if (v.size() >= 2 && IsSpaceAt(v, v.size() - 2, &len) && len == 2) {
      v.remove_suffix(2);
    } else {
      break;
    }
  }
  return Value::String(std::string(v));
}

EvalResult Trim(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call), cut = StringArg(args, 1, call);
  if (!s.ok()) return s.error();
  if (!cut.ok()) return cut.error();
  std::vector<std::string_view> chars = Chars(s.value());
  const std::vector<std::string_view> set = Chars(cut.value());
  const auto in_set = [&](std::string_view c) { return std::find(set.begin(), set.end(), c) != set.end(); };
  size_t begin = 0, end = chars.size();
  while (begin < end && in_set(chars[begin])) ++begin;
  while (end > begin && in_set(chars[end - 1])) --end;
  std::string out;
  for (size_t k = begin; k < end; ++k) out += chars[k];
  return Value::String(std::move(out));
}

EvalResult Affix(const Args& args, const Call& call, bool prefix, bool test) {
  auto s = StringArg(args, 0, call), a = StringArg(args, 1, call);
  if (!s.ok()) return s.error();
  if (!a.ok()) return a.error();
  const std::string_view v = s.value(), x = a.value();
  const bool has = prefix ? v.starts_with(x) : v.ends_with(x);
  if (test) return Value::Bool(has);
  if (!has) return args[0].kind() == Value::Kind::kString ? args[0] : Value::String(s.value());
  return Value::String(std::string(prefix ? v.substr(x.size()) : v.substr(0, v.size() - x.size())));
}

EvalResult TrimPrefix(const Args& args, const Call& call) { return Affix(args, call, true, false); }
EvalResult TrimSuffix(const Args& args, const Call& call) { return Affix(args, call, false, false); }
EvalResult StartsWith(const Args& args, const Call& call) { return Affix(args, call, true, true); }
EvalResult EndsWith(const Args& args, const Call& call) { return Affix(args, call, false, true); }

EvalResult StrContains(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call), x = StringArg(args, 1, call);
  if (!s.ok()) return s.error();
  if (!x.ok()) return x.error();
  return Value::Bool(s.value().find(x.value()) != std::string::npos);
}

EvalResult Chomp(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call);
  if (!s.ok()) return s.error();
  std::string out = std::move(s).value();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return Value::String(std::move(out));
}

EvalResult Substr(const Args& args, const Call& call) {
  auto s = StringArg(args, 0, call);
  auto offset = NumberArg(args, 1, call), length = NumberArg(args, 2, call);
  if (!s.ok()) return s.error();
  if (!offset.ok()) return offset.error();
  if (!length.ok()) return length.error();
  const std::vector<std::string_view> chars = Chars(s.value());
  const auto n = static_cast<double>(chars.size());
  double start = offset.value() < 0 ? n + offset.value() : offset.value();
  start = std::clamp(std::floor(start), 0.0, n);
  const double end = length.value() < 0 ? n : std::min(n, start + std::floor(length.value()));
  std::string out;
  for (auto k = static_cast<size_t>(start); static_cast<double>(k) < end; ++k) out += chars[k];
  return Value::String(std::move(out));
}

EvalResult JsonEncode(const Args& args, const Call& call) { return StringResult(ToJson(args[0]), call); }

int Lower(int c) { return std::tolower(c); }
int Upper(int c) { return std::toupper(c); }

constexpr Function kFunctions[] = {
    {"format", 1, -1, false, Format},
    {"formatlist", 1, -1, false, FormatList},
    {"join", 2, -1, false, Join},
    {"split", 2, 2, false, Split},
    {"lower", 1, 1, false, MapChars<Lower>},
    {"upper", 1, 1, false, MapChars<Upper>},
    {"title", 1, 1, false, Title},
    {"replace", 3, 3, false, Replace},
    {"trimspace", 1, 1, false, TrimSpace},
    {"trim", 2, 2, false, Trim},
    {"trimprefix", 2, 2, false, TrimPrefix},
    {"trimsuffix", 2, 2, false, TrimSuffix},
    {"startswith", 2, 2, false, StartsWith},
    {"endswith", 2, 2, false, EndsWith},
    {"strcontains", 2, 2, false, StrContains},
    {"chomp", 1, 1, false, Chomp},
    {"substr", 3, 3, false, Substr},
    {"jsonencode", 1, 1, false, JsonEncode},
};

}  // namespace

std::span<const Function> TextFunctions() { return kFunctions; }

}  // namespace trailwatch::ruleset::tf::functions
