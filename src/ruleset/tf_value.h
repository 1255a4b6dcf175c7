// tf_value: the values Terraform expressions evaluate to (a small cty):
// null, bool, number, string, list (tuples too), set, map (objects too), and
// unknown: a value trailwatch cannot know offline (a data source, an
// attribute known only after apply, a variable without a value), which says
// why and what to do instead. Values are immutable; copies share their content.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::ruleset::tf {

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kList, kSet, kMap, kUnknown };
  using Items = std::vector<Value>;
  /// Map keys iterate in byte order, as Terraform's maps and objects do.
  using Entries = std::map<std::string, Value, std::less<>>;

  Value() = default;  ///< null
  static Value Bool(bool b);
  static Value Number(double d);
  static Value String(std::string s);
  static Value List(Items items);
  /// Sorts the items (Less) and drops duplicates, as Terraform's sets do.
  static Value Set(Items items);
  static Value Map(Entries entries);
  /// A value not known offline. `reason` says why and what to do instead,
  /// `origin` is where ("file:line:col"), `source` the expression as written.
  static Value Unknown(std::string reason, std::string origin, std::string source = {});
  /// An error kept as a value: an attribute that failed to evaluate inside a
  /// resource that something refers to. It is an error only if used.
  static Value Failed(std::string message, std::string origin);
  /// A resource instance: a map whose missing attributes are unknown (known
  /// only after apply), named by `address` in the messages.
  static Value Resource(Entries entries, std::string address);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_unknown() const { return kind_ == Kind::kUnknown; }
  bool is_collection() const { return kind_ == Kind::kList || kind_ == Kind::kSet || kind_ == Kind::kMap; }

  bool boolean() const { return bool_; }
  double number() const { return number_; }
  /// kString: the string; kUnknown: the reason.
  const std::string& str() const;
  /// kList, kSet: the items (empty for other kinds).
  const Items& items() const;
  /// kMap: the entries (empty for other kinds).
  const Entries& entries() const;
  /// kUnknown: where, and the expression as written; whether it is an error.
  const std::string& origin() const;
  const std::string& source() const;
  bool failed() const;
  /// kMap: the resource address if the map is a resource instance, else "".
  const std::string& address() const;

  /// "string", "number", "bool", "null", "list", "set", "map", "unknown value".
  std::string_view TypeName() const;
  /// The number of items or entries (0 for other kinds).
  size_t size() const;
  /// How deeply collections nest in the value: 0 for a primitive, 1 for a
  /// list of primitives... (the evaluator bounds it, so recursion over values is bounded).
  uint32_t depth() const;

  /// Deep equality (unknown values are equal to nothing).
  bool operator==(const Value& other) const;
  /// A total order for sets: null, bool, number, string, then by JSON text.
  static bool Less(const Value& a, const Value& b);

 private:
  struct Rep {
    std::string text;    // string, unknown reason
    Items items;         // list, set
    Entries entries;     // map
    std::string origin;  // unknown
    std::string source;  // unknown
    std::string address;  // resource
    bool failed = false;
    uint32_t depth = 0;
  };
  static const Rep& Empty();
  const Rep& rep() const { return rep_ ? *rep_ : Empty(); }

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::shared_ptr<const Rep> rep_;
};

/// A number as Terraform writes it in strings: 300, 1.5, -0.25, never an
/// exponent (1e+21 is 1000000000000000000000).
std::string FormatNumber(double d);
/// The string Terraform converts a primitive to (strings, numbers, bools);
/// nullopt for null, collections and unknown values.
std::optional<std::string> ToText(const Value& v);
/// The first unknown value inside `v` (itself included), or null.
const Value* FindUnknown(const Value& v);
/// JSON as jsonencode writes it (keys sorted, <>& escaped). REQUIRES: no unknown inside.
std::string ToJson(const Value& v);

}  // namespace trailwatch::ruleset::tf
