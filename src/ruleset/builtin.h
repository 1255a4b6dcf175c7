// builtin: the rule pack in rules/, compiled into the binary (the .cpp is
// generated at build time by cmake/EmbedRules.cmake).
#pragma once

#include <span>
#include <string_view>

namespace trailwatch::ruleset {

struct BuiltinFile {
  std::string_view name;  ///< file name inside rules/
  std::string_view text;
};

/// The *.tf files of rules/ and its examples/*.jsonl ("examples/x.jsonl"), in name order.
std::span<const BuiltinFile> BuiltinFiles();

}  // namespace trailwatch::ruleset
