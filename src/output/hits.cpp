// hits: text and JSON forms of an alarm hit. Every string that comes from the
// logs (principals, IPs, event IDs, dimension values) is escaped: terminal-
// safe in text, JSON-escaped in JSON.
#include "output/hits.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "trailwatch/escape.h"

namespace trailwatch::output {
namespace {


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


std::string JsonMap(const KeyValues& kv) {
  std::string out = "{";
  for (size_t i = 0; i < kv.size(); ++i) {
    out += fmt::format("{}{}:{}", i ? "," : "", JsonQuoted(kv[i].first), JsonQuoted(kv[i].second));
  }
  return out + "}";
}

}  // namespace

std::string HitText(const Hit& hit) {
  const MetricAlarm& a = *hit.alarm;
  std::string line = fmt::format("{} {} ALARM ", FormatIsoTime(hit.episode.start),
                                 hit.episode.end ? FormatIsoTime(*hit.episode.end) : std::string("-"));
  AppendTerminalSafe(line, a.name);
  line += fmt::format(" {}={} {} {} period={}s {}/{}", a.statistic.name, Number(hit.episode.peak),
                      ComparisonSymbol(a.comparison), Number(a.threshold), a.period,
                      a.datapoints_to_alarm, a.evaluation_periods);
  line += " dimensions=";
  if (hit.dimensions.empty()) line += '-';
  for (size_t i = 0; i < hit.dimensions.size(); ++i) {
    if (i) line += ',';
    AppendTerminalSafe(line, hit.dimensions[i].first);
    line += ':';
    AppendTerminalSafe(line, hit.dimensions[i].second);
  }
  auto add_top = [&](const char* label, std::string alarm::Evidence::*field) {
    line += fmt::format(" {}=", label);
    const auto top = Top(hit, field);
    if (top.empty()) line += '-';
    for (size_t i = 0; i < top.size() && i < 3; ++i) {
      if (i) line += ',';
      AppendTerminalSafe(line, top[i].first);
      line += fmt::format("({})", top[i].second);
    }
    if (top.size() > 3) line += fmt::format(",+{}", top.size() - 3);
  };
  add_top("principals", &alarm::Evidence::principal);
  add_top("ips", &alarm::Evidence::source_ip);
  line += fmt::format(" events={}\n", hit.events.size());
  return line;
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
  out += ']';
  if (with_events) {
    out += ",\"records\":[";
    for (size_t i = 0; i < hit.events.size(); ++i) out += (i ? "," : "") + hit.events[i]->raw_json;
    out += ']';
  }
  out += "}\n";
  return out;
}

}  // namespace trailwatch::output
