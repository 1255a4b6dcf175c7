// hits: text and JSON forms of an alarm hit. Every string that comes from the
// logs (principals, IPs, event IDs, dimension values) is escaped: in text a
// terminal-safe field, quoted when it holds a separator (so that it cannot
// forge the fields after it); JSON-escaped in JSON.
#include "output/hits.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "output/style.h"
#include "trailwatch/escape.h"

namespace trailwatch::output {
namespace {

// Inside a field: a list "v(n),w(m)" and dimensions "key:value,key:value".
constexpr std::string_view kListSeparators = ",()";
constexpr std::string_view kKeySeparators = ",:";
constexpr std::string_view kValueSeparators = ",";

std::string Number(double v) {
  if (std::isnan(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

// Counts of a field over the hit's events, most frequent first (then by name).
std::vector<std::pair<std::string, size_t>> Top(const Hit& hit, std::string alarm::Evidence::*field) {
  std::map<std::string, size_t> counts;
  for (const alarm::Evidence* e : hit.events) {
    if (!(e->*field).empty()) ++counts[e->*field];
  }
  std::vector<std::pair<std::string, size_t>> top(counts.begin(), counts.end());
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return top;
}

// The most frequent values, "v(n),w(m)", each a text field; at most `max`
// of them, then ",+k" for the k others.
std::string TopList(const Hit& hit, std::string alarm::Evidence::*field, size_t max) {
  const auto top = Top(hit, field);
  std::string out;
  for (size_t i = 0; i < top.size() && i < max; ++i) {
    if (i) out += ',';
    AppendTextField(out, top[i].first, kListSeparators);
    out += fmt::format("({})", top[i].second);
  }
  if (top.size() > max) out += fmt::format(",+{}", top.size() - max);
  return out;
}

// "key:value,key:value", each a text field.
std::string DimensionList(const KeyValues& dimensions) {
  std::string out;
  for (size_t i = 0; i < dimensions.size(); ++i) {
    if (i) out += ',';
    AppendTextField(out, dimensions[i].first, kKeySeparators);
    out += ':';
    AppendTextField(out, dimensions[i].second, kValueSeparators);
  }
  return out;
}

std::string JsonMap(const KeyValues& kv) {
  std::string out = "{";
  for (size_t i = 0; i < kv.size(); ++i) {
    out += fmt::format("{}{}:{}", i ? "," : "", JsonQuoted(kv[i].first), JsonQuoted(kv[i].second));
  }
  return out + "}";
}

}  // namespace

std::string HitText(const Hit& hit, bool color) {
  const MetricAlarm& a = *hit.alarm;
  std::string line = fmt::format("{} {} ALARM ", FormatIsoTime(hit.episode.start),
                                 hit.episode.end ? FormatIsoTime(*hit.episode.end) : std::string("-"));
  line += Paint(TextField(a.name), SeverityColor(TagValue(a.tags, "Severity")), color);
  line += fmt::format(" {}={} {} {} period={}s {}/{}", TerminalSafe(a.statistic.name), Number(hit.episode.peak),
                      ComparisonSymbol(a.comparison), Number(a.threshold), a.period,
                      a.datapoints_to_alarm, a.evaluation_periods);
  line += " dimensions=";
  line += hit.dimensions.empty() ? "-" : DimensionList(hit.dimensions);
  auto add_top = [&](const char* label, std::string alarm::Evidence::*field) {
    const std::string list = TopList(hit, field, 3);
    line += fmt::format(" {}={}", label, list.empty() ? "-" : list);
  };
  add_top("principals", &alarm::Evidence::principal);
  add_top("ips", &alarm::Evidence::source_ip);
  line += fmt::format(" events={}", hit.events.size());
  if (hit.events_omitted > 0) line += fmt::format(" omitted={}", hit.events_omitted);
  line += '\n';
  return line;
}

namespace {

// A CSV cell of text that is already terminal-safe.
std::string SafeCsvCell(std::string safe) {
  if (!safe.empty() && (safe[0] == '=' || safe[0] == '+' || safe[0] == '-' || safe[0] == '@')) {
    safe.insert(0, 1, '\'');  // OWASP: a leading quote makes the cell text
  }
  // TerminalSafe already turned tab and CR into "\t" and "\r", so the
  // remaining formula triggers are the four above.
  std::string out = "\"";
  for (char c : safe) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string CsvCell(std::string_view text) { return SafeCsvCell(TerminalSafe(text)); }

std::string HitCsvHeader() {
  return "start,end,alarm,severity,statistic,value,comparison,threshold,period,datapoints_to_alarm,"
         "evaluation_periods,dimensions,principals,source_ips,events,events_omitted\n";
}

std::string HitCsv(const Hit& hit) {
  const MetricAlarm& a = *hit.alarm;
  const std::string dims = DimensionList(hit.dimensions);
  auto top = [&](std::string alarm::Evidence::*field) { return TopList(hit, field, SIZE_MAX); };
  // Times and numbers are ours; every text cell goes through CsvCell, the
  // lists in a cell are text fields as in the text line (quoted as needed).
  return fmt::format("{},{},{},{},{},\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",{},{},{},\"{}\",\"{}\"\n",
                     CsvCell(FormatIsoTime(hit.episode.start)),
                     CsvCell(hit.episode.end ? FormatIsoTime(*hit.episode.end) : ""), CsvCell(a.name),
                     CsvCell(TagValue(a.tags, "Severity")), CsvCell(a.statistic.name), Number(hit.episode.peak),
                     ComparisonSymbol(a.comparison), Number(a.threshold), a.period, a.datapoints_to_alarm,
                     a.evaluation_periods, SafeCsvCell(dims), SafeCsvCell(top(&alarm::Evidence::principal)),
                     SafeCsvCell(top(&alarm::Evidence::source_ip)), hit.events.size(), hit.events_omitted);
}

std::string HitJson(const Hit& hit, bool with_events) {
  const MetricAlarm& a = *hit.alarm;
  std::string out = fmt::format(
      R"({{"alarm":{},"state":"ALARM","start":"{}","end":{},"value":{},"threshold":{},"comparison":{},)"
      R"("statistic":{},"period":{},"evaluation_periods":{},"datapoints_to_alarm":{},)"
      R"("treat_missing_data":{},"metric":{{"namespace":{},"name":{}}},"dimensions":{},"description":{},)"
      R"("tags":{},"actions_enabled":{},"alarm_actions":[)",
      JsonQuoted(a.name), FormatIsoTime(hit.episode.start),
      hit.episode.end ? JsonQuoted(FormatIsoTime(*hit.episode.end)) : std::string("null"),
      Number(hit.episode.peak), Number(a.threshold), JsonQuoted(a.comparison_text), JsonQuoted(a.statistic.name), a.period,
      a.evaluation_periods, a.datapoints_to_alarm, JsonQuoted(a.treat_missing_text), JsonQuoted(a.metric_namespace),
      JsonQuoted(a.metric_name), JsonMap(hit.dimensions), JsonQuoted(a.description), JsonMap(a.tags),
      a.actions_enabled ? "true" : "false");
  for (size_t i = 0; i < a.alarm_actions.size(); ++i) out += (i ? "," : "") + JsonQuoted(a.alarm_actions[i]);
  out += "],\"source\":" + JsonQuoted(a.loc.Describe());
  auto add_top = [&](const char* key, std::string alarm::Evidence::*field) {
    out += fmt::format(",\"{}\":{{", key);
    const auto top = Top(hit, field);
    for (size_t i = 0; i < top.size(); ++i) out += fmt::format("{}{}:{}", i ? "," : "", JsonQuoted(top[i].first), top[i].second);
    out += '}';
  };
  add_top("principals", &alarm::Evidence::principal);
  add_top("source_ips", &alarm::Evidence::source_ip);
  out += ",\"events\":[";
  for (size_t i = 0; i < hit.events.size(); ++i) out += (i ? "," : "") + JsonQuoted(hit.events[i]->event_id);
  out += fmt::format("],\"events_omitted\":{}", hit.events_omitted);
  if (with_events) {
    out += ",\"records\":[";
    for (size_t i = 0; i < hit.events.size(); ++i) {
      // Evidence from a --state written without --with-events has no record.
      const std::string& raw = hit.events[i]->raw_json;
      out += (i ? "," : "") + (raw.empty() ? std::string("null") : raw);
    }
    out += ']';
  }
  out += "}\n";
  return out;
}

}  // namespace trailwatch::output
