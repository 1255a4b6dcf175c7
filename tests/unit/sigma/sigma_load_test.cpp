// The Sigma loader: metadata, log sources, errors with file:line:column,
// documents that fail alone, skipped rules with reasons, correlation rules
// and the old count() form, reference linking, hostile YAML, and the
// PatternSet indexes for Sigma (case-folded eventName, then eventSource).
#include <fmt/format.h>

#include "sigma_test_util.h"

using trailwatch::PatternSet;
using trailwatch::sigma::Correlation;
using trailwatch::sigma::Level;
using trailwatch::sigma::RuleSet;
using trailwatch::test::SigmaError;
using trailwatch::test::SigmaRule;
using Catch::Matchers::Contains;

TEST_CASE("Sigma load: metadata, level, ATT&CK ids") {
  const std::string text = SigmaRule("sel:\n    eventName: A\ncondition: sel",
                                     "level: high\nstatus: test\nauthor: me\n"
                                     "tags:\n    - attack.persistence\n    - attack.t1098.001\n"
                                     "    - attack.t1078\n    - cve.2021.1234\n"
                                     "references:\n    - https://example.com/a\n"
                                     "falsepositives:\n    - Admins\nfields:\n    - userIdentity.arn\n"
                                     "description: |\n    two\n    lines\n");
  auto rule = trailwatch::sigma::ParseRule(text, "x.yml");
  REQUIRE(rule.ok());
  const auto& info = rule.value().info;
  CHECK(info.title == "test rule");
  CHECK(info.id == "00000000-0000-4000-8000-000000000001");
  CHECK(info.level == Level::kHigh);
  CHECK(trailwatch::sigma::LevelName(info.level) == "high");
  CHECK(info.status == "test");
  CHECK(info.author == "me");
  CHECK(info.tags.size() == 4);
  CHECK(info.attack_ids == std::vector<std::string>{"T1098.001", "T1078"});
  CHECK(info.references == std::vector<std::string>{"https://example.com/a"});
  CHECK(info.falsepositives == std::vector<std::string>{"Admins"});
  CHECK(info.fields == std::vector<std::string>{"userIdentity.arn"});
  CHECK(info.description == "two\nlines\n");
  CHECK(info.file == "x.yml");
  CHECK(info.line == 1);
  CHECK(rule.value().condition == "sel");
  CHECK(rule.value().detection->kind() == trailwatch::FilterPattern::Kind::kSigma);
}

TEST_CASE("Sigma load: other log sources are skipped with the reason") {
  RuleSet set;
  set.AddText("title: w\nlogsource:\n    product: windows\n    service: security\n"
              "detection:\n    s:\n        EventID: 4624\n    condition: s\n---\n"
              "title: g\nlogsource:\n    product: gcp\n    service: gcp.audit\n"
              "detection:\n    s:\n        a: 1\n    condition: s\n---\n"
              "title: c\nlogsource:\n    product: AWS\n    service: CloudTrail\n"
              "detection:\n    s:\n        a: 1\n    condition: s\n",
              "mixed.yml");
  CHECK(set.errors().empty());
  CHECK(set.rules().size() == 1);  // product/service compare without case
  REQUIRE(set.skipped().size() == 2);
  CHECK(set.skipped()[0].title == "w");
  CHECK(set.skipped()[0].line == 1);
  CHECK(set.skipped()[0].reason ==
        "logsource product: windows, service: security is not CloudTrail (product: aws, service: cloudtrail)");
  CHECK(set.skipped()[1].line == 10);
}

TEST_CASE("Sigma load: errors name file, line and column") {
  struct Case {
    std::string text;
    std::string error;  // "line:col: message" fragment
  };
  const std::string head = "title: t\nlogsource:\n    product: aws\n    service: cloudtrail\n";
  const Case cases[] = {
      {head + "detection:\n    s:\n        a|nope: 1\n    condition: s\n", "7:9: unknown modifier 'nope'"},
      {head + "detection:\n    s:\n        a: 1\n", "6:5: the detection needs a 'condition'"},
      {head + "detection:\n    s:\n        a: 1\n    condition: s and t\n", "8:22: in condition: no search identifier 't'"},
      {head + "detection:\n    s:\n        a: 1\n    condition: 's and'\n", "8:22: in condition: the condition ends too early"},
      {head + "detection:\n    s:\n        a: 1\n    condition: 1 of x*\n", "8:21: in condition: 'x*' names no search identifier"},
      {head + "detection:\n    s:\n        a: 1\n    condition: s)\n", "8:17: in condition: unexpected ')'"},
      {head + "detection:\n    s:\n        a|re: '(a'\n    condition: s\n", "7:15: invalid regular expression: missing )"},
      {head + "detection:\n    s:\n        a|re: '(a)\\1'\n    condition: s\n", "invalid regular expression"},
      {head + "detection:\n    s:\n        a|cidr: 10.0.0.0/33\n    condition: s\n", "7:17: invalid CIDR range"},
      {head + "detection:\n    s:\n        a|exists: yes\n    condition: s\n", "7:19: 'exists' takes true or false"},
      {head + "detection:\n    s:\n        a|gt: ten\n    condition: s\n", "a numeric modifier needs a number"},
      {head + "detection:\n    s:\n        a: []\n    condition: s\n", "7:12: empty list of values"},
      {head + "detection:\n    s:\n        a:\n            b: 1\n    condition: s\n", "a field's value must be a value or a list"},
      {head + "detection:\n    s:\n        a|contains|re: x\n    condition: s\n", "cannot follow a string modifier"},
      {head + "detection:\n    s:\n        a|i: x\n    condition: s\n", "needs 're' before it"},
      {head + "detection:\n    s:\n        a|contains|base64: 'x*'\n    condition: s\n", "needs a value without wildcards"},
      {head + "detection:\n    s:\n        a..b: x\n    condition: s\n", "invalid field name 'a..b'"},
      {head + "detection:\n    s:\n        a|contains: null\n    condition: s\n", "null takes no modifier"},
      {head + "detection:\n    s:\n    condition: s\n", "empty search identifier"},
      {head + "detection:\n    s:\n        a: 1\n    condition: s | count() > 5\n", "needs a 'timeframe'"},
      {head + "detection:\n    s:\n        a: 1\n    condition: s | max(x) > 5\n", "expected count(...)"},
      {"title: t\ndetection:\n    s:\n        a: 1\n    condition: s\n", "1:1: a detection rule needs a 'logsource'"},
      {"logsource: {}\ndetection: {}\n", "1:1: a Sigma rule needs a 'title'"},
      {"title: [a\n", "invalid YAML"},
      {"title: t\nlogsource: x\n", "needs 'detection' or 'correlation'"},
      {"- a\n- b\n", "a Sigma document must be a map"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK_THAT(SigmaError(c.text), Contains(c.error));
  }
}

TEST_CASE("Sigma load: one broken document costs only itself; lines count from the file") {
  RuleSet set;
  const std::string ok = "title: ok\nlogsource:\n    product: aws\n    service: cloudtrail\n"
                         "detection:\n    s:\n        a: 1\n    condition: s\n";
  set.AddText(ok + "---\ntitle: bad\n  key: [\n---\n" + ok + "---\n" + ok.substr(0, ok.size() - 2) +
                  "x\n",
              "f.yml");
  CHECK(set.documents() == 3);
  CHECK(set.rules().size() == 2);
  REQUIRE(set.errors().size() == 2);
  CHECK_THAT(set.errors()[0].Describe(), Contains("f.yml:11:6: invalid YAML"));
  CHECK_THAT(set.errors()[1].Describe(), Contains("f.yml:29:16:"));  // the last document's condition
  CHECK_THAT(set.errors()[1].Describe(), Contains("no search identifier 'x'"));
  CHECK(set.rules()[1].info.line == 13);
}

TEST_CASE("Sigma load: placeholders, time modifiers, near, Sigma filters are skipped") {
  const std::string head = "title: t\nlogsource:\n    product: aws\n    service: cloudtrail\n";
  auto reason = [](const std::string& text) {
    RuleSet set;
    set.AddText(text, "");
    CHECK(set.errors().empty());
    return set.skipped().empty() ? std::string() : set.skipped()[0].reason;
  };
  CHECK_THAT(reason(head + "detection:\n    s:\n        ip|expand: '%ips%'\n    condition: s\n"),
             Contains("|expand"));
  CHECK_THAT(reason(head + "detection:\n    s:\n        eventTime|hour: 3\n    condition: s\n"),
             Contains("time modifier 'hour'"));
  CHECK_THAT(reason(head + "detection:\n    s:\n        a: 1\n    t:\n        b: 1\n"
                           "    timeframe: 5m\n    condition: s | near t\n"),
             Contains("'near'"));
  CHECK_THAT(reason("title: f\nfilter:\n    rules: [x]\n"), Contains("Sigma filters"));
  RuleSet sum;
  sum.AddText("title: s\ncorrelation:\n    type: value_sum\n    rules: x\n    timespan: 1h\n", "");
  REQUIRE(sum.skipped().size() == 1);
  CHECK(sum.skipped()[0].reason == "correlation type 'value_sum' is not supported");
}

TEST_CASE("Sigma correlation rules: types, fields, condition, generate, aliases") {
  RuleSet set;
  set.AddText(R"(title: brute force then success
id: c1
correlation:
    type: temporal_ordered
    rules:
        - many_failed
        - Successful login
    group-by:
        - userIdentity.arn
    timespan: 10m
    aliases:
        user:
            many_failed: userIdentity.arn
generate: true
level: critical
---
title: Many failed
id: c2
name: many_failed
correlation:
    type: event_count
    rules: failed_login
    group-by: sourceIPAddress
    timespan: 5m
    condition:
        gt: 10
        lte: 100
---
title: Distinct names
id: c3
correlation:
    type: value_count
    rules: [a0000000-0000-4000-8000-00000000000a]
    timespan: 1d
    condition:
        field: eventName
        gte: 3
---
title: Failed login
id: a0000000-0000-4000-8000-00000000000a
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    s: {eventName: ConsoleLogin, errorMessage: Failed authentication}
    condition: s
---
title: Successful login
id: a0000000-0000-4000-8000-00000000000b
logsource: {product: aws, service: cloudtrail}
detection:
    s: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Success}
    condition: s
)",
              "c.yml");
  set.Link();
  INFO((set.errors().empty() ? "" : set.errors()[0].Describe()));
  REQUIRE(set.errors().empty());
  REQUIRE(set.rules().size() == 2);
  REQUIRE(set.correlations().size() == 3);
  const Correlation& ordered = set.correlations()[0];
  CHECK(ordered.type == Correlation::Type::kTemporalOrdered);
  CHECK(ordered.timespan_seconds == 600);
  CHECK(ordered.group_by == std::vector<std::string>{"userIdentity.arn"});
  CHECK(ordered.generate);
  CHECK(ordered.condition.empty());
  CHECK(ordered.aliases.at("user").at("many_failed") == "userIdentity.arn");
  CHECK(ordered.info.level == Level::kCritical);
  REQUIRE(ordered.targets.size() == 2);
  CHECK(ordered.targets[0].correlation);  // by name
  CHECK(ordered.targets[0].index == 1);
  CHECK_FALSE(ordered.targets[1].correlation);  // by title
  CHECK(ordered.targets[1].index == 1);
  const Correlation& count = set.correlations()[1];
  CHECK(count.type == Correlation::Type::kEventCount);
  CHECK(count.group_by == std::vector<std::string>{"sourceIPAddress"});
  REQUIRE(count.condition.size() == 2);
  CHECK_FALSE(count.condition[0].Holds(10));
  CHECK(count.condition[0].Holds(11));
  CHECK(count.condition[1].Holds(100));
  CHECK_FALSE(count.condition[1].Holds(101));
  CHECK(count.targets[0].index == 0);  // by name
  const Correlation& values = set.correlations()[2];
  CHECK(values.type == Correlation::Type::kValueCount);
  CHECK(values.value_fields == std::vector<std::string>{"eventName"});
  CHECK(values.timespan_seconds == 86400);
  CHECK(values.targets[0].index == 0);  // by id
  // generate: the correlation naming "Successful login" generates it; the
  // failed-login rule feeds only non-generating correlations.
  CHECK_FALSE(set.rules()[0].standalone);
  CHECK(set.rules()[1].standalone);
}

TEST_CASE("Sigma correlation rules: malformed ones are errors") {
  auto error = [](const std::string& body) {
    return SigmaError("title: c\ncorrelation:\n" + body);
  };
  CHECK_THAT(error("    type: event_count\n    rules: x\n    timespan: 5m\n"), Contains("needs a 'condition'"));
  CHECK_THAT(error("    type: event_count\n    rules: x\n    condition: {gte: 1}\n"), Contains("needs a 'timespan'"));
  CHECK_THAT(error("    type: event_count\n    rules: x\n    timespan: 5 minutes\n    condition: {gte: 1}\n"),
             Contains("5:15: invalid timespan '5 minutes'"));
  CHECK_THAT(error("    type: event_count\n    timespan: 5m\n    condition: {gte: 1}\n"), Contains("needs 'rules'"));
  CHECK_THAT(error("    type: sometimes\n    rules: x\n    timespan: 5m\n"), Contains("unknown correlation type"));
  CHECK_THAT(error("    type: value_count\n    rules: x\n    timespan: 5m\n    condition: {gte: 1}\n"),
             Contains("needs 'field'"));
  CHECK_THAT(error("    type: event_count\n    rules: x\n    timespan: 5m\n    condition: {most: 1}\n"),
             Contains("unknown condition 'most'"));
  CHECK_THAT(error("    type: event_count\n    rules: x\n    timespan: 5m\n    condition: {gte: many}\n"),
             Contains("'gte' needs a number"));
  CHECK_THAT(error("    type: temporal\n    rules: x\n    timespan: 5m\n    generate: maybe\n"),
             Contains("'generate' is true or false"));
}

TEST_CASE("Sigma correlation rules: unknown, ambiguous and cyclic references are dropped") {
  RuleSet set;
  set.AddText("title: c1\ncorrelation: {type: temporal, rules: [nothing], timespan: 1m}\n---\n"
              "title: c2\ncorrelation: {type: temporal, rules: [c3], timespan: 1m}\n---\n"
              "title: c3\ncorrelation: {type: temporal, rules: [c2], timespan: 1m}\n---\n"
              "title: c4\ncorrelation: {type: temporal, rules: [c1], timespan: 1m}\n",
              "a.yml");
  set.AddText("title: dup\nlogsource: {product: aws, service: cloudtrail}\n"
              "detection: {s: {a: 1}, condition: s}\n",
              "b.yml");
  set.AddText("title: dup\nlogsource: {product: aws, service: cloudtrail}\n"
              "detection: {s: {a: 1}, condition: s}\n---\n"
              "title: c5\ncorrelation: {type: temporal, rules: [dup], timespan: 1m}\n",
              "c.yml");
  set.AddText("title: c6\ncorrelation: {type: temporal, rules: [dup], timespan: 1m}\n", "d.yml");
  set.Link();
  std::string all;
  for (const auto& e : set.errors()) all += e.Describe() + "\n";
  INFO(all);
  CHECK_THAT(all, Contains("a.yml:1:1: correlation 'c1': no loaded rule 'nothing'"));
  CHECK_THAT(all, Contains("its references form a cycle"));
  CHECK_THAT(all, Contains("d.yml:1:1: correlation 'c6': 'dup' names several rules"));
  // c4 names a dropped correlation; c5 names the rule of its own file.
  REQUIRE(set.correlations().size() == 1);
  CHECK(set.correlations()[0].info.title == "c5");
  CHECK(set.rules()[set.correlations()[0].targets[0].index].info.file == "c.yml");
}

TEST_CASE("Sigma load: the old count() forms") {
  const std::string head = "title: t\nid: old\nlogsource: {product: aws, service: cloudtrail}\n";
  RuleSet set;
  set.AddText(head + "detection:\n    s: {eventName: 'list*'}\n    timeframe: 1h\n"
                     "    condition: s | count(eventName) by userIdentity.arn, awsRegion >= 20\n",
              "");
  set.Link();
  REQUIRE(set.errors().empty());
  REQUIRE(set.correlations().size() == 1);
  const Correlation& c = set.correlations()[0];
  CHECK(c.legacy);
  CHECK(c.type == Correlation::Type::kValueCount);
  CHECK(c.value_fields == std::vector<std::string>{"eventName"});
  CHECK(c.group_by == std::vector<std::string>{"userIdentity.arn", "awsRegion"});
  CHECK(c.timespan_seconds == 3600);
  CHECK(c.condition[0].op == Correlation::Bound::Op::kGte);
  CHECK(c.condition[0].value == 20);
  CHECK(c.rule_refs == std::vector<std::string>{"old"});
  CHECK_FALSE(set.rules()[0].standalone);
  CHECK(set.rules()[0].condition == "s | count(eventName) by userIdentity.arn, awsRegion >= 20");
}

TEST_CASE("Sigma load: hostile YAML is refused, never expanded or recursed without bound") {
  // Aliases share nodes in YAML but multiply in a detection: a list of 100
  // maps of 100 fields of 1000 values is 10 million tests from a few KB.
  std::string laughs = "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
                       "    v: &v [";
  for (int i = 0; i < 1000; ++i) laughs += "x, ";
  laughs += "x]\n    m: &m\n";
  for (int i = 0; i < 100; ++i) laughs += fmt::format("        k{}: *v\n", i);
  laughs += "    s:\n";
  for (int i = 0; i < 100; ++i) laughs += "        - *m\n";
  laughs += "    condition: s\n";
  CHECK(laughs.size() < 10000);
  CHECK_THAT(SigmaError(laughs), Contains("too many YAML nodes"));
  // yaml-cpp 0.7's LoadAll loops forever, allocating, on a document that
  // starts with ',' (yaml-cpp issue 1040): each document is loaded alone.
  CHECK_THAT(SigmaError(","), Contains("1:1: invalid YAML: no document could be read here"));
  CHECK_THAT(SigmaError(SigmaRule("s: {a: 1}\ncondition: s") + "---\n,,,,title: many\nname: x\n"),
             Contains("10:1: invalid YAML"));
  {
    RuleSet dots;  // `...` ends a document too
    dots.AddText(SigmaRule("s: {a: 1}\ncondition: s") + "...\n" + SigmaRule("s: {a: 1}\ncondition: s"), "");
    CHECK(dots.errors().empty());
    CHECK(dots.rules().size() == 2);
  }
  // Deep flow nesting is a YAML error, not a stack overflow.
  const std::string deep = "title: " + std::string(100000, '[') + "\n";
  CHECK_FALSE(SigmaError(deep).empty());
  // A condition nested too deeply, and one that multiplies a large selection.
  const std::string head = "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    s: {a: 1}\n";
  CHECK_THAT(SigmaError(head + "    condition: " + std::string(200, '(') + "s" + std::string(200, ')') + "\n"),
             Contains("nested too deeply"));
  std::string big = "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    s:\n        a:\n";
  for (int i = 0; i < 20000; ++i) big += "            - v\n";
  big += "    condition: s";
  for (int i = 0; i < 100; ++i) big += " and s";
  CHECK_THAT(SigmaError(big + "\n"), Contains("too large"));
}

TEST_CASE("Sigma load: ParseRule and LooksLikeSigma") {
  CHECK(trailwatch::sigma::LooksLikeSigma(SigmaRule("s: {a: 1}\ncondition: s")));
  CHECK(trailwatch::sigma::LooksLikeSigma("title: x\ncorrelation:\n  type: temporal\n"));
  CHECK_FALSE(trailwatch::sigma::LooksLikeSigma("resource \"aws_cloudwatch_log_metric_filter\" \"x\" {}\n"));
  CHECK_FALSE(trailwatch::sigma::LooksLikeSigma("{\"metricFilters\": []}"));
  auto two = trailwatch::sigma::ParseRule(SigmaRule("s: {a: 1}\ncondition: s") + "---\n" +
                                              SigmaRule("s: {a: 1}\ncondition: s"),
                                          "two.yml");
  REQUIRE_FALSE(two.ok());
  CHECK_THAT(two.error().message, Contains("expected one Sigma detection rule"));
  auto skipped = trailwatch::sigma::ParseRule("title: w\nlogsource: {product: windows}\n"
                                              "detection: {s: {a: 1}, condition: s}\n",
                                              "w.yml");
  REQUIRE_FALSE(skipped.ok());
  CHECK_THAT(skipped.error().message, Contains("rule skipped: logsource product: windows"));
}

namespace {

// Runs `rules` (detections) in one PatternSet over one record; the matched ids.
std::vector<uint32_t> RunSigmaSet(const std::vector<std::string>& detections, const std::string& record,
                                  size_t* unindexed) {
  PatternSet set;
  for (const std::string& d : detections) {
    auto rule = trailwatch::sigma::ParseRule(SigmaRule(d), "");
    REQUIRE(rule.ok());
    set.Add(rule.value().detection);
  }
  set.Compile();
  *unindexed = set.unindexed();
  PatternSet::Matcher matcher(set);
  struct Sink : trailwatch::RecordSink {
    PatternSet::Matcher* m;
    std::vector<uint32_t> ids;
    trailwatch::RecordOutcome OnRecord(trailwatch::Record& r) override {
      auto o = m->Match(r);
      ids = m->matched();
      return o;
    }
  } sink;
  sink.m = &matcher;
  trailwatch::test::TempDir dir;
  trailwatch::RecordReader reader({});
  trailwatch::InputReport report;
  reader.Read({dir.Write("r.jsonl", record + "\n"), false, true, std::nullopt}, sink, &report);
  return sink.ids;
}

}  // namespace

TEST_CASE("Sigma in a PatternSet: indexed by eventName without case, else eventSource") {
  const std::vector<std::string> rules = {
      "s: {eventName: DeleteBucket}\ncondition: s",                           // 0: name index
      "s: {eventSource: s3.amazonaws.com, eventName: [PutBucketAcl, DeleteBucket]}\ncondition: s",  // 1: name
      "s: {eventSource: S3.AMAZONAWS.COM}\ncondition: s",                     // 2: source index
      "s: {eventName|cased: deletebucket}\ncondition: s",                     // 3: name index, cased
      "s: {eventName: DeleteBucket}\ncondition: not s",                       // 4: not indexed
      "s: {eventName: 'Delete*'}\ncondition: s",                              // 5: not indexed
      "s: {eventName: DeleteBucket}\nt: {x: 1}\ncondition: s or t",           // 6: not indexed
      "s: {eventName: '{\"a\":1}'}\ncondition: s",                            // 7: not indexed (object text)
  };
  size_t unindexed = 0;
  const std::string rec = R"({"eventTime":"2026-11-20T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"deleteBUCKET"})";
  CHECK(RunSigmaSet(rules, rec, &unindexed) == std::vector<uint32_t>{0, 1, 2, 5, 6});
  CHECK(unindexed == 4);
  const std::string other = R"({"eventTime":"2026-11-20T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances"})";
  CHECK(RunSigmaSet(rules, other, &unindexed) == std::vector<uint32_t>{4});
  // A name held in an array, or as an object, still meets its rules.
  const std::string arr = R"({"eventTime":"2026-11-20T00:00:00Z","eventName":["x","DeleteBucket"],"o":1})";
  CHECK(RunSigmaSet(rules, arr, &unindexed) == std::vector<uint32_t>{0, 5, 6});
  const std::string obj = R"({"eventTime":"2026-11-20T00:00:00Z","eventName":{"a":1}})";
  CHECK(RunSigmaSet(rules, obj, &unindexed) == std::vector<uint32_t>{4, 7});
}

TEST_CASE("Sigma and CloudWatch patterns share one PatternSet and one walk") {
  PatternSet set;
  trailwatch::PatternError error;
  set.Add(trailwatch::FilterPattern::Parse("{ $.eventName = DeleteBucket }", &error));
  set.Add(trailwatch::FilterPattern::Parse("{ $.a[0] = \"x\" }", &error));
  auto rule = trailwatch::sigma::ParseRule(SigmaRule("s: {eventName: deletebucket, a: y}\ncondition: s"), "");
  REQUIRE(rule.ok());
  set.Add(rule.value().detection);
  const int arn = set.AddSigmaField("userIdentity.arn", &error);
  REQUIRE(arn >= 0);
  CHECK(set.AddSigmaField("a..b", &error) == -1);
  set.Compile();
  PatternSet::Matcher matcher(set);
  struct Sink : trailwatch::RecordSink {
    PatternSet::Matcher* m;
    int arn;
    std::vector<std::string> out;
    trailwatch::RecordOutcome OnRecord(trailwatch::Record& r) override {
      auto o = m->Match(r);
      auto v = m->values(arn);
      out.push_back(fmt::format("{}|{}", fmt::join(m->matched(), ","), v.size() > 1 ? v[1].text : "-"));
      return o;
    }
  } sink;
  sink.m = &matcher;
  sink.arn = arn;
  trailwatch::test::TempDir dir;
  trailwatch::RecordReader reader({});
  trailwatch::InputReport report;
  // CloudWatch: exact name, a[0] only; Sigma: any case, any element of a.
  reader.Read({dir.Write("r.jsonl",
                         R"({"eventTime":"2026-11-20T00:00:00Z","eventName":"DeleteBucket","a":["x","y"],"userIdentity":{"arn":["p","q"]}})"
                         "\n"
                         R"({"eventTime":"2026-11-20T00:00:00Z","eventName":"deletebucket","a":["y","x"]})"
                         "\n"),
               false, true, std::nullopt},
              sink, &report);
  CHECK(sink.out == std::vector<std::string>{"0,1,2|p", "2|-"});
}
