// RunTotals: sums the per-input reports and words the end-of-run summary, so
// that records read = accepted + filtered + rejected is visible to the user.
#include <fmt/format.h>

#include "trailwatch/pipeline.h"

namespace trailwatch {
namespace {

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string Bytes(uint64_t n) {
  if (n >= (uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1 << 30));
  if (n >= (uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1 << 20));
  if (n >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  return fmt::format("{} B", n);
}

}  // namespace

void RunTotals::Add(const InputReport& r) {
  ++inputs;
  if (r.input_error) ++inputs_failed;
  records_read += r.records_read;
  accepted += r.accepted;
  filtered += r.filtered;
  rejected += r.rejected;
  for (const auto& [reason, n] : r.rejected_by_reason) rejected_by_reason[reason] += n;
  raw_bytes += r.raw_bytes;
  decoded_bytes += r.decoded_bytes;
}

std::string RunTotals::DescribeSkipped() const {
  std::vector<std::string> skipped;
  if (walk.digest_files) skipped.push_back(Plural(walk.digest_files, "digest file", "digest files"));
  if (walk.non_log_files) skipped.push_back(Plural(walk.non_log_files, "non-log file", "non-log files"));
  if (walk.special_files) {
    skipped.push_back(Plural(walk.special_files, "special file (FIFO, socket, device)",
                             "special files (FIFO, socket, device)"));
  }
  if (walk.outside_time) {
    skipped.push_back(fmt::format("{} outside --since/--until by S3 name",
                                  Plural(walk.outside_time, "file", "files")));
  }
  if (walk.errors) skipped.push_back(Plural(walk.errors, "path error", "path errors"));
  return fmt::format("{}", fmt::join(skipped, ", "));
}

std::vector<std::string> RunTotals::Describe(std::string_view accepted_verb) const {
  std::vector<std::string> lines;
  std::string files = fmt::format("{} read ({} in, {} decoded)", Plural(inputs, "input", "inputs"),
                                  Bytes(raw_bytes), Bytes(decoded_bytes));
  if (inputs_failed > 0) files += fmt::format(", {} damaged or unreadable", inputs_failed);
  if (const std::string skipped = DescribeSkipped(); !skipped.empty()) files += "; skipped " + skipped;
  lines.push_back(files);

  std::string records = fmt::format("{} read = {} {}", Plural(records_read, "record", "records"),
                                    accepted, accepted_verb);
  if (filtered) records += fmt::format(" + {} outside --since/--until", filtered);
  records += fmt::format(" + {} rejected", rejected);
  if (rejected) {
    std::vector<std::string> reasons;
    for (const auto& [reason, n] : rejected_by_reason) reasons.push_back(fmt::format("{} {}", n, reason));
    records += fmt::format(" ({})", fmt::join(reasons, ", "));
  }
  lines.push_back(records);
  return lines;
}

}  // namespace trailwatch
