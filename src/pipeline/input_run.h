// InputRun: what every log-reading command shares: expand the paths, read the
// inputs on N workers with one RecordSink per input, deliver output in input
// order, print each input's messages, and sum the totals.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "pipeline/ordered_runner.h"
#include "trailwatch/pipeline.h"

namespace trailwatch::pipeline {

class InputRun {
 public:
  /// Expands the paths (walk errors are printed now) and picks the worker count.
  explicit InputRun(const ReadOptions& options);

  size_t jobs() const { return jobs_; }
  const std::vector<InputFile>& inputs() const { return inputs_; }
  RunTotals& totals() { return totals_; }

  /// Keeps only the inputs for which `keep` is true (before Run). Inputs left
  /// out this way were still found: they do not make the run "nothing read".
  void RetainInputs(const std::function<bool(const InputFile&)>& keep);

  /// Nothing read is not success: when the paths held no log input at all
  /// (empty folders, or only digest, non-log, hidden or special files),
  /// Summarize says so and returns kExitError. Files skipped by their S3
  /// time stamp (--since/--until) and inputs left out by RetainInputs count
  /// as found. Call this when reading nothing is normal for the caller.
  void AllowNothingRead() { allow_nothing_read_ = true; }
  /// True if the paths held no log input (see AllowNothingRead).
  bool NothingFound() const;

  /// Makes the sink for one input, on worker thread `worker`.
  using MakeSink =
      std::function<std::unique_ptr<RecordSink>(size_t worker, size_t task, TaskOutput& out)>;
  /// Called in input order on the calling thread after an input is done.
  using OnInputDone = std::function<void(size_t task, const InputReport& report)>;

  /// Reads every input. Returns false if stdout was closed early (| head).
  /// What sinks write to their TaskOutput goes to stdout, in input order, or
  /// to `deliver` when given (scan hands its matching records over this way).
  bool Run(const MakeSink& make_sink, const OnInputDone& done = {}, const OrderedRunner::Deliver& deliver = {});

  /// Prints the summary (unless quiet) and returns the exit code for "no
  /// errors" `ok_code`, or kExitError (errors, or nothing found: see
  /// AllowNothingRead; that message is printed even when quiet).
  int Summarize(std::string_view accepted_verb, int ok_code);

 private:
  const ReadOptions& options_;
  std::vector<InputFile> inputs_;
  size_t found_ = 0;  // inputs the walk found, before RetainInputs
  bool allow_nothing_read_ = false;
  RunTotals totals_;
  size_t jobs_ = 1;
  std::vector<std::unique_ptr<RecordReader>> readers_;
};

/// Worker threads for `requested` (0 = one per core).
size_t EffectiveJobs(size_t requested);

}  // namespace trailwatch::pipeline
