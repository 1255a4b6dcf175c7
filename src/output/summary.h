// summary: what a person reads after a scan (--summary, on by default on a
// terminal): per-alarm hits and per-filter matches as a table, and for each
// filter a timeline of matches per hour as a one-line Unicode sparkline.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trailwatch/time.h"

namespace trailwatch::output {

/// Counts per bucket (hour number) from first_bucket to last_bucket as block
/// characters " ▁▂▃▄▅▆▇█" (blank: none; otherwise at least ▁, scaled to the
/// row's maximum). Wider spans are folded so that the line has at most
/// `max_width` characters; `*per_char` (if given) is then the buckets per character.
std::string Sparkline(const std::map<int64_t, uint64_t>& counts, int64_t first_bucket,
                      int64_t last_bucket, size_t max_width, int64_t* per_char = nullptr);

struct SummaryRow {
  std::string name;       ///< raw; escaped when printed
  std::string severity;   ///< alarms only
  uint64_t count = 0;     ///< hits (alarms) or matching records (filters)
  std::map<int64_t, uint64_t> per_hour;  ///< filters only: matches per hour (Unix hours)
};

/// The table for stderr. Rows with a zero count are left out and counted.
std::string SummaryTable(const std::vector<SummaryRow>& alarms, const std::vector<SummaryRow>& filters,
                         UnixSeconds first, UnixSeconds last, bool color);

}  // namespace trailwatch::output
