// test-pattern: `aws logs test-metric-filter`, offline: one line per message,
// "match" or "nomatch" then the message; or JSON lines with what was extracted.
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "output/write.h"
#include "trailwatch/escape.h"
#include "trailwatch/pattern.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {


}  // namespace

int RunTestPattern(const TestPatternOptions& options) {
  PatternError error;
  std::shared_ptr<const FilterPattern> p = FilterPattern::Parse(options.pattern, &error);
  if (!p) {
    output::Diagnostic(fmt::format("invalid pattern: {}", error.Render(options.pattern)));
    return kExitError;
  }
  bool any = false;
  auto test = [&](std::string_view message) {
    FilterPattern::Extracted extracted;
    const bool match = p->MatchMessage(message, &extracted);
    any |= match;
    std::string line;
    if (options.jsonl) {
      line = fmt::format(R"({{"match":{},"message":{},"extracted":{{)", match, JsonQuoted(message));
      for (size_t i = 0; i < extracted.size(); ++i) {
        line += fmt::format("{}{}:{}", i ? "," : "", JsonQuoted(extracted[i].first),
                            JsonQuoted(extracted[i].second));
      }
      line += "}}\n";
    } else {
      line = fmt::format("{} {}\n", match ? "match" : "nomatch", TerminalSafe(message));
    }
    return output::WriteStdout(line);
  };
  if (!options.messages.empty()) {
    for (const std::string& m : options.messages) {
      if (!test(m)) return kExitOk;
    }
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!test(line)) return kExitOk;
    }
  }
  return any ? kExitOk : kExitNoMatch;
}

}  // namespace trailwatch
