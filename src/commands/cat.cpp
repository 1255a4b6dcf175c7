// cat: every record of every input as one JSON line on stdout, in input order
// whatever -j is; every printed record validated whole; the summary at the end.
#include <memory>

#include "output/write.h"
#include "pipeline/input_run.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

class CatSink : public RecordSink {
 public:
  CatSink(const TimeRange& range, RecordValidator* validator, pipeline::TaskOutput* out)
      : range_(range), validator_(validator), out_(out) {}

  // Every printed record is validated whole: jq downstream must never choke.
  RecordOutcome OnRecord(Record& record) override {
    Result<std::string_view> raw = record.RawJson();
    if (!raw.ok()) return RecordOutcome::Rejected("invalid JSON", std::string(raw.status().message()));
    UnixSeconds t = 0;
    if (RecordOutcome o = validator_->Validate(raw.value(), &t);
        o.verdict != RecordOutcome::Verdict::kAccepted) {
      return o;
    }
    if (!range_.Contains(t)) return RecordOutcome::Filtered();
    output::AppendJsonLine(out_->buffer(), raw.value());
    out_->MaybeFlush();  // a long stdin stream reaches `| head` early
    return RecordOutcome::Accepted();
  }

 private:
  const TimeRange& range_;
  RecordValidator* validator_;
  pipeline::TaskOutput* out_;
};

}  // namespace

int RunCat(const ReadOptions& options) {
  pipeline::InputRun run(options);
  std::vector<RecordValidator> validators(run.jobs());
  const bool complete = run.Run([&](size_t worker, size_t, pipeline::TaskOutput& out) {
    return std::make_unique<CatSink>(options.range, &validators[worker], &out);
  });
  if (!complete) return kExitOk;  // stdout closed early (| head): stop quietly
  return run.Summarize("emitted", kExitOk);
}

}  // namespace trailwatch
