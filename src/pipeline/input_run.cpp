// InputRun: the shared skeleton of cat, grep and scan (ripgrep's
// search_parallel, made deterministic by OrderedRunner).
#include "pipeline/input_run.h"

#include <thread>

#include <fmt/format.h>

#include "output/write.h"

namespace trailwatch::pipeline {

size_t EffectiveJobs(size_t requested) {
  if (requested > 0) return requested;
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

InputRun::InputRun(const ReadOptions& options) : options_(options) {
  std::vector<std::string> walk_errors;
  inputs_ = ExpandInputs(options.paths, options.range, &totals_.walk, &walk_errors);
  for (const std::string& e : walk_errors) output::Diagnostic(e);
  jobs_ = std::min(EffectiveJobs(options.jobs), std::max<size_t>(inputs_.size(), 1));
  for (size_t i = 0; i < jobs_; ++i) readers_.push_back(std::make_unique<RecordReader>(options.limits));
}

bool InputRun::Run(const MakeSink& make_sink, const OnInputDone& done) {
  OrderedRunner runner(inputs_.size(), jobs_);
  return runner.Run(
      [&](size_t worker, size_t task, TaskOutput& out) {
        std::unique_ptr<RecordSink> sink = make_sink(worker, task, out);
        readers_[worker]->Read(inputs_[task], *sink, &out.report());
      },
      [](size_t, std::string_view chunk) { return output::WriteStdout(chunk); },
      [&](size_t task, InputReport& report) {
        for (const std::string& m : report.messages) output::Diagnostic(m);
        if (report.suppressed_messages > 0) {
          output::Diagnostic(fmt::format("... and {} more messages about this input",
                                         report.suppressed_messages));
        }
        totals_.Add(report);
        if (done) done(task, report);
      });
}

int InputRun::Summarize(std::string_view accepted_verb, int ok_code) {
  if (!options_.quiet) {
    for (const std::string& line : totals_.Describe(accepted_verb)) output::Diagnostic(line);
  }
  return totals_.HadErrors() ? kExitError : ok_code;
}

}  // namespace trailwatch::pipeline
