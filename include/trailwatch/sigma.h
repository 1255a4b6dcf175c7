// Sigma rules for CloudTrail: Sigma detection and correlation rule files
// (YAML, one or several documents) loaded into rules whose detections are
// FilterPatterns of kind kSigma, evaluated by the same PatternSet as metric
// filters. Semantics and the choices made where the specification is open:
// docs/sigma.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/pattern.h"
#include "trailwatch/status.h"

namespace trailwatch::sigma {

/// A rule's `level`, least to most severe; kNone when the rule has none.
enum class Level : uint8_t { kNone, kInformational, kLow, kMedium, kHigh, kCritical };
std::string_view LevelName(Level level);

/// What a rule document says about itself, and where it is.
struct RuleInfo {
  std::string title, id, name, status, description, author, date, modified;
  std::vector<std::string> references, falsepositives, fields, tags;
  /// ATT&CK technique ids from the tags, upper case: attack.t1078.004 -> T1078.004.
  std::vector<std::string> attack_ids;
  Level level = Level::kNone;
  std::string file;
  uint32_t line = 0;  ///< the document's first line in `file`
};

/// A detection rule for CloudTrail (logsource product aws, service cloudtrail).
struct Rule {
  RuleInfo info;
  /// The detection, compiled: add it to a PatternSet, or MatchMessage() it.
  std::shared_ptr<const FilterPattern> detection;
  std::string condition;  ///< as written (several conditions joined by " | or | ")
  /// False when the rule only feeds correlations (a correlation that names it
  /// does not `generate` it): its matches are not hits of their own.
  bool standalone = true;
};

/// A correlation rule (evaluation is the caller's: alarms' time machinery).
struct Correlation {
  enum class Type : uint8_t { kEventCount, kValueCount, kTemporal, kTemporalOrdered };
  /// One criterion of `condition`; all of them must hold.
  struct Bound {
    enum class Op : uint8_t { kGt, kGte, kLt, kLte, kEq, kNeq } op = Op::kGte;
    double value = 0;
    bool Holds(double count) const;
  };
  /// What a reference in `rules` names, after RuleSet::Link().
  struct Target {
    bool correlation = false;  ///< an index into correlations(), else into rules()
    size_t index = 0;
  };

  RuleInfo info;
  Type type = Type::kEventCount;
  std::vector<std::string> rule_refs;  ///< as written: ids, names or titles
  std::vector<std::string> group_by;   ///< Sigma field names (or aliases)
  int64_t timespan_seconds = 0;
  /// For temporal types without a condition: empty (all the rules must occur).
  std::vector<Bound> condition;
  std::vector<std::string> value_fields;  ///< value_count: condition `field`
  /// alias -> (rule reference -> field name)
  std::map<std::string, std::map<std::string, std::string>> aliases;
  bool generate = false;
  /// Made from the old `selection | count() by x > n` + `timeframe` form; its
  /// one target is the rule made from the same document.
  bool legacy = false;
  std::vector<Target> targets;  ///< one per rule_refs entry, by Link()
};

/// A document loaded but not used, and why (other log source, placeholders...).
struct Skipped {
  std::string file;
  uint32_t line = 0;
  std::string title;
  std::string reason;
};

/// Every Sigma document of some files. Problems never stop the rest: a broken
/// document is an error, an unsupported one is skipped, both with a position.
class RuleSet {
 public:
  /// Loads every document of `text`; `file` names it in messages.
  void AddText(std::string_view text, std::string_view file);
  /// Reads a file, or every *.yml / *.yaml file under a folder (name order,
  /// hidden entries left out), and loads it.
  void AddPath(const std::string& path);
  /// Resolves correlations' references (by id, then name, then title) and
  /// marks the rules only correlations use. Call once, after the last Add.
  void Link();

  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Correlation>& correlations() const { return correlations_; }
  const std::vector<Skipped>& skipped() const { return skipped_; }
  const std::vector<ParseError>& errors() const { return errors_; }
  /// Loaded, but something is ignored (e.g. `timeframe` without an aggregation).
  const std::vector<ParseError>& warnings() const { return warnings_; }
  size_t documents() const { return documents_; }

 private:
  friend class Loader;
  std::vector<Rule> rules_;
  std::vector<Correlation> correlations_;
  std::vector<Skipped> skipped_;
  std::vector<ParseError> errors_;
  std::vector<ParseError> warnings_;
  size_t documents_ = 0;
};

/// One detection rule from one YAML document (test-pattern --sigma): an error
/// when the text is not exactly one loadable CloudTrail detection rule.
Result<Rule, ParseError> ParseRule(std::string_view text, std::string_view file);

/// True if `text` looks like a Sigma document: YAML with a top-level `title:`
/// and `detection:` or `correlation:` key (for telling rule files apart).
bool LooksLikeSigma(std::string_view text);

}  // namespace trailwatch::sigma
