// hcl_functions: Terraform's collection, type conversion and number
// functions (merge, concat, lookup, coalesce, length, keys, values, toset,
// tomap, tolist, flatten, distinct, contains, ...), with Terraform's results
// (keys sorted, sets ordered, null skipped where Terraform skips it).
#include "ruleset/hcl_functions.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace trailwatch::ruleset::tf::functions {
namespace {

using Args = std::vector<Value>;

// Terraform unifies the element types of a collection it converts: strings
// win over numbers and bools (toset(["a", 1]) is ["1", "a"]).
Value::Items Unify(Value::Items items) {
  const bool any_string = std::any_of(items.begin(), items.end(),
                                      [](const Value& v) { return v.kind() == Value::Kind::kString; });
  if (!any_string) return items;
  for (Value& v : items) {
    if (v.kind() == Value::Kind::kNumber || v.kind() == Value::Kind::kBool) v = Value::String(*ToText(v));
  }
  return items;
}

EvalResult Merge(const Args& args, const Call& call) {
  Value::Entries out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].is_null()) continue;
    if (args[i].kind() != Value::Kind::kMap) {
      return call.Fail(fmt::format("argument {}: a map is needed, not a {}", i + 1, args[i].TypeName()));
    }
    for (const auto& [key, value] : args[i].entries()) out.insert_or_assign(key, value);
  }
  return Value::Map(std::move(out));
}

EvalResult Concat(const Args& args, const Call& call) {
  Value::Items out;
  for (size_t i = 0; i < args.size(); ++i) {
    auto items = ListArg(args, i, call);
    if (!items.ok()) return items.error();
    out.insert(out.end(), items.value().begin(), items.value().end());
  }
  return Value::List(std::move(out));
}

EvalResult Lookup(const Args& args, const Call& call) {
  if (args[0].kind() != Value::Kind::kMap) return call.Fail(fmt::format("a map is needed, not a {}", args[0].TypeName()));
  auto key = StringArg(args, 1, call);
  if (!key.ok()) return key.error();
  const auto it = args[0].entries().find(key.value());
  if (it != args[0].entries().end()) return it->second;
  if (args.size() == 3) return args[2];
  return call.Fail(fmt::format("no key \"{}\" in the map, and no default", key.value()));
}

EvalResult Coalesce(const Args& args, const Call& call) {
  for (const Value& v : args) {
    if (v.is_unknown()) return v;
    if (v.is_null() || (v.kind() == Value::Kind::kString && v.str().empty())) continue;
    return v;
  }
  return call.Fail("all arguments are null or empty strings");
}

EvalResult CoalesceList(const Args& args, const Call& call) {
  for (size_t i = 0; i < args.size(); ++i) {
    auto items = ListArg(args, i, call);
    if (!items.ok()) return items.error();
    if (!items.value().empty()) return args[i];
  }
  return call.Fail("all arguments are empty lists");
}

EvalResult Length(const Args& args, const Call& call) {
  const Value& v = args[0];
  if (v.kind() == Value::Kind::kString) return Value::Number(static_cast<double>(CountChars(v.str())));
  if (v.is_collection()) return Value::Number(static_cast<double>(v.size()));
  return call.Fail(fmt::format("a string, list, set or map is needed, not a {}", v.TypeName()));
}

EvalResult Keys(const Args& args, const Call& call) {
  if (args[0].kind() != Value::Kind::kMap) return call.Fail(fmt::format("a map is needed, not a {}", args[0].TypeName()));
  Value::Items out;
  for (const auto& [key, value] : args[0].entries()) out.push_back(Value::String(key));
  return Value::List(std::move(out));
}

EvalResult Values(const Args& args, const Call& call) {
  if (args[0].kind() != Value::Kind::kMap) return call.Fail(fmt::format("a map is needed, not a {}", args[0].TypeName()));
  Value::Items out;
  for (const auto& [key, value] : args[0].entries()) out.push_back(value);
  return Value::List(std::move(out));
}

EvalResult ToSet(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  if (!call.Charge(items.value().size())) return call.Fail("evaluation too large");
  return Value::Set(Unify(std::move(items).value()));
}

EvalResult ToList(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  return Value::List(Unify(std::move(items).value()));
}

EvalResult ToMap(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  if (args[0].kind() != Value::Kind::kMap) return call.Fail(fmt::format("a map is needed, not a {}", args[0].TypeName()));
  Value::Items values;
  for (const auto& [key, value] : args[0].entries()) values.push_back(value);
  values = Unify(std::move(values));
  Value::Entries out;
  size_t k = 0;
  for (const auto& [key, value] : args[0].entries()) out.emplace(key, values[k++]);
  return Value::Map(std::move(out));
}

bool FlattenInto(const Value& v, Value::Items* out, const Call& call) {
  if (v.kind() != Value::Kind::kList && v.kind() != Value::Kind::kSet) {
    out->push_back(v);
    return out->size() <= kMaxItems;
  }
  if (!call.Charge(v.items().size())) return false;
  for (const Value& item : v.items()) {
    if (!FlattenInto(item, out, call)) return false;
  }
  return true;
}

EvalResult Flatten(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  if (const Value* u = FindUnknown(args[0]); u != nullptr) return *u;  // nested lists might be unknown
  Value::Items out;
  for (const Value& item : items.value()) {
    if (!FlattenInto(item, &out, call)) return call.Fail("the result is too large");
  }
  return Value::List(std::move(out));
}

EvalResult Distinct(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  if (!call.Charge(items.value().size() * 8)) return call.Fail("evaluation too large");
  std::set<Value, decltype(&Value::Less)> seen(&Value::Less);
  Value::Items out;
  for (const Value& item : items.value()) {
    if (seen.insert(item).second) out.push_back(item);
  }
  return Value::List(std::move(out));
}

EvalResult Contains(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  return Value::Bool(std::find(items.value().begin(), items.value().end(), args[1]) != items.value().end());
}

EvalResult Element(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  auto index = NumberArg(args, 1, call);
  if (!items.ok()) return items.error();
  if (!index.ok()) return index.error();
  if (items.value().empty()) return call.Fail("cannot use element() with an empty list");
  if (index.value() < 0 || index.value() != std::floor(index.value())) return call.Fail("the index must be a whole number >= 0");
  const auto n = static_cast<double>(items.value().size());
  return items.value()[static_cast<size_t>(std::fmod(index.value(), n))];
}

EvalResult Compact(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  Value::Items out;
  for (const Value& item : items.value()) {
    if (item.is_null() || (item.kind() == Value::Kind::kString && item.str().empty())) continue;
    out.push_back(item);
  }
  return Value::List(std::move(out));
}

EvalResult Zipmap(const Args& args, const Call& call) {
  auto keys = ListArg(args, 0, call);
  auto values = ListArg(args, 1, call);
  if (!keys.ok()) return keys.error();
  if (!values.ok()) return values.error();
  if (keys.value().size() != values.value().size()) return call.Fail("the two lists differ in length");
  Value::Entries out;
  for (size_t k = 0; k < keys.value().size(); ++k) {
    auto key = AsString(keys.value()[k]);
    if (!key.ok()) return call.Fail("a key: " + Why(key.error()));
    out.insert_or_assign(key.value(), values.value()[k]);
  }
  return Value::Map(std::move(out));
}

EvalResult One(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  if (items.value().size() > 1) return call.Fail("the list has more than one item");
  return items.value().empty() ? Value() : items.value()[0];
}

EvalResult Sort(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  std::vector<std::string> strings;
  for (const Value& item : items.value()) {
    auto s = AsString(item);
    if (!s.ok()) return call.Fail(Why(s.error()));
    strings.push_back(std::move(s).value());
  }
  std::sort(strings.begin(), strings.end());
  Value::Items out;
  for (std::string& s : strings) out.push_back(Value::String(std::move(s)));
  return Value::List(std::move(out));
}

EvalResult Reverse(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  Value::Items out(items.value().rbegin(), items.value().rend());
  return Value::List(std::move(out));
}

EvalResult Range(const Args& args, const Call& call) {
  std::vector<double> n;
  for (size_t i = 0; i < args.size(); ++i) {
    auto d = NumberArg(args, i, call);
    if (!d.ok()) return d.error();
    n.push_back(d.value());
  }
  const double start = n.size() == 1 ? 0 : n[0];
  const double end = n.size() == 1 ? n[0] : n[1];
  const double step = n.size() == 3 ? n[2] : (start <= end ? 1 : -1);
  if (step == 0 || (step > 0) != (start <= end)) return call.Fail("the step goes away from the end");
  if (std::abs((end - start) / step) > static_cast<double>(kMaxItems)) return call.Fail("too many items");
  Value::Items out;
  for (double x = start; step > 0 ? x < end : x > end; x += step) out.push_back(Value::Number(x));
  return Value::List(std::move(out));
}

EvalResult AllAny(const Args& args, const Call& call, bool all) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  for (const Value& item : items.value()) {
    auto b = AsBool(item);
    if (!b.ok()) return call.Fail(Why(b.error()));
    if (b.value() != all) return Value::Bool(!all);
  }
  return Value::Bool(all);
}

EvalResult AllTrue(const Args& args, const Call& call) { return AllAny(args, call, true); }
EvalResult AnyTrue(const Args& args, const Call& call) { return AllAny(args, call, false); }

EvalResult Sum(const Args& args, const Call& call) {
  auto items = ListArg(args, 0, call);
  if (!items.ok()) return items.error();
  if (items.value().empty()) return call.Fail("cannot sum an empty list");
  double total = 0;
  for (size_t k = 0; k < items.value().size(); ++k) {
    auto d = NumberArg(items.value(), k, call);
    if (!d.ok()) return d.error();
    total += d.value();
  }
  return Value::Number(total);
}

EvalResult MinMax(const Args& args, const Call& call, bool max) {
  double best = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    auto d = NumberArg(args, i, call);
    if (!d.ok()) return d.error();
    if (i == 0 || (max ? d.value() > best : d.value() < best)) best = d.value();
  }
  return Value::Number(best);
}

EvalResult Min(const Args& args, const Call& call) { return MinMax(args, call, false); }
EvalResult Max(const Args& args, const Call& call) { return MinMax(args, call, true); }

template <double (*F)(double)>
EvalResult Math(const Args& args, const Call& call) {
  auto d = NumberArg(args, 0, call);
  if (!d.ok()) return d.error();
  return Value::Number(F(d.value()));
}

double Abs(double d) { return std::fabs(d); }
double Ceil(double d) { return std::ceil(d); }
double Floor(double d) { return std::floor(d); }

EvalResult ToString(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto s = StringArg(args, 0, call);
  if (!s.ok()) return s.error();
  return Value::String(std::move(s).value());
}

EvalResult ToNumber(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto d = NumberArg(args, 0, call);
  if (!d.ok()) return d.error();
  return Value::Number(d.value());
}

EvalResult ToBool(const Args& args, const Call& call) {
  if (args[0].is_null()) return args[0];
  auto b = AsBool(args[0]);
  if (!b.ok()) return call.Fail(Why(b.error()));
  return Value::Bool(b.value());
}

constexpr Function kFunctions[] = {
    {"merge", 0, -1, true, Merge},
    {"concat", 0, -1, true, Concat},
    {"lookup", 2, 3, true, Lookup},
    {"coalesce", 1, -1, true, Coalesce},
    {"coalescelist", 1, -1, true, CoalesceList},
    {"length", 1, 1, true, Length},
    {"keys", 1, 1, true, Keys},
    {"values", 1, 1, true, Values},
    {"toset", 1, 1, false, ToSet},
    {"tolist", 1, 1, true, ToList},
    {"tomap", 1, 1, true, ToMap},
    {"flatten", 1, 1, true, Flatten},
    {"distinct", 1, 1, false, Distinct},
    {"contains", 2, 2, false, Contains},
    {"element", 2, 2, true, Element},
    {"compact", 1, 1, false, Compact},
    {"zipmap", 2, 2, true, Zipmap},
    {"one", 1, 1, true, One},
    {"sort", 1, 1, false, Sort},
    {"reverse", 1, 1, true, Reverse},
    {"range", 1, 3, false, Range},
    {"alltrue", 1, 1, false, AllTrue},
    {"anytrue", 1, 1, false, AnyTrue},
    {"sum", 1, 1, false, Sum},
    {"min", 1, -1, false, Min},
    {"max", 1, -1, false, Max},
    {"abs", 1, 1, false, Math<Abs>},
    {"ceil", 1, 1, false, Math<Ceil>},
    {"floor", 1, 1, false, Math<Floor>},
    {"tostring", 1, 1, false, ToString},
    {"tonumber", 1, 1, false, ToNumber},
    {"tobool", 1, 1, false, ToBool},
};

}  // namespace

std::span<const Function> CollectionFunctions() { return kFunctions; }

}  // namespace trailwatch::ruleset::tf::functions
