// sigma_match: the value tests of compiled Sigma detections (docs/sigma.md):
// wildcard strings folded for case, regular expressions (RE2, linear time),
// CIDR ranges, existence, null, numeric bounds, field references and keywords,
// and EvalSigma, which evaluates a detection's expression tree over them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"
#include "trailwatch/pattern.h"

namespace re2 {
class RE2;
}

namespace trailwatch::pattern {

/// A Sigma string value after its modifiers: literal bytes, `?` (one UTF-8
/// character), `*` (any text) and windash classes (`-`, `/` and the three
/// Unicode dashes). Compared ASCII-case-insensitively unless cased. Matching
/// is greedy segment by segment: O(text x pattern), never exponential.
class Glob {
 public:
  struct Atom {
    enum class Kind : uint8_t { kByte, kAnyChar, kDash } kind = Kind::kByte;
    char byte = 0;
  };
  void AddByte(char c) { Current().push_back({Atom::Kind::kByte, c}); }
  void AddAnyChar() { Current().push_back({Atom::Kind::kAnyChar, 0}); }
  void AddDash() { Current().push_back({Atom::Kind::kDash, 0}); }
  void AddStar();
  /// Call once after the last Add: folds case and picks a fast path.
  void Finish(bool cased);

  bool Match(std::string_view s) const;
  /// The value when it is plain text without wildcards (folded unless cased).
  std::optional<std::string_view> Exact() const;
  bool cased() const { return cased_; }

 private:
  enum class Fast : uint8_t { kExact, kPrefix, kSuffix, kContains, kAny, kGeneral };
  std::vector<Atom>& Current();
  // Where segment `seg` matches starting at `pos`: the end, or npos.
  size_t MatchAt(const std::vector<Atom>& seg, std::string_view s, size_t pos) const;
  bool MatchGeneral(std::string_view s) const;

  std::vector<std::vector<Atom>> segments_;  // separated by `*`
  bool lead_star_ = false, trail_star_ = false, open_ = true;
  bool cased_ = false;
  Fast fast_ = Fast::kGeneral;
  std::string literal_;  // the fast paths' text (folded unless cased)
};

/// An IPv4 or IPv6 network; IPv4 addresses written as ::ffff:a.b.c.d are IPv4.
struct Cidr {
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;  // of the 128 bits (an IPv4 /8 is 104)
  /// Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128).
  static std::optional<Cidr> Parse(std::string_view text);
  bool Contains(std::string_view address) const;
};

/// One Sigma value test on the values at a selector.
struct SigmaTest {
  enum class Kind : uint8_t {
    kString,    // glob (and, for a numeric value, numeric equality with JSON numbers)
    kRegex,     // regex, unanchored search
    kCidr,      // cidr
    kExists,    // exists (true) or absent (false)
    kNull,      // absent or JSON null
    kCompare,   // cmp number: JSON numbers and numeric strings
    kFieldRef,  // the value equals (contains, starts, ends with) a value at `other`
    kKeyword,   // glob on the record's JSON text
  };
  enum class Cmp : uint8_t { kLt, kLe, kGt, kGe };
  enum class RefMode : uint8_t { kEquals, kContains, kStartsWith, kEndsWith };

  SigmaTest();
  ~SigmaTest();
  SigmaTest(SigmaTest&&) noexcept;
  SigmaTest& operator=(SigmaTest&&) noexcept;

  /// Compiles `expression` with RE2; `flags` holds i, m, s. False with
  /// `error` filled when RE2 refuses it (syntax, or more than RE2's memory).
  bool SetRegex(std::string_view expression, std::string_view flags, std::string* error);

  Kind kind = Kind::kString;
  Glob glob;
  bool has_number = false;
  double number = 0;
  std::unique_ptr<const re2::RE2> regex;
  Cidr cidr;
  bool exists = true;
  Cmp cmp = Cmp::kLt;
  uint32_t other = 0;
  RefMode ref_mode = RefMode::kEquals;
  bool cased = false;
};

/// What EvalSigma needs from the record.
class SigmaInput {
 public:
  virtual ~SigmaInput() = default;
  /// Values at a pattern selector (empty: absent). For a Sigma selector an
  /// array gives itself (kArray, for existence) and then its elements.
  virtual std::span<const JsonValue> Values(uint32_t selector) = 0;
  /// The record as compact JSON text (keyword searches), if it can be had.
  virtual std::optional<std::string_view> RecordText() = 0;
  /// The JSON text of an object value (JsonContainerText), if it can be had.
  virtual std::optional<std::string_view> ObjectText(const JsonValue& value) = 0;
};

/// Evaluates a Sigma detection tree.
bool EvalSigma(const Expr& e, SigmaInput& input);

/// The end of the JSON object or array starting at text[0] ('{' or '['):
/// its length, or 0 if `text` ends first. When the text has whitespace outside
/// strings or escapes inside them, `decoded` gets it without the whitespace
/// and with the escapes decoded (\" is ", \u00e9 is é): the text Sigma's
/// string tests see (else `decoded` is left empty and the text is as is).
size_t JsonContainerText(std::string_view text, std::string* decoded);

/// ASCII lower case.
inline char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace trailwatch::pattern
