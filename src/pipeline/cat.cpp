// cat: every record of every input as one compact JSON line on stdout, in input
// order whatever -j is; problems on stderr; the run summary at the end.
#include <fmt/format.h>

#include <memory>
#include <thread>

#include "output/write.h"
#include "pipeline/ordered_runner.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

// Per worker thread: the reader and the validator keep their memory.
struct Worker {
  explicit Worker(const ReaderLimits& limits) : reader(limits) {}
  RecordReader reader;
  RecordValidator validator;
};

class CatSink : public RecordSink {
 public:
  CatSink(const TimeRange& range, RecordValidator* validator, pipeline::TaskOutput* out)
      : range_(range), validator_(validator), out_(out) {}

  RecordOutcome OnRecord(Record& record) override {
    Result<std::string_view> raw = record.RawJson();
    if (!raw.ok()) return RecordOutcome::Rejected("invalid JSON", std::string(raw.status().message()));
    // Every printed record is validated whole: jq downstream must never choke.
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

size_t EffectiveJobs(size_t requested) {
  if (requested > 0) return requested;
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace

int RunCat(const ReadOptions& options) {
  RunTotals totals;
  std::vector<std::string> walk_errors;
  const std::vector<InputFile> inputs =
      ExpandInputs(options.paths, options.range, &totals.walk, &walk_errors);
  for (const std::string& e : walk_errors) output::Diagnostic(e);

  const size_t jobs = std::min(EffectiveJobs(options.jobs), std::max<size_t>(inputs.size(), 1));
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < jobs; ++i) workers.push_back(std::make_unique<Worker>(options.limits));

  pipeline::OrderedRunner runner(inputs.size(), jobs);
  const bool complete = runner.Run(
      [&](size_t worker, size_t task, pipeline::TaskOutput& out) {
        CatSink sink(options.range, &workers[worker]->validator, &out);
        workers[worker]->reader.Read(inputs[task], sink, &out.report());
      },
      [](size_t, std::string_view chunk) { return output::WriteStdout(chunk); },
      [&](size_t, InputReport& report) {
        for (const std::string& m : report.messages) output::Diagnostic(m);
        if (report.suppressed_messages > 0) {
          output::Diagnostic(fmt::format("... and {} more messages about this input",
                                         report.suppressed_messages));
        }
        totals.Add(report);
      });
  if (!complete) return kExitOk;  // stdout closed early (| head): stop quietly

  if (!options.quiet) {
    for (const std::string& line : totals.Describe("emitted")) output::Diagnostic(line);
  }
  return totals.HadErrors() ? kExitError : kExitOk;
}

}  // namespace trailwatch
