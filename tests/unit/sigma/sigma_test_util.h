// sigma_test_util: a Sigma rule made from a detection snippet, evaluated on a
// record both alone (MatchMessage) and inside a PatternSet (the indexes),
// which must agree.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "test_util.h"
#include "trailwatch/pattern.h"
#include "trailwatch/record.h"
#include "trailwatch/sigma.h"

namespace trailwatch::test {

/// A CloudTrail rule document whose `detection:` is `detection` (written
/// unindented; each line is indented by four spaces here).
inline std::string SigmaRule(const std::string& detection, const std::string& extra = "") {
  std::string out =
      "title: test rule\nid: 00000000-0000-4000-8000-000000000001\nlogsource:\n"
      "    product: aws\n    service: cloudtrail\ndetection:\n";
  size_t pos = 0;
  while (pos < detection.size()) {
    size_t end = detection.find('\n', pos);
    if (end == std::string::npos) end = detection.size();
    out += "    " + detection.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out + extra;
}

/// Whether the rule with `detection` matches `record` (a JSON object; an
/// eventTime is added when it has none). Fails the test if the rule does not
/// load or if the PatternSet disagrees with the rule alone.
inline bool SigmaMatches(const std::string& detection, std::string record) {
  auto rule = sigma::ParseRule(SigmaRule(detection), "test.yml");
  INFO(detection);
  if (!rule.ok()) FAIL(rule.error().Describe());
  const bool alone = rule.value().detection->MatchMessage(record);
  if (record.find("\"eventTime\"") == std::string::npos && record.size() > 1) {
    record.insert(1, std::string("\"eventTime\":\"2026-11-20T00:00:00Z\"") + (record[1] == '}' ? "" : ","));
  }
  PatternSet set;
  set.Add(rule.value().detection);
  set.Compile();
  PatternSet::Matcher matcher(set);
  struct Sink : RecordSink {
    PatternSet::Matcher* m;
    int hits = 0, records = 0;
    RecordOutcome OnRecord(Record& r) override {
      RecordOutcome o = m->Match(r);
      ++records;
      hits += static_cast<int>(m->matched().size());
      return o;
    }
  } sink;
  sink.m = &matcher;
  TempDir dir;
  RecordReader reader({});
  InputReport report;
  reader.Read({dir.Write("r.jsonl", record + "\n"), false, true, std::nullopt}, sink, &report);
  INFO(record);
  CHECK(sink.records == 1);
  CHECK(report.rejected == 0);
  CHECK((sink.hits == 1) == alone);
  return alone;
}

/// The first load error of `text` ("" if it loads), as "line:col: message".
inline std::string SigmaError(const std::string& text) {
  sigma::RuleSet set;
  set.AddText(text, "");
  return set.errors().empty() ? "" : set.errors().front().Describe();
}

}  // namespace trailwatch::test
