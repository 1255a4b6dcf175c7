// hits: how an alarm hit (one ALARM episode of one alarm on one series) is
// printed: a grep-friendly text line, or one JSON object (schema in README).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "trailwatch/alarm.h"
#include "trailwatch/rules.h"

namespace trailwatch::output {

struct Hit {
  const MetricAlarm* alarm = nullptr;
  KeyValues dimensions;  ///< the series' dimension values (empty: none)
  alarm::Episode episode;
  std::vector<const alarm::Evidence*> events;  ///< matching records in the breaching windows
  uint64_t events_omitted = 0;  ///< matching records in those windows left out of `events` (the cap)
};

/// "START END ALARM name Sum=6 > 3 period=300s 1/1 dimensions=... principals=... ips=..."
/// With `color`, the alarm name is colored by the alarm's Severity tag.
std::string HitText(const Hit& hit, bool color = false);
/// One JSON object on one line (with the full records when `with_events`).
std::string HitJson(const Hit& hit, bool with_events);

/// CSV (RFC 4180): the header line, then one line per hit. Every cell is
/// quoted; text cells are terminal-safe and, if they start with = + - @ tab
/// or CR, prefixed with ' so that a spreadsheet does not run them as formulas.
std::string HitCsvHeader();
std::string HitCsv(const Hit& hit);
/// One CSV cell, quoted and neutralized as above.
std::string CsvCell(std::string_view text);

}  // namespace trailwatch::output
