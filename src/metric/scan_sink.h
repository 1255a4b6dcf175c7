// scan_sink: the per-record work of a scan. Each worker thread has an
// Accumulator; ScanSink matches a record against every metric filter at once.
// A record that matches no filter adds its default values (spec 6) to the
// worker's series at once; a matching record is written, with its
// observations, to the input's TaskOutput, which OrderedRunner hands to the
// calling thread in input order (with its back-pressure, so memory stays
// bounded however big one input is). There MatchLedger counts each event
// once: a copy of a record counted before (the same eventID and
// recipientAccountId, earlier in this run or by an earlier --state run, and
// the same content) is dropped. So the counts are the same for any -j, and an
// event delivered twice (an organization trail and an account trail,
// overlapping syncs) is counted once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/ordered_runner.h"
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

/// A matching record, on its way from a worker to the ledger.
struct MatchedRecord {
  struct Observation {
    uint32_t metric = 0;
    KeyValues dimensions;
    double value = 0;
    bool matched = false;  ///< from a filter it matched (else a default value)
  };
  std::optional<RecordKey> key;  ///< none without an eventID
  uint64_t content = 0;          ///< see CountedRecord
  UnixSeconds time = 0;
  std::vector<uint32_t> filters;  ///< the filters it matched
  std::vector<Observation> observations;
  uint64_t warnings = 0;
  alarm::Evidence evidence;
};

/// Appends `r` to `out` (for MatchLedger::Deliver).
void WriteMatch(const MatchedRecord& r, fmt::memory_buffer& out);

/// Future-dated records of one input.
struct InputTally {
  uint64_t future = 0;     ///< records dated after now + 15 minutes
  UnixSeconds latest = 0;  ///< the latest of them
};

class ScanSink : public RecordSink {
 public:
  /// Matching records go to `out`; records dated after `future_after` are
  /// counted in `tally`.
  ScanSink(const ScanOptions& options, const ScanRules& rules, Accumulator* acc, TaskOutput* out, InputTally* tally,
           UnixSeconds future_after)
      : options_(options), rules_(rules), acc_(acc), out_(out), tally_(tally), future_after_(future_after),
        matched_(rules.filters.size(), 0) {}
  RecordOutcome OnRecord(Record& record) override;

 private:
  // The series and value a filter observes for this record; false if a value
  // or dimension field is missing (spec 10).
  bool Resolve(const FilterPlan& plan, bool matched, double* value, KeyValues* dimensions);
  void ObserveDefault(const FilterPlan& plan, UnixSeconds t);
  void HoldMatch(Record& record, UnixSeconds t);

  const ScanOptions& options_;
  const ScanRules& rules_;
  Accumulator* acc_;
  TaskOutput* out_;
  InputTally* tally_;
  UnixSeconds future_after_;
  std::vector<uint8_t> matched_;
  MatchedRecord record_;  ///< reused
};

/// Counts the matching records of each input, on the calling thread, in
/// input order; drops the duplicates. A record with the key of a counted one
/// but other content is counted, and named as a conflict.
class MatchLedger {
 public:
  /// `earlier`: the keys counted by earlier --state runs (or null).
  MatchLedger(const ScanRules& rules, const RecordKeys* earlier) : target(rules), rules_(rules), earlier_(earlier) {}
  /// Counts the records WriteMatch wrote to `chunk`; `input`: their input's
  /// name, for messages.
  void Deliver(std::string_view chunk, std::string_view input);

  Accumulator target;            ///< what was counted
  RecordKeys counted;            ///< the keys counted by this run
  uint64_t dropped = 0;          ///< duplicates dropped
  uint64_t dropped_earlier = 0;  ///< of which counted by an earlier run
  uint64_t conflicts = 0;        ///< same key, other content: counted
  std::vector<std::string> conflict_messages;  ///< the first few

 private:
  bool IsCopy(const MatchedRecord& r, std::string_view input);
  void Count(const MatchedRecord& r, std::string_view input);
  const ScanRules& rules_;
  const RecordKeys* earlier_;
  MatchedRecord record_;  ///< reused
  std::vector<alarm::Series*> with_evidence_;
};

}  // namespace trailwatch::pipeline
