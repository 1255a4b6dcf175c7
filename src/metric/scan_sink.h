// scan_sink: the per-record work of a scan. Each worker thread has an
// Accumulator; ScanSink matches a record against every metric filter at once
// and adds the observations (and evidence) to the worker's series.
#pragma once

#include <map>
#include <vector>

#include "metric/scan_data.h"
#include "metric/scan_rules.h"
#include "trailwatch/pipeline.h"
#include "trailwatch/record.h"

namespace trailwatch::pipeline {

/// What one worker gathers; merged into one after the run.
struct Accumulator {
  explicit Accumulator(const ScanRules& rules);
  void Merge(Accumulator&& other);

  ScanData data;
  std::vector<uint64_t> matches;                     ///< per filter
  std::vector<std::map<int64_t, uint64_t>> hourly;   ///< per filter: matches per hour (for the summary)
  uint64_t warnings = 0;                             ///< values or dimensions missing
  PatternSet::Matcher matcher;
  RecordValidator validator;
  std::vector<alarm::Series*> plain;                 ///< per metric: its series without dimensions
};

class ScanSink : public RecordSink {
 public:
  ScanSink(const ScanOptions& options, const ScanRules& rules, Accumulator* acc)
      : options_(options), rules_(rules), acc_(acc), matched_(rules.filters.size(), 0) {}
  RecordOutcome OnRecord(Record& record) override;

 private:
  void Observe(Record& record, const FilterPlan& plan, UnixSeconds t, bool matched);

  const ScanOptions& options_;
  const ScanRules& rules_;
  Accumulator* acc_;
  std::vector<uint8_t> matched_;
};

}  // namespace trailwatch::pipeline
