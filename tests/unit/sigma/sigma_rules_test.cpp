// Sigma rule sets written by others, read where they are (../shared/data/sigma,
// or $TRAILWATCH_SHARED/data/sigma; skipped when absent): every SigmaHQ
// CloudTrail rule loads and gives the expected verdict on our own records
// (tests/data/sigma/sigmahq/<rule id>.jsonl, eventID "match-N"/"nomatch-N"),
// through a PatternSet of all of them and alone; suzaku's set loads whole.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "trailwatch/pattern.h"
#include "trailwatch/record.h"
#include "trailwatch/sigma.h"

namespace fs = std::filesystem;
using trailwatch::PatternSet;
using trailwatch::sigma::Correlation;
using trailwatch::sigma::RuleSet;

namespace {

// The shared data folder, or "" (with a "skipped:" message) when absent.
std::string SigmaDir() {
  const char* env = std::getenv("TRAILWATCH_SHARED");
  const fs::path dir = fs::path(env != nullptr ? env : TW_SHARED_DIR) / "data" / "sigma";
  if (!fs::is_directory(dir)) {
    WARN("skipped: no " << dir.string() << " (the shared data folder is not next to the repo)");
    return "";
  }
  return dir.string();
}

std::string Errors(const RuleSet& set) {
  std::string out;
  for (const auto& e : set.errors()) out += e.Describe() + "\n";
  for (const auto& s : set.skipped()) out += s.file + ": skipped: " + s.reason + "\n";
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("SigmaHQ: all 57 CloudTrail rules load") {
  const std::string dir = SigmaDir();
  if (dir.empty()) return;
  RuleSet set;
  set.AddPath(dir + "/sigmahq/rules/cloud/aws/cloudtrail");
  set.Link();
  INFO(Errors(set));
  CHECK(set.documents() == 57);
  CHECK(set.rules().size() == 57);
  CHECK(set.errors().empty());
  CHECK(set.skipped().empty());
  CHECK(set.warnings().empty());
  for (const auto& rule : set.rules()) {
    CHECK(rule.standalone);
    CHECK(!rule.info.id.empty());
    CHECK(rule.info.level != trailwatch::sigma::Level::kNone);
  }
}

TEST_CASE("SigmaHQ: each CloudTrail rule gives the expected verdict on its records") {
  const std::string dir = SigmaDir();
  if (dir.empty()) return;
  RuleSet set;
  set.AddPath(dir + "/sigmahq/rules/cloud/aws/cloudtrail");
  set.Link();
  REQUIRE(set.rules().size() == 57);
  PatternSet patterns;
  std::map<std::string, uint32_t> by_id;
  for (const auto& rule : set.rules()) by_id[rule.info.id] = patterns.Add(rule.detection);
  patterns.Compile();
  // Only the rules that name no eventName/eventSource value run on every record.
  CHECK(patterns.unindexed() == 4);  // trufflehog, imds, root, assumed role

  const fs::path data = fs::path(TW_TEST_DATA) / "sigma" / "sigmahq";
  size_t files = 0, records = 0;
  for (const auto& rule : set.rules()) {
    const std::string path = (data / (rule.info.id + ".jsonl")).string();
    INFO(rule.info.file << "\n  records: " << path);
    REQUIRE(fs::exists(path));
    ++files;
    // Alone, as test-pattern would.
    std::map<std::string, bool> expected;
    for (const std::string& line : Lines(path)) {
      const bool want = line.find("\"eventID\":\"match-") != std::string::npos;
      INFO(line);
      CHECK(rule.detection->MatchMessage(line) == want);
    }
    // In the set of all 57, through the indexes.
    struct Sink : trailwatch::RecordSink {
      PatternSet::Matcher* m;
      uint32_t id;
      std::vector<std::pair<bool, bool>> seen;  // (expected, matched)
      trailwatch::RecordOutcome OnRecord(trailwatch::Record& r) override {
        auto o = m->Match(r);
        const auto& ids = m->matched();
        const bool hit = std::find(ids.begin(), ids.end(), id) != ids.end();
        auto raw = r.RawJson();
        const bool want = raw.ok() && raw.value().find("\"eventID\":\"match-") != std::string::npos;
        seen.emplace_back(want, hit);
        return o;
      }
    } sink;
    PatternSet::Matcher matcher(patterns);
    sink.m = &matcher;
    sink.id = by_id.at(rule.info.id);
    trailwatch::RecordReader reader({});
    trailwatch::InputReport report;
    reader.Read({path, false, true, std::nullopt}, sink, &report);
    CHECK(report.rejected == 0);
    size_t matches = 0, nomatches = 0;
    for (size_t i = 0; i < sink.seen.size(); ++i) {
      INFO("record " << i + 1);
      CHECK(sink.seen[i].first == sink.seen[i].second);
      (sink.seen[i].first ? matches : nomatches) += 1;
    }
    CHECK(matches >= 1);
    CHECK(nomatches >= 2);
    records += sink.seen.size();
  }
  CHECK(files == 57);
  CHECK(records > 57 * 3);
}

TEST_CASE("SigmaHQ: the unsupported rules' old count() form becomes correlations") {
  const std::string dir = SigmaDir();
  if (dir.empty()) return;
  RuleSet set;
  set.AddPath(dir + "/sigmahq/unsupported/cloud");
  set.Link();
  INFO(Errors(set));
  CHECK(set.errors().empty());
  REQUIRE(set.skipped().size() == 1);  // `near`
  CHECK(set.skipped()[0].reason == "the 'near' aggregation is not supported");
  CHECK(set.rules().size() == 7);
  REQUIRE(set.correlations().size() == 6);
  const Correlation* macie = nullptr;
  for (const auto& c : set.correlations()) {
    CHECK(c.legacy);
    CHECK(c.type == Correlation::Type::kEventCount);
    REQUIRE(c.targets.size() == 1);
    CHECK_FALSE(set.rules()[c.targets[0].index].standalone);
    if (c.info.file.find("aws_macic_evasion") != std::string::npos) macie = &c;
  }
  REQUIRE(macie != nullptr);
  CHECK(macie->group_by == std::vector<std::string>{"sourceIPAddress"});
  CHECK(macie->timespan_seconds == 600);
  REQUIRE(macie->condition.size() == 1);
  CHECK(macie->condition[0].op == Correlation::Bound::Op::kGt);
  CHECK(macie->condition[0].value == 5);
  // `selection1 and selection2` + timeframe: a one-event rule, with a warning.
  CHECK(set.warnings().size() == 1);
}

TEST_CASE("suzaku: every CloudTrail rule and correlation loads") {
  const std::string dir = SigmaDir();
  if (dir.empty()) return;
  RuleSet set;
  set.AddPath(dir + "/suzaku/suzaku/aws/cloudtrail");
  set.Link();
  INFO(Errors(set));
  CHECK(set.errors().empty());
  CHECK(set.skipped().empty());
  CHECK(set.documents() == 745);
  CHECK(set.rules().size() == 740);
  REQUIRE(set.correlations().size() == 5);
  std::set<Correlation::Type> types;
  size_t feeding = 0;
  for (const auto& c : set.correlations()) {
    types.insert(c.type);
    CHECK(c.targets.size() == c.rule_refs.size());
    CHECK_FALSE(c.generate);
    for (const auto& t : c.targets) {
      REQUIRE_FALSE(t.correlation);
      // The correlation's own document set, not the same title elsewhere.
      CHECK(set.rules()[t.index].info.file == c.info.file);
      CHECK_FALSE(set.rules()[t.index].standalone);
      ++feeding;
    }
  }
  CHECK(types.size() == 3);  // event_count, value_count, temporal_ordered
  CHECK(feeding == 7);
  PatternSet patterns;
  for (const auto& rule : set.rules()) patterns.Add(rule.detection);
  patterns.Compile();
  CHECK(patterns.unindexed() <= 5);
}
