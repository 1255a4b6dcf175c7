// pattern_fuzz: libFuzzer target for the filter-pattern parser and matcher.
// Input: the pattern on the first line, the message after it. Any pattern
// must parse or fail cleanly; a parsed pattern must match or not, cleanly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "trailwatch/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view pattern = input.substr(0, nl);
  const std::string_view message = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  trailwatch::PatternError error;
  auto p = trailwatch::FilterPattern::Parse(pattern, &error);
  if (!p) {
    (void)error.Render(pattern);
    return 0;
  }
  trailwatch::FilterPattern::Extracted extracted;
  (void)p->MatchMessage(message, &extracted);
  return 0;
}
