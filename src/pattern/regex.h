// Regex: the regular-expression subset of CloudWatch Logs filter patterns
// (spec section 3), compiled to a small NFA and run in linear time, so that a
// hostile log line cannot make matching slow (no backtracking, no recursion).
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::pattern {

/// A compile error: what is wrong and where (offset into the regex body).
struct RegexError {
  std::string message;
  size_t offset = 0;
};

/// A compiled `%...%` expression. Matching is an unanchored search unless the
/// alternative starts with '^' or ends with '$'. Thread-safe after Compile.
class Regex {
 public:
  /// Compiles `body` (the text between the two '%'). On error returns false
  /// and fills `error`.
  bool Compile(std::string_view body, RegexError* error);
  /// True if some alternative matches somewhere in `text`.
  bool Search(std::string_view text) const;
  const std::string& source() const { return source_; }

  /// The most NFA slots one expression may expand to ({m,n} repeats a slot).
  static constexpr size_t kMaxSlots = 1000;

 private:
  struct Slot {
    std::bitset<256> chars;
    enum class Repeat : uint8_t { kOnce, kOptional, kStar } repeat = Repeat::kOnce;
  };
  struct Alternative {
    std::vector<Slot> slots;
    bool anchored_start = false;
    bool anchored_end = false;
    // Every match contains this text (the longest run of single-character
    // slots): a text without it is rejected with one memmem, no NFA.
    std::string required;
    // For alternatives of at most 63 slots, the NFA runs bit-parallel:
    // bit j of accept[b] says slot j accepts byte b.
    bool bit_parallel = false;
    std::vector<uint64_t> accept;  // 256 masks
    uint64_t star = 0;             // slots that loop on themselves
    uint64_t skippable = 0;        // optional and star slots (epsilon moves)
  };
  bool SearchOne(const Alternative& alt, std::string_view text) const;
  static bool SearchBits(const Alternative& alt, std::string_view text);
  static void Prepare(Alternative* alt);

  std::string source_;
  std::vector<Alternative> alternatives_;
};

}  // namespace trailwatch::pattern
