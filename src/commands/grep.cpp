// grep: records matching any of the filter patterns, as JSON lines (validated
// whole, for jq) or as readable text lines; -c counts, -l names the inputs.
#include <memory>

#include <fmt/format.h>

#include "output/write.h"
#include "pipeline/input_run.h"
#include "metric/record_fields.h"
#include "trailwatch/escape.h"
#include "trailwatch/pattern.h"
#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

// Per worker thread.
struct Worker {
  explicit Worker(const PatternSet& set) : matcher(set) {}
  PatternSet::Matcher matcher;
  RecordValidator validator;
};

class GrepSink : public RecordSink {
 public:
  GrepSink(const GrepOptions& options, const pipeline::RecordFields& fields, Worker* worker,
           pipeline::TaskOutput* out, const std::string& name, uint64_t* matches)
      : options_(options), fields_(fields), worker_(worker), out_(out), name_(name),
        total_(matches) {}

  void EndOfInput() override {
    *total_ = matches_;
    if (options_.files_with_matches && matches_ > 0) {
      fmt::format_to(std::back_inserter(out_->buffer()), "{}\n", name_);
    }
  }

  RecordOutcome OnRecord(Record& record) override {
    PatternSet::Matcher& m = worker_->matcher;
    if (RecordOutcome o = m.Match(record); o.verdict != RecordOutcome::Verdict::kAccepted) return o;
    if (!options_.read.range.Contains(m.event_time())) return RecordOutcome::Filtered();
    if (m.matched().empty()) return RecordOutcome::Accepted();
    if (options_.count || options_.files_with_matches) {
      ++matches_;
      return RecordOutcome::Accepted();
    }
    if (options_.format == RecordFormat::kText) {
      AppendText();
    } else {
      Result<std::string_view> raw = record.RawJson();
      UnixSeconds t = 0;
      if (!raw.ok()) return RecordOutcome::Rejected("invalid JSON", std::string(raw.status().message()));
      if (RecordOutcome o = worker_->validator.Validate(raw.value(), &t);
          o.verdict != RecordOutcome::Verdict::kAccepted) {
        return o;
      }
      output::AppendJsonLine(out_->buffer(), raw.value());
    }
    ++matches_;
    out_->MaybeFlush();
    return RecordOutcome::Accepted();
  }

 private:
  std::string_view First(int selector) const {
    return pipeline::RecordFields::First(worker_->matcher, selector);
  }

  // time region eventName principal sourceIP errorCode, "-" where absent;
  // each a text field (quoted when it holds a blank or is "-").
  void AppendText() {
    fmt::memory_buffer& b = out_->buffer();
    std::string line = FormatIsoTime(worker_->matcher.event_time());
    auto add = [&](std::string_view v) {
      line += ' ';
      if (v.empty()) {
        line += '-';
      } else {
        AppendTextField(line, v);
      }
    };
    add(First(fields_.region));
    add(First(fields_.event_name));
    add(fields_.Principal(worker_->matcher));
    add(First(fields_.source_ip));
    add(First(fields_.error_code));
    line += '\n';
    b.append(line.data(), line.data() + line.size());
  }

  const GrepOptions& options_;
  const pipeline::RecordFields& fields_;
  Worker* worker_;
  pipeline::TaskOutput* out_;
  const std::string& name_;
  uint64_t* total_;
  uint64_t matches_ = 0;
};

}  // namespace

int RunGrep(const GrepOptions& options) {
  PatternSet set;
  for (const std::string& text : options.patterns) {
    PatternError error;
    std::shared_ptr<const FilterPattern> p = FilterPattern::Parse(text, &error);
    if (!p) {
      output::Diagnostic(fmt::format("invalid pattern: {}", error.Render(text)));
      return kExitError;
    }
    set.Add(std::move(p));
  }
  pipeline::RecordFields fields;
  fields.Register(&set);
  set.Compile();

  pipeline::InputRun run(options.read);
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < run.jobs(); ++i) workers.push_back(std::make_unique<Worker>(set));
  std::vector<std::string> names;
  for (const InputFile& f : run.inputs()) names.push_back(DisplayName(f));
  std::vector<uint64_t> matches(run.inputs().size(), 0);

  const bool complete = run.Run([&](size_t worker, size_t task, pipeline::TaskOutput& out) {
    return std::make_unique<GrepSink>(options, fields, workers[worker].get(), &out, names[task],
                                      &matches[task]);
  });
  if (!complete) return kExitOk;
  uint64_t total = 0;
  for (uint64_t m : matches) total += m;
  if (options.count) output::WriteStdout(fmt::format("{}\n", total));
  if (!options.read.quiet) {
    output::Diagnostic(fmt::format("{} matching records", total));
  }
  return run.Summarize("evaluated", total > 0 ? kExitOk : kExitNoMatch);
}

}  // namespace trailwatch
