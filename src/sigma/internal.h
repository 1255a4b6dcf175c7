// internal: what the Sigma loader's files share: positions of YAML nodes in
// their file, the detection under construction, and the compilers of search
// identifiers, field values, conditions and correlations.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"
#include "trailwatch/sigma.h"
#include "trailwatch/status.h"

namespace trailwatch::sigma::internal {

/// One YAML document of a file, and how to turn yaml-cpp's marks (0-based,
/// inside the document) into positions in the file.
struct DocContext {
  std::string file;
  uint32_t first_line = 1;  ///< 1-based line where the document's text starts (its `---`)
  uint32_t start_line = 1;  ///< 1-based line of its first content (messages, RuleInfo::line)
  size_t offset = 0;        ///< byte offset of the document in the file
  /// YAML nodes one document may visit: aliases can make a small text a huge
  /// tree (billion laughs); past this the document is refused.
  size_t budget = 200000;

  ParseError At(const YAML::Node& node, std::string message, size_t column_shift = 0) const;
  ParseError AtStart(std::string message) const;
  /// Counts one visited node; false once the budget is spent.
  bool Spend() { return budget > 0 && --budget > 0; }
};

/// A Sigma detection under construction: selectors deduplicated by field.
struct Builder {
  pattern::Ast ast;
  uint32_t Selector(std::string_view field);
};

/// A field name with its modifiers, from a detection key "field|mod|mod".
struct FieldKey {
  std::string field;  ///< empty for keywords
  std::vector<std::string> modifiers;
};
std::optional<FieldKey> SplitKey(std::string_view key, std::string* error);
/// True if `field` is a valid dotted field name (non-empty parts).
bool ValidField(std::string_view field);

/// `field|mods: value(s)` as an expression (pattern::Op::kSigma conditions).
/// Returns the error, or nullopt with `out` filled. `skip` is set instead
/// when the item is valid Sigma trailwatch does not evaluate (placeholders).
std::optional<ParseError> CompileFieldItem(const FieldKey& key, const YAML::Node& key_node,
                                           const YAML::Node& value, DocContext& ctx,
                                           Builder& builder, pattern::Expr* out, std::string* skip);

/// One search identifier's value (map, list of maps, keyword list).
std::optional<ParseError> CompileSearch(const YAML::Node& value, DocContext& ctx, Builder& builder,
                                        pattern::Expr* out, std::string* skip);

/// The old aggregation after `|` in a condition: count([field]) [by a, b] op n.
struct Aggregation {
  std::string count_field;  ///< empty: count events
  std::vector<std::string> group_by;
  Correlation::Bound bound;
};

/// A condition over compiled search identifiers (in document order). Errors
/// carry an offset into `text`. `aggregation` (optional) accepts the old
/// `| count() ...` suffix; `near` fails with `unsupported` set.
struct ConditionError {
  std::string message;
  size_t offset = 0;
  bool unsupported = false;
};
std::optional<ConditionError> ParseCondition(
    std::string_view text, const std::vector<std::pair<std::string, pattern::Expr>>& searches,
    pattern::Expr* out, std::optional<Aggregation>* aggregation);

/// `correlation:` of a document into `out` (not its references' targets).
/// Returns the error, or sets `skip` for valid types not evaluated.
std::optional<ParseError> CompileCorrelation(const YAML::Node& doc, DocContext& ctx,
                                             Correlation* out, std::string* skip);

/// The metadata of a rule or correlation document (title is required).
std::optional<ParseError> ReadInfo(const YAML::Node& doc, DocContext& ctx, RuleInfo* info,
                                   std::vector<ParseError>* warnings);
/// Why a detection document is not for CloudTrail, or nullopt if it is (or
/// if its logsource is malformed: then `error` is set).
std::optional<std::string> NotCloudTrail(const YAML::Node& doc, DocContext& ctx,
                                         std::optional<ParseError>* error);
/// `detection:` into rule->detection and rule->condition; `aggregation`
/// gets the old `| count()` form. Sets `skip` for valid but unsupported rules.
std::optional<ParseError> CompileDetection(const YAML::Node& doc, DocContext& ctx, Rule* rule,
                                           std::optional<Aggregation>* aggregation,
                                           std::string* skip, std::vector<ParseError>* warnings);

/// `5m`, `1h`, `30s`, `2d`: seconds, or nullopt.
std::optional<int64_t> ParseTimespan(std::string_view text);

/// A scalar's text, or nullopt for anything else.
std::optional<std::string> ScalarText(const YAML::Node& node);
/// True for a YAML null (`null`, `~`, nothing) that is not quoted.
bool IsYamlNull(const YAML::Node& node);
/// True for a scalar that was not quoted (so `true`, `42` are typed).
bool IsPlain(const YAML::Node& node);

}  // namespace trailwatch::sigma::internal
