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
};

/// "START END ALARM name Sum=6 > 3 period=300s 1/1 dimensions=... principals=... ips=..."
std::string HitText(const Hit& hit);
/// One JSON object on one line (with the full records when `with_events`).
std::string HitJson(const Hit& hit, bool with_events);

}  // namespace trailwatch::output
