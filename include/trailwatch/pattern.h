// Filter patterns: CloudWatch Logs metric-filter patterns (JSON, term, regex and
// space-delimited) and compiled Sigma detections (trailwatch/sigma.h), parsed
// once and compiled together into a PatternSet that extracts the union of
// their selectors from each record in one pass.
// Semantics: docs/filter-patterns.md, cited as "spec N.M"; Sigma:
// docs/sigma.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailwatch {

class Record;

/// Why a pattern does not parse, and where (a byte offset into the pattern).
struct PatternError {
  std::string message;
  size_t offset = 0;
  /// The message, then the pattern, then a caret under `offset`, like a compiler:
  ///   expected a comparison operator after $.eventName
  ///     { $.eventName ConsoleLogin }
  ///                   ^
  std::string Render(std::string_view pattern) const;
};

namespace pattern {
struct Ast;
class SelectorTrie;
}

/// A JSON value found at a selector, as the conditions see it. `text` is the
/// unescaped string, or the number as written; it lives as long as the record.
/// For an object or array `text` is empty (for a Sigma field, its data() is
/// where the value starts in the record's JSON text).
struct JsonValue {
  enum class Kind : uint8_t { kString, kNumber, kTrue, kFalse, kNull, kObject, kArray };
  Kind kind = Kind::kNull;
  std::string_view text;
  double number = 0;
};

/// One filter pattern, parsed. Immutable and thread-safe once created.
class FilterPattern {
 public:
  enum class Kind { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited, kSigma };

  /// Parses `text`. Returns null and fills `error` when it is not a valid pattern.
  static std::shared_ptr<const FilterPattern> Parse(std::string_view text, PatternError* error);
  /// Wraps a compiled Sigma detection (an Ast of kind kSigma, made by
  /// src/sigma); `name` is what text() returns.
  static std::shared_ptr<const FilterPattern> FromSigma(std::string name,
                                                        std::unique_ptr<pattern::Ast> ast);
  ~FilterPattern();

  Kind kind() const;
  const std::string& text() const { return text_; }
  const pattern::Ast& ast() const { return *ast_; }

  /// Values found in a message: ("$name", value) for space-delimited fields,
  /// (selector, JSON text of its first value) for JSON patterns.
  using Extracted = std::vector<std::pair<std::string, std::string>>;
  /// Matches one log message as CloudWatch's test-metric-filter does: JSON
  /// patterns apply when the message is a JSON object; term, regex and
  /// space-delimited patterns apply to the text. `extracted` (optional) gets
  /// the fields of a space-delimited match, or the selectors' values.
  /// A Sigma detection applies when the message is a JSON object.
  bool MatchMessage(std::string_view message, Extracted* extracted = nullptr) const;

 private:
  FilterPattern(std::string text, std::unique_ptr<pattern::Ast> ast);
  std::string text_;
  std::unique_ptr<pattern::Ast> ast_;
};

struct RecordOutcome;

/// Patterns compiled together: each record is walked once for the union of
/// their selectors, and a pattern that needs one of some eventName values (or,
/// failing that, eventSource values) is evaluated only on records that have
/// one: exactly for CloudWatch patterns, ASCII-case-insensitively for Sigma.
/// Add everything, then Compile(); after that the set is immutable and may be
/// shared by threads, each with its own Matcher.
class PatternSet {
 public:
  PatternSet();
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  /// Adds a pattern; returns its id (0, 1, 2, ... in order of addition).
  uint32_t Add(std::shared_ptr<const FilterPattern> pattern);
  /// Adds a selector whose values callers want (metric values, dimensions).
  /// Returns its id for Matcher::values(), or -1 with `error` filled.
  int AddSelector(std::string_view selector, PatternError* error);
  /// The same for a Sigma field name (`userIdentity.arn`: dotted, arrays seen
  /// through, as Sigma detections read fields), e.g. a correlation's group-by.
  int AddSigmaField(std::string_view field, PatternError* error);
  void Compile();
  /// How many patterns are evaluated on every record (not indexed).
  size_t unindexed() const { return always_.size(); }

  size_t size() const { return patterns_.size(); }
  const FilterPattern& pattern(uint32_t id) const { return *patterns_[id].pattern; }

  /// Per-thread evaluation state for one PatternSet.
  class Matcher {
   public:
    explicit Matcher(const PatternSet& set);
    ~Matcher();
    /// Evaluates every pattern on `record`. Rejects a record whose eventTime
    /// is missing or invalid, or whose JSON breaks where the walk reads it.
    RecordOutcome Match(Record& record);
    /// Ids of the patterns that matched, ascending.
    const std::vector<uint32_t>& matched() const { return matched_; }
    int64_t event_time() const { return event_time_; }
    /// The values at a selector from AddSelector (empty: absent).
    std::span<const JsonValue> values(int selector) const;
    /// The record as compact JSON text, if a text pattern needed it (else empty).
    std::string_view text() const { return text_; }

   private:
    struct Scratch;
    const PatternSet& set_;
    std::unique_ptr<Scratch> scratch_;
    std::vector<uint32_t> matched_;
    int64_t event_time_ = 0;
    std::string_view text_;
  };

 private:
  struct Entry {
    std::shared_ptr<const FilterPattern> pattern;
    std::vector<uint32_t> selector_slots;  // pattern's selector i -> trie slot
  };
  std::vector<Entry> patterns_;
  std::unique_ptr<pattern::SelectorTrie> trie_;
  uint32_t event_time_slot_ = 0;
  std::vector<uint32_t> always_;                            // patterns not indexed
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  /// Patterns that need one of some values of a top-level field: CloudWatch's
  /// eventName and eventSource (exact), Sigma's (folded to lower case).
  struct Index {
    uint32_t slot = 0;
    bool folded = false;
    std::unordered_map<std::string, std::vector<uint32_t>, NameHash, std::equal_to<>> patterns;
  };
  std::vector<Index> indexes_;
  bool any_text_pattern_ = false;
  bool compiled_ = false;
};

}  // namespace trailwatch
