// Tests for filter-pattern errors (message and caret position), CloudWatch's
// pattern limits, and the PatternSet: one extraction pass, eventName index,
// caller selectors, and agreement with evaluating each pattern alone.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "test_util.h"
#include "trailwatch/pattern.h"
#include "trailwatch/record.h"

using trailwatch::FilterPattern;
using trailwatch::PatternError;
using trailwatch::PatternSet;
using Catch::Matchers::Contains;

namespace {

// Parses `pattern`, which must fail; returns the error.
PatternError ErrorOf(const std::string& pattern) {
  PatternError error;
  auto p = FilterPattern::Parse(pattern, &error);
  INFO(pattern);
  REQUIRE(p == nullptr);
  return error;
}

struct ErrorCase {
  const char* pattern;
  const char* message;  // a fragment of the message
  size_t offset;
};

}  // namespace

TEST_CASE("Bad patterns: the error names the problem and points at it") {
  const ErrorCase cases[] = {
      {"{ $.a = 1 ", "must end with '}'", 9},
      {"[a, b", "must end with ']'", 5},
      {"{ }", "empty JSON pattern", 2},
      {"{ $.eventName ConsoleLogin }", "expected a comparison", 14},
      {"{ eventName = x }", "starting with '$.'", 2},
      {"{ $eventName = x }", "starts with '$.'", 2},
      {"{ $. = x }", "property name after '.'", 4},
      {"{ $.a[ = 1 }", "array index or '*'", 6},
      {"{ $.a[1 = 1 }", "expected ']'", 5},
      {"{ $.a = }", "expected a value", 8},
      {"{ $.a = \"open }", "unterminated string", 8},
      {"{ $.a = %abc }", "unterminated regex", 8},
      {"{ $.a = %a(b)% }", "parentheses", 10},
      {"{ $.a = %a!b% }", "'!' is not allowed", 10},
      {"{ $.a = foo!bar }", "'!' is not allowed in an unquoted value", 11},
      {"{ $.a IS NOT NULL }", "IS NOT is not supported", 9},
      {"{ $.a NOT NULL }", "expected EXISTS after NOT", 10},
      {"{ $.a is null }", "expected a comparison", 6},
      {"{ $.a = 1 && }", "starting with '$.'", 13},
      {"{ $.a = 1 & $.b = 2 }", "expected && or ||", 10},
      {"{ ($.a = 1 }", "expected ')'", 2},
      {"{ $.a = 1 } trailing", "must end with '}'", 20},
      {"{ $.a > abc }", "compare numbers only", 8},
      {"{ $.a[*].b[*] = 1 }", "at most one wildcard", 2},
      {"{ $.a = %x% || $.b = %y% || $.c = %z% }", "at most 2 regular expressions", 34},
      {"{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }", "at most 3 wildcard selectors", 44},
      {"[a, ..., b, ..., c]", "at most one '...'", 12},
      {"[a, b = ]", "expected a value", 8},
      {"[a = 1 || b = 2]", "same field 'a'", 10},
      {"%a{3,1}%", "n < m", 2},
      {"%*a%", "nothing to repeat", 1},
      {"%a|%", "empty alternative", 3},
      {"?", "must be followed by a term", 0},
  };
  for (const ErrorCase& c : cases) {
    const PatternError e = ErrorOf(c.pattern);
    INFO(c.pattern << " -> " << e.message << " at " << e.offset);
    CHECK_THAT(e.message, Contains(c.message));
    CHECK(e.offset == c.offset);
  }
}

TEST_CASE("PatternError::Render draws a caret under the offset") {
  const std::string pattern = "{ $.eventName ConsoleLogin }";
  const PatternError e = ErrorOf(pattern);
  REQUIRE(e.Render(pattern) ==
          "expected a comparison (=, !=, <, >, <=, >=, IS, NOT EXISTS) after $.eventName\n"
          "  { $.eventName ConsoleLogin }\n"
          "                ^");
}

TEST_CASE("Patterns longer than CloudWatch's 1024 characters are refused") {
  std::string long_pattern = "{ $.a = \"" + std::string(1100, 'x') + "\" }";
  CHECK_THAT(ErrorOf(long_pattern).message, Contains("at most 1024"));
  std::string ok = "{ $.a = \"" + std::string(1000, 'x') + "\" }";
  PatternError error;
  CHECK(FilterPattern::Parse(ok, &error) != nullptr);
}

TEST_CASE("Deeply nested parentheses are an error, not a stack overflow") {
  const std::string deep = "{ " + std::string(150, '(') + "$.a = 1" + std::string(150, ')') + " }";
  CHECK_THAT(ErrorOf(deep).message, Contains("nested too deeply"));
  const std::string fine = "{ " + std::string(50, '(') + "$.a = 1" + std::string(50, ')') + " }";
  PatternError error;
  CHECK(FilterPattern::Parse(fine, &error) != nullptr);
}

namespace {

// Runs `patterns` as one PatternSet over `records` (JSON lines); returns, per
// record, the matched pattern ids joined by ','.
std::vector<std::string> RunSet(const std::vector<std::string>& patterns,
                                const std::vector<std::string>& records, std::vector<int>* ids = nullptr,
                                std::vector<std::string>* region_values = nullptr) {
  PatternSet set;
  for (const std::string& text : patterns) {
    PatternError error;
    auto p = FilterPattern::Parse(text, &error);
    REQUIRE(p != nullptr);
    set.Add(p);
  }
  PatternError error;
  const int region = set.AddSelector("$.awsRegion", &error);
  if (ids) ids->push_back(region);
  set.Compile();
  PatternSet::Matcher matcher(set);
  struct Sink : trailwatch::RecordSink {
    PatternSet::Matcher* m;
    int region;
    std::vector<std::string> out, regions;
    trailwatch::RecordOutcome OnRecord(trailwatch::Record& r) override {
      auto o = m->Match(r);
      out.push_back(fmt::format("{}", fmt::join(m->matched(), ",")));
      auto v = m->values(region);
      regions.push_back(v.empty() ? "-" : std::string(v[0].text));
      return o;
    }
  } sink;
  sink.m = &matcher;
  sink.region = region;
  trailwatch::test::TempDir dir;
  std::string content;
  for (const std::string& r : records) content += r + "\n";
  trailwatch::RecordReader reader({});
  trailwatch::InputReport report;
  reader.Read({dir.Write("r.jsonl", content), false, true, std::nullopt}, sink, &report);
  if (region_values) *region_values = sink.regions;
  return sink.out;
}

std::string Rec(const char* name, const char* extra = "") {
  return fmt::format(R"({{"eventTime":"2026-11-20T00:00:00Z","eventName":"{}","awsRegion":"eu-west-1"{}}})",
                     name, extra);
}

}  // namespace

TEST_CASE("PatternSet: indexed and unindexed patterns give the same answers as alone") {
  const std::vector<std::string> patterns = {
      "{ $.eventName = StopLogging }",                                    // indexed
      "{ ($.eventName = A) || ($.eventName = B) }",                       // indexed, two names
      "{ $.eventSource = kms.amazonaws.com && ($.eventName = DisableKey || $.eventName = X) }",
      "{ $.eventName = Delete* }",                                        // wildcard: not indexed
      "{ $.errorCode = \"AccessDenied*\" }",                              // no eventName
      "{ $.eventName = A || $.errorCode = E }",                           // OR with a non-name: not indexed
      "StopLogging",                                                      // a term pattern
      "",                                                                 // match-all
  };
  const std::vector<std::string> records = {
      Rec("StopLogging"), Rec("A"), Rec("B", R"(,"errorCode":"E")"),
      Rec("DisableKey", R"(,"eventSource":"kms.amazonaws.com")"), Rec("DisableKey"),
      Rec("DeleteTrail", R"(,"errorCode":"AccessDeniedException")"), Rec("Other", R"(,"errorCode":"E")"),
  };
  const std::vector<std::string> together = RunSet(patterns, records);
  REQUIRE(together == std::vector<std::string>{"0,6,7", "1,5,7", "1,5,7", "2,7", "7", "3,4,7", "5,7"});
  // Each pattern alone gives the same verdicts.
  for (size_t p = 0; p < patterns.size(); ++p) {
    const std::vector<std::string> alone = RunSet({patterns[p]}, records);
    for (size_t r = 0; r < records.size(); ++r) {
      const bool in_set = ("," + together[r] + ",").find(fmt::format(",{},", p)) != std::string::npos;
      INFO("pattern " << p << " record " << r);
      CHECK(in_set == (alone[r] == "0"));
    }
  }
}

TEST_CASE("PatternSet: caller selectors are extracted in the same pass") {
  std::vector<std::string> regions;
  RunSet({"{ $.eventName = A }"}, {Rec("A"), R"({"eventTime":"2026-11-20T00:00:00Z","eventName":"B"})"},
         nullptr, &regions);
  REQUIRE(regions == std::vector<std::string>{"eu-west-1", "-"});
}

TEST_CASE("PatternSet: a record twice keyed eventName meets the patterns of both values") {
  const auto out = RunSet({"{ $.eventName = StopLogging }"},
                          {R"({"eventTime":"2026-11-20T00:00:00Z","eventName":"Benign","eventName":"StopLogging"})"});
  REQUIRE(out == std::vector<std::string>{"0"});
}

TEST_CASE("PatternSet: eventSource index, and names that are not strings") {
  const std::vector<std::string> patterns = {
      "{ $.eventSource = kms.amazonaws.com && $.errorCode = X }",  // indexed by eventSource
      "{ $.eventName = 400 }",       // a number literal equals 4e2: not indexed by text
      "{ $.eventName = \"400\" }",   // a string literal equals the number's text 400
      "{ $.eventName = true }",      // equals a JSON true
  };
  const std::vector<std::string> records = {
      R"({"eventTime":"2026-11-20T00:00:00Z","eventSource":"kms.amazonaws.com","errorCode":"X"})",
      R"({"eventTime":"2026-11-20T00:00:00Z","eventSource":"KMS.amazonaws.com","errorCode":"X"})",
      R"({"eventTime":"2026-11-20T00:00:00Z","eventName":4e2})",
      R"({"eventTime":"2026-11-20T00:00:00Z","eventName":400})",
      R"({"eventTime":"2026-11-20T00:00:00Z","eventName":true})",
  };
  const std::vector<std::string> together = RunSet(patterns, records);
  CHECK(together == std::vector<std::string>{"0", "", "1", "1,2", "3"});
  for (size_t p = 0; p < patterns.size(); ++p) {
    const std::vector<std::string> alone = RunSet({patterns[p]}, records);
    for (size_t r = 0; r < records.size(); ++r) {
      const bool in_set = ("," + together[r] + ",").find(fmt::format(",{},", p)) != std::string::npos;
      INFO("pattern " << p << " record " << r);
      CHECK(in_set == (alone[r] == "0"));
    }
  }
}
