// InputRun: the shared skeleton of cat, grep and scan (ripgrep's
// search_parallel, made deterministic by OrderedRunner), and the verdict that
// a run which found nothing to read failed.
#include "pipeline/input_run.h"

#include <sys/stat.h>

#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "output/progress.h"
#include "output/write.h"
#include "trailwatch/escape.h"

namespace trailwatch::pipeline {

size_t EffectiveJobs(size_t requested) {
  if (requested > 0) return requested;
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

InputRun::InputRun(const ReadOptions& options) : options_(options) {
  std::vector<std::string> walk_errors;
  inputs_ = ExpandInputs(options.paths, options.range, &totals_.walk, &walk_errors);
  found_ = inputs_.size();
  for (const std::string& e : walk_errors) output::Diagnostic(e);
  jobs_ = std::min(EffectiveJobs(options.jobs), std::max<size_t>(inputs_.size(), 1));
  for (size_t i = 0; i < jobs_; ++i) readers_.push_back(std::make_unique<RecordReader>(options.limits));
}

void InputRun::RetainInputs(const std::function<bool(const InputFile&)>& keep) {
  std::erase_if(inputs_, [&](const InputFile& f) { return !keep(f); });
}

bool InputRun::Run(const MakeSink& make_sink, const OnInputDone& done, const OrderedRunner::Deliver& deliver) {
  uint64_t total_bytes = 0;
  if (options_.progress) {
    for (const InputFile& f : inputs_) {
      struct stat st {};
      if (!f.is_stdin && ::stat(f.path.c_str(), &st) == 0) total_bytes += static_cast<uint64_t>(st.st_size);
    }
  }
  output::Progress progress(options_.progress, inputs_.size(), total_bytes);
  uint64_t finished = 0;
  OrderedRunner runner(inputs_.size(), std::min(jobs_, std::max<size_t>(inputs_.size(), 1)));
  return runner.Run(
      [&](size_t worker, size_t task, TaskOutput& out) {
        std::unique_ptr<RecordSink> sink = make_sink(worker, task, out);
        readers_[worker]->Read(inputs_[task], *sink, &out.report());
      },
      [&](size_t task, std::string_view chunk) { return deliver ? deliver(task, chunk) : output::WriteStdout(chunk); },
      [&](size_t task, InputReport& report) {
        for (const std::string& m : report.messages) output::Diagnostic(m);
        if (report.suppressed_messages > 0) {
          output::Diagnostic(fmt::format("... and {} more messages about this input",
                                         report.suppressed_messages));
        }
        totals_.Add(report);
        spdlog::debug("{}: {} records read, {} accepted, {} rejected, {} bytes", TerminalSafe(inputs_[task].path),
                      report.records_read, report.accepted, report.rejected, report.raw_bytes);
        progress.Update(++finished, totals_.raw_bytes, totals_.records_read);
        if (done) done(task, report);
      });
}

bool InputRun::NothingFound() const { return found_ == 0 && totals_.walk.outside_time == 0; }

namespace {

// "nothing to read: no log file found in a, b (skipped 2 non-log files; ...)".
std::string NothingReadMessage(const std::vector<std::string>& paths, const RunTotals& totals) {
  constexpr size_t kMaxNamed = 3;
  std::string where;
  for (size_t i = 0; i < paths.size() && i < kMaxNamed; ++i) {
    if (i) where += ", ";
    AppendTextField(where, paths[i]);
  }
  if (paths.size() > kMaxNamed) where += fmt::format(" and {} more", paths.size() - kMaxNamed);
  std::string message = "nothing to read: no log file found in " + where;
  const std::string skipped = totals.DescribeSkipped();
  if (!skipped.empty()) message += " (skipped " + skipped + ")";
  if (totals.walk.non_log_files > 0) {
    message += "; a folder walk reads *.json, *.jsonl, *.ndjson and *.gz files, not hidden ones";
  }
  return message;
}

}  // namespace

int InputRun::Summarize(std::string_view accepted_verb, int ok_code) {
  const bool nothing = !allow_nothing_read_ && NothingFound();
  if (nothing) output::Diagnostic(NothingReadMessage(options_.paths, totals_));
  if (!options_.quiet) {
    for (const std::string& line : totals_.Describe(accepted_verb)) output::Diagnostic(line);
  }
  return nothing || totals_.HadErrors() ? kExitError : ok_code;
}

}  // namespace trailwatch::pipeline
