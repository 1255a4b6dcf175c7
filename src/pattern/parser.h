// parser: filter-pattern text -> Ast, with errors positioned for a caret.
#pragma once

#include <string_view>

#include "pattern/ast.h"
#include "trailwatch/pattern.h"

namespace trailwatch::pattern {

/// CloudWatch's limits (spec 2.7), enforced so that a rule that AWS would
/// refuse is refused here too.
inline constexpr size_t kMaxPatternLength = 1024;
inline constexpr size_t kMaxRegexes = 2;
inline constexpr size_t kMaxWildcardSelectors = 3;

/// Parses any kind of pattern (spec 1). Returns false and fills `error` on failure.
bool Parse(std::string_view text, Ast* ast, PatternError* error);

/// Parses a selector such as `$.userIdentity.arn` (for metric values and
/// dimensions). Returns false and fills `error` on failure.
bool ParseSelector(std::string_view text, Selector* selector, PatternError* error);

}  // namespace trailwatch::pattern
