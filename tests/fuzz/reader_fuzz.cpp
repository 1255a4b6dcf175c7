// reader_fuzz: libFuzzer target for the record reader (every input format,
// gzip included) and the JSON-line printer. The input is served through a
// memfd, as a file named on the command line would be.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "output/write.h"
#include "trailwatch/record.h"

namespace {

class PrintingSink : public trailwatch::RecordSink {
 public:
  trailwatch::RecordOutcome OnRecord(trailwatch::Record& record) override {
    auto raw = record.RawJson();
    if (!raw.ok()) return trailwatch::RecordOutcome::Rejected("invalid JSON");
    trailwatch::UnixSeconds t = 0;
    auto o = validator_.Validate(raw.value(), &t);
    if (o.verdict != trailwatch::RecordOutcome::Verdict::kAccepted) return o;
    out_.clear();
    trailwatch::output::AppendJsonLine(out_, raw.value());
    return o;
  }

 private:
  trailwatch::RecordValidator validator_;
  fmt::memory_buffer out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static trailwatch::RecordReader reader([] {
    trailwatch::ReaderLimits limits;
    limits.max_input_bytes = 8 << 20;  // a gzip bomb stops here
    return limits;
  }());
  const int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  PrintingSink sink;
  trailwatch::InputReport report;
  reader.Read({path, false, true, std::nullopt}, sink, &report);
  if (report.records_read != report.accepted + report.filtered + report.rejected) abort();
  close(fd);
  return 0;
}
