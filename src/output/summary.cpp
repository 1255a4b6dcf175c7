// summary: the table and sparklines printed on stderr after a scan.
#include "output/summary.h"

#include <algorithm>

#include <fmt/format.h>

#include "output/style.h"
#include "trailwatch/escape.h"

namespace trailwatch::output {
namespace {

constexpr size_t kNameWidth = 44;
constexpr size_t kSparkWidth = 72;

// Pads an escaped name to kNameWidth columns (names are mostly ASCII; a
// longer name is cut with an ellipsis so that the columns stay aligned).
std::string Name(const std::string& raw) {
  std::string s = TerminalSafe(raw);
  size_t columns = 0, cut = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // UTF-8 continuation
    if (columns == kNameWidth - 1 && cut == s.size()) cut = i;
    ++columns;
  }
  if (columns > kNameWidth) {
    s.resize(cut);
    s += "\u2026";  // …
    columns = kNameWidth;
  }
  return s + std::string(kNameWidth - columns + 1, ' ');
}

}  // namespace

std::string Sparkline(const std::map<int64_t, uint64_t>& counts, int64_t first_bucket, int64_t last_bucket,
                      size_t max_width, int64_t* per_char) {
  static const char* const kLevels[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                        "\u2585", "\u2586", "\u2587", "\u2588"};
  if (last_bucket < first_bucket || max_width == 0) return {};
  const int64_t span = last_bucket - first_bucket + 1;
  const int64_t fold = (span + static_cast<int64_t>(max_width) - 1) / static_cast<int64_t>(max_width);
  if (per_char) *per_char = fold;
  std::vector<uint64_t> cells(static_cast<size_t>((span + fold - 1) / fold), 0);
  for (auto it = counts.lower_bound(first_bucket); it != counts.end() && it->first <= last_bucket; ++it) {
    cells[static_cast<size_t>((it->first - first_bucket) / fold)] += it->second;
  }
  const uint64_t peak = *std::max_element(cells.begin(), cells.end());
  std::string out;
  for (uint64_t c : cells) {
    if (c == 0) {
      out += ' ';
    } else {  // 1..8, so that one event is still visible next to a burst
      const uint64_t level = (c * 8 + peak - 1) / peak;
      out += kLevels[std::clamp<uint64_t>(level, 1, 8) - 1];
    }
  }
  return out;
}

std::string SummaryTable(const std::vector<SummaryRow>& alarms, const std::vector<SummaryRow>& filters,
                         UnixSeconds first, UnixSeconds last, bool color) {
  std::string out;
  size_t quiet_alarms = 0, quiet_filters = 0;
  out += Paint(fmt::format("{:<{}} {:<9} {:>6}", "ALARM", kNameWidth, "SEVERITY", "HITS"), kBold, color) + "\n";
  for (const SummaryRow& a : alarms) {
    if (a.count == 0) {
      ++quiet_alarms;
      continue;
    }
    out += Paint(Name(a.name), SeverityColor(a.severity), color);
    out += fmt::format("{:<9} {:>6}\n", TerminalSafe(a.severity).substr(0, 9), a.count);
  }
  if (quiet_alarms > 0) out += Paint(fmt::format("({} alarms without hits)", quiet_alarms), kDim, color) + "\n";

  const bool have_span = first <= last;
  const int64_t first_hour = have_span ? first / 3600 : 0, last_hour = have_span ? last / 3600 : -1;
  int64_t per_char = 1;
  Sparkline({}, first_hour, last_hour, kSparkWidth, &per_char);
  std::string heading = fmt::format("{:<{}} {:>9}", "METRIC FILTER", kNameWidth, "MATCHES");
  if (have_span) {
    heading += fmt::format("  PER HOUR {} .. {} (1 char = {} h)", FormatIsoTime(first_hour * 3600).substr(0, 13),
                           FormatIsoTime(last_hour * 3600).substr(0, 13), per_char);
  }
  out += "\n" + Paint(heading, kBold, color) + "\n";
  for (const SummaryRow& f : filters) {
    if (f.count == 0) {
      ++quiet_filters;
      continue;
    }
    out += Name(f.name) + fmt::format("{:>9}  ", f.count);
    out += Sparkline(f.per_hour, first_hour, last_hour, kSparkWidth) + "\n";
  }
  if (quiet_filters > 0) out += Paint(fmt::format("({} metric filters without matches)", quiet_filters), kDim, color) + "\n";
  return out;
}

}  // namespace trailwatch::output
