// sigma_bench: matching throughput of one PatternSet with 0, some, many Sigma
// rules (and CloudWatch patterns), on one core. The corpus is decompressed
// into memory first, so the figures are the walk + match per record, not gzip.
//
//   sigma_bench CORPUS [--runs N] [--cw PATTERNS.txt] CONFIG...
//   CONFIG = name=path[,path...]   Sigma files or folders ("none=" for no rule)
//          | name=synthetic:N      N rules for event names the corpus does not have
//
// Prints one markdown row per config: rules, unindexed, records/s, ns/record,
// records matched. bench/bench_sigma.sh runs it on the usual rule sets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/input.h"
#include "trailwatch/pattern.h"
#include "trailwatch/record.h"
#include "trailwatch/sigma.h"

namespace tw = trailwatch;

namespace {

// Every record of the corpus as its JSON text, each followed by padding.
struct Corpus {
  std::string text;
  std::vector<std::pair<size_t, size_t>> records;  // offset, length
};

class Collect : public tw::RecordSink {
 public:
  explicit Collect(Corpus* c) : c_(c) {}
  tw::RecordOutcome OnRecord(tw::Record& r) override {
    auto raw = r.RawJson();
    if (!raw.ok()) return tw::RecordOutcome::Rejected("invalid JSON");
    c_->records.emplace_back(c_->text.size(), raw.value().size());
    c_->text.append(raw.value());
    c_->text.append(simdjson::SIMDJSON_PADDING, ' ');
    return tw::RecordOutcome::Accepted();
  }

 private:
  Corpus* c_;
};

Corpus Load(const std::string& path) {
  Corpus corpus;
  tw::WalkCounts counts;
  std::vector<std::string> errors;
  const std::vector<tw::InputFile> files = tw::ExpandInputs({path}, {}, &counts, &errors);
  for (const std::string& e : errors) fmt::print(stderr, "sigma_bench: {}\n", e);
  tw::RecordReader reader({});
  Collect sink(&corpus);
  for (const tw::InputFile& f : files) {
    tw::InputReport report;
    reader.Read(f, sink, &report);
  }
  return corpus;
}

struct Row {
  size_t rules = 0, unindexed = 0, matched = 0;
  double seconds = 0;
};

Row Run(const Corpus& corpus, const std::vector<std::string>& paths,
        const std::vector<std::string>& cw, int runs) {
  tw::PatternSet set;
  Row row;
  if (!paths.empty()) {
    tw::sigma::RuleSet rules;
    for (const std::string& p : paths) {
      if (p.rfind("synthetic:", 0) != 0) {
        rules.AddPath(p);
        continue;
      }
      // Rules shaped like suzaku's (source, name, error fields), for names no record has.
      const int n = std::atoi(p.c_str() + 10);
      std::string text;
      for (int i = 0; i < n; ++i) {
        text += fmt::format(
            "title: synthetic {0}\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n"
            "    selection: {{eventSource: svc{1}.amazonaws.com, eventName: NoSuchCall{0}}}\n"
            "    error_code: {{errorCode|exists: true}}\n"
            "    params: {{requestParameters.name{2}|contains: x}}\n"
            "    condition: selection and not error_code and params\n---\n",
            i, i % 50, i % 10);
      }
      rules.AddText(text, "synthetic");
    }
    rules.Link();
    for (const auto& e : rules.errors()) fmt::print(stderr, "sigma_bench: {}\n", e.Describe());
    for (const auto& r : rules.rules()) set.Add(r.detection);
    row.rules = rules.rules().size();
  }
  for (const std::string& text : cw) {
    tw::PatternError error;
    if (auto p = tw::FilterPattern::Parse(text, &error)) set.Add(p);
  }
  set.Compile();
  row.unindexed = set.unindexed();
  tw::PatternSet::Matcher matcher(set);
  simdjson::ondemand::parser parser;
  row.seconds = 1e30;
  for (int run = 0; run < runs; ++run) {
    size_t matched = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& [offset, length] : corpus.records) {
      simdjson::ondemand::document doc;
      simdjson::ondemand::object object;
      if (parser.iterate(corpus.text.data() + offset, length, length + simdjson::SIMDJSON_PADDING).get(doc) ||
          doc.get_object().get(object)) {
        continue;
      }
      const tw::RecordLocation where;
      tw::Record record(object, where);
      (void)matcher.Match(record);
      if (!matcher.matched().empty()) ++matched;
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    row.seconds = std::min(row.seconds, took.count());
    row.matched = matched;
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: sigma_bench CORPUS [--runs N] [--cw PATTERNS.txt] name=path[,path...]...\n");
    return 2;
  }
  const std::string corpus_path = argv[1];
  int runs = 3;
  std::vector<std::string> cw;
  std::vector<std::pair<std::string, std::vector<std::string>>> configs;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--cw" && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) cw.push_back(line);
      }
    } else {
      const size_t eq = arg.find('=');
      std::vector<std::string> paths;
      std::string rest = eq == std::string::npos ? "" : arg.substr(eq + 1);
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        paths.push_back(rest.substr(0, comma));
        rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
      }
      configs.emplace_back(arg.substr(0, eq), paths);
    }
  }
  const Corpus corpus = Load(corpus_path);
  fmt::print("{} records, {:.1f} MB of JSON; best of {} runs, one thread{}\n\n", corpus.records.size(),
             static_cast<double>(corpus.text.size()) / 1e6, runs,
             cw.empty() ? "" : fmt::format(", plus {} CloudWatch patterns in every set", cw.size()));
  fmt::print("| rule set | Sigma rules | evaluated on every record | records/s | ns/record | records matched |\n");
  fmt::print("|---|--:|--:|--:|--:|--:|\n");
  for (const auto& [name, paths] : configs) {
    const Row row = Run(corpus, paths, cw, runs);
    const double n = static_cast<double>(corpus.records.size());
    fmt::print("| {} | {} | {} | {:.0f} | {:.0f} | {} |\n", name, row.rules, row.unindexed, n / row.seconds,
               row.seconds / n * 1e9, row.matched);
    std::fflush(stdout);
  }
  return 0;
}
