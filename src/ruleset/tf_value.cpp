// tf_value: Terraform values: construction, equality and order, and their
// text forms (strings in templates, jsonencode).
#include "ruleset/tf_value.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace trailwatch::ruleset::tf {

const Value::Rep& Value::Empty() {
  static const Rep empty;
  return empty;
}

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Number(double d) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.number_ = d;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  auto rep = std::make_shared<Rep>();
  rep->text = std::move(s);
  v.rep_ = std::move(rep);
  return v;
}

Value Value::List(Items items) {
  Value v;
  v.kind_ = Kind::kList;
  auto rep = std::make_shared<Rep>();
  for (const Value& item : items) rep->depth = std::max(rep->depth, item.depth() + 1);
  if (rep->depth == 0) rep->depth = 1;
  rep->items = std::move(items);
  v.rep_ = std::move(rep);
  return v;
}

Value Value::Set(Items items) {
  std::stable_sort(items.begin(), items.end(), Less);
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Value& a, const Value& b) { return !Less(a, b) && !Less(b, a); }),
              items.end());
  Value v = List(std::move(items));
  v.kind_ = Kind::kSet;
  return v;
}

Value Value::Map(Entries entries) {
  Value v;
  v.kind_ = Kind::kMap;
  auto rep = std::make_shared<Rep>();
  rep->depth = 1;
  for (const auto& [key, item] : entries) rep->depth = std::max(rep->depth, item.depth() + 1);
  rep->entries = std::move(entries);
  v.rep_ = std::move(rep);
  return v;
}

Value Value::Unknown(std::string reason, std::string origin, std::string source) {
  Value v;
  v.kind_ = Kind::kUnknown;
  auto rep = std::make_shared<Rep>();
  rep->text = std::move(reason);
  rep->origin = std::move(origin);
  rep->source = std::move(source);
  v.rep_ = std::move(rep);
  return v;
}

Value Value::Failed(std::string message, std::string origin) {
  Value v = Unknown(std::move(message), std::move(origin));
  auto rep = std::make_shared<Rep>(*v.rep_);
  rep->failed = true;
  v.rep_ = std::move(rep);
  return v;
}

Value Value::Resource(Entries entries, std::string address) {
  Value v;
  v.kind_ = Kind::kMap;
  Value map = Map(std::move(entries));
  auto rep = std::make_shared<Rep>(*map.rep_);
  rep->address = std::move(address);
  v.rep_ = std::move(rep);
  return v;
}

const std::string& Value::str() const { return rep().text; }
const Value::Items& Value::items() const { return rep().items; }
const Value::Entries& Value::entries() const { return rep().entries; }
const std::string& Value::origin() const { return rep().origin; }
const std::string& Value::source() const { return rep().source; }
bool Value::failed() const { return rep().failed; }
uint32_t Value::depth() const { return rep().depth; }
const std::string& Value::address() const { return rep().address; }

std::string_view Value::TypeName() const {
  switch (kind_) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kNumber: return "number";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kSet: return "set";
    case Kind::kMap: return "map";
    case Kind::kUnknown: return "unknown value";
  }
  return "?";
}

size_t Value::size() const {
  if (kind_ == Kind::kMap) return entries().size();
  if (kind_ == Kind::kList || kind_ == Kind::kSet) return items().size();
  return 0;
}

bool Value::operator==(const Value& other) const {
  if (kind_ != other.kind_ || kind_ == Kind::kUnknown) return false;
  switch (kind_) {
    case Kind::kNull: return true;
    case Kind::kBool: return bool_ == other.bool_;
    case Kind::kNumber: return number_ == other.number_;
    case Kind::kString: return str() == other.str();
    case Kind::kList:
    case Kind::kSet: return items() == other.items();
    case Kind::kMap: return entries() == other.entries();
    case Kind::kUnknown: break;
  }
  return false;
}

bool Value::Less(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return a.kind_ < b.kind_;
  switch (a.kind_) {
    case Kind::kNull: return false;
    case Kind::kBool: return a.bool_ < b.bool_;
    case Kind::kNumber: return a.number_ < b.number_;
    case Kind::kString:
    case Kind::kUnknown: return a.str() < b.str();  // the string, or the reason
    default: break;
  }
  const Value* ua = FindUnknown(a);
  const Value* ub = FindUnknown(b);
  if (ua || ub) return (ua ? ua->str() : std::string()) < (ub ? ub->str() : std::string());
  return ToJson(a) < ToJson(b);
}

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Inf" : "+Inf";
  if (d == 0) return "0";
  std::string s = fmt::format("{}", d);  // shortest text that reads back as d
  const size_t e = s.find('e');
  if (e == std::string::npos) {
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  }
  // Spell the exponent out: digits with the point moved.
  const bool negative = s[0] == '-';
  std::string digits;
  int point = 0;  // digits before the decimal point
  bool seen_point = false;
  for (size_t k = negative ? 1 : 0; k < e; ++k) {
    if (s[k] == '.') {
      seen_point = true;
    } else {
      digits.push_back(s[k]);
      if (!seen_point) ++point;
    }
  }
  point += std::atoi(s.c_str() + e + 1);
  std::string out = negative ? "-" : "";
  if (point <= 0) {
    out += "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
  }
  return out;
}

std::optional<std::string> ToText(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString: return v.str();
    case Value::Kind::kNumber: return FormatNumber(v.number());
    case Value::Kind::kBool: return std::string(v.boolean() ? "true" : "false");
    default: return std::nullopt;
  }
}

const Value* FindUnknown(const Value& v) {
  if (v.is_unknown()) return &v;
  for (const Value& item : v.items()) {
    if (const Value* u = FindUnknown(item)) return u;
  }
  for (const auto& [key, item] : v.entries()) {
    if (const Value* u = FindUnknown(item)) return u;
  }
  return nullptr;
}

namespace {

// Go's encoding/json string form, which cty's JSON uses: <, >, & and the
// line and paragraph separators escaped too.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t k = 0; k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[k]);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '<': *out += "\\u003c"; break;
      case '>': *out += "\\u003e"; break;
      case '&': *out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          *out += fmt::format("\\u{:04x}", c);
        } else if (c == 0xE2 && k + 2 < s.size() && s[k + 1] == '\x80' && (s[k + 2] == '\xA8' || s[k + 2] == '\xA9')) {
          *out += s[k + 2] == '\xA8' ? "\\u2028" : "\\u2029";
          k += 2;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJson(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kUnknown: *out += "null"; break;
    case Value::Kind::kBool: *out += v.boolean() ? "true" : "false"; break;
    case Value::Kind::kNumber: *out += FormatNumber(v.number()); break;
    case Value::Kind::kString: AppendJsonString(v.str(), out); break;
    case Value::Kind::kList:
    case Value::Kind::kSet: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(item, out);
      }
      out->push_back(']');
      break;
    }
    case Value::Kind::kMap: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.entries()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(key, out);
        out->push_back(':');
        AppendJson(item, out);
      }
      out->push_back('}');
      break;
    }
  }
}

}  // namespace

std::string ToJson(const Value& v) {
  std::string out;
  AppendJson(v, &out);
  return out;
}

}  // namespace trailwatch::ruleset::tf
