// The pieces of scan's output for people and pipes: sparklines, CSV cells,
// hit lines with forged log values, JSON lines, and the --on-alarm command
// splitting (no shell: nothing is expanded).
#include <catch2/catch.hpp>

#include "output/hits.h"
#include "output/style.h"
#include "output/summary.h"
#include "hooks/hooks.h"
#include "output/write.h"

namespace trailwatch {
namespace {

TEST_CASE("sparkline: one cell per hour, blank for none, scaled to the row's peak") {
  const std::map<int64_t, uint64_t> counts{{10, 1}, {12, 8}, {13, 4}};
  CHECK(output::Sparkline(counts, 10, 14, 72) == "\u2581 \u2588\u2584 ");
  // A single event next to a burst stays visible (at least the lowest block).
  CHECK(output::Sparkline({{0, 1}, {1, 1000}}, 0, 1, 72) == "\u2581\u2588");
  CHECK(output::Sparkline({}, 0, 2, 72) == "   ");
  CHECK(output::Sparkline({}, 5, 4, 72).empty());  // no span
}

TEST_CASE("sparkline: a long span is folded into at most max_width cells") {
  std::map<int64_t, uint64_t> counts;
  for (int64_t h = 0; h < 240; ++h) counts[h] = 1;  // ten days, one per hour
  counts[239] = 100;
  int64_t per_char = 0;
  const std::string line = output::Sparkline(counts, 0, 239, 72, &per_char);
  CHECK(per_char == 4);                         // ceil(240 / 72)
  CHECK(line.size() == 60 * 3);                 // 60 cells of 3-byte blocks
  CHECK(line.substr(line.size() - 3) == "\u2588");  // the burst is the last cell
}

TEST_CASE("csv cells: quoted, quotes doubled, formulas neutralized, controls visible") {
  CHECK(output::CsvCell("plain") == "\"plain\"");
  CHECK(output::CsvCell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  for (const char* formula : {"=1+1", "+1", "-1", "@SUM(A1)"}) {
    CAPTURE(formula);
    CHECK(output::CsvCell(formula) == "\"'" + std::string(formula) + "\"");
  }
  // Tab and CR, also formula triggers, never reach the cell raw.
  CHECK(output::CsvCell("\t=cmd") == "\"\\t=cmd\"");
  CHECK(output::CsvCell("\r\n=cmd") == "\"\\r\\n=cmd\"");
  CHECK(output::CsvCell("\x1b[2J") == "\"\\x1b[2J\"");
}

TEST_CASE("severity colors: known severities in any case, nothing for others") {
  CHECK(output::SeverityColor("critical") == "\x1b[1;31m");
  CHECK(output::SeverityColor("HIGH") == "\x1b[31m");
  CHECK(output::SeverityColor("Medium") == "\x1b[33m");
  CHECK(output::SeverityColor("low") == "\x1b[36m");
  CHECK(output::SeverityColor("\x1b[5m").empty());
  CHECK(output::SeverityColor("").empty());
  CHECK(output::Paint("x", "\x1b[31m", false) == "x");
  CHECK(output::Paint("x", "", true) == "x");
  CHECK(output::Paint("x", "\x1b[31m", true) == "\x1b[31mx\x1b[0m");
}

TEST_CASE("hook commands: words, quotes and escapes; nothing expanded") {
  auto split = [](std::string_view s) { return pipeline::SplitCommand(s).value(); };
  CHECK(split("notify --to ops") == std::vector<std::string>{"notify", "--to", "ops"});
  CHECK(split("  a\t 'b c'  \"d \\\"e\\\"\" f\\ g ") ==
        std::vector<std::string>{"a", "b c", "d \"e\"", "f g"});
  CHECK(split("echo $HOME $(id) `id` *") == std::vector<std::string>{"echo", "$HOME", "$(id)", "`id`", "*"});
  CHECK(split("x ''") == std::vector<std::string>{"x", ""});
  CHECK(split("'it''s'") == std::vector<std::string>{"its"});
  CHECK_FALSE(pipeline::SplitCommand("'open").ok());
  CHECK_FALSE(pipeline::SplitCommand("x \"open").ok());
  CHECK_FALSE(pipeline::SplitCommand("trailing\\").ok());
  CHECK_FALSE(pipeline::SplitCommand("   ").ok());
}

TEST_CASE("hooks: the input arrives on stdin, the variables in the environment") {
  char dir[] = "/tmp/tw-hook-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string out = std::string(dir) + "/out";
  const Status s = pipeline::RunHook({"sh", "-c", "cat >\"$1\"; printf '%s|%s' \"$TW_A\" \"$TW_B\" >>\"$1\"", "sh", out},
                                     "{\"x\":1}\n", {{"TW_A", "$(id)"}, {"TW_B", "two\nlines"}},
                                     std::chrono::milliseconds(10000));
  CHECK(s.ok());
  std::FILE* f = std::fopen(out.c_str(), "r");
  REQUIRE(f != nullptr);
  char buf[256] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  CHECK(std::string(buf, n) == "{\"x\":1}\n$(id)|two\nlines");
  std::remove(out.c_str());
  ::rmdir(dir);

  const Status failed = pipeline::RunHook({"sh", "-c", "exit 3"}, "", {}, std::chrono::milliseconds(10000));
  CHECK(failed.message() == "hook sh: exited with status 3");
  // A hook that never reads a large input does not block the scan.
  const Status ignored = pipeline::RunHook({"true"}, std::string(1 << 20, 'x'), {}, std::chrono::milliseconds(10000));
  CHECK(ignored.ok());
  const Status slow = pipeline::RunHook({"sleep", "10"}, "", {}, std::chrono::milliseconds(200));
  CHECK(slow.message() == "hook sleep: killed after 200 ms without finishing");
}

// A hit whose principal and source IP try to forge the fields after them.
struct ForgedHit {
  MetricAlarm alarm;
  std::vector<alarm::Evidence> evidence;
  output::Hit hit;

  ForgedHit() {
    alarm.name = "Brute force";
    alarm.statistic.name = "Sum";
    alarm.comparison = Comparison::kGreaterThan;
    alarm.threshold = 1;
    evidence.push_back({60, "e1", "x(1) ips=10.0.0.1(1) events=1", "203.0.113.9", "", "", ""});
    evidence.push_back({61, "e2", "x(1) ips=10.0.0.1(1) events=1", "203.0.113.9", "", "", ""});
    evidence.push_back({62, "e3", "bob,eve(7)", "1.2.3.4\xE2\x80\xAE", "", "", ""});
    hit.alarm = &alarm;
    hit.dimensions = {{"k:ey", "v a,l"}};
    hit.episode.start = 60;
    hit.episode.peak = 3;
    for (const alarm::Evidence& e : evidence) hit.events.push_back(&e);
  }
};

TEST_CASE("hit text: a log value with separators is quoted, never a field of its own") {
  const ForgedHit f;
  CHECK(output::HitText(f.hit) ==
        "1970-01-01T00:01:00Z - ALARM \"Brute force\" Sum=3 > 1 period=300s 1/1 "
        "dimensions=\"k:ey\":\"v a,l\" principals=\"x(1) ips=10.0.0.1(1) events=1\"(2),\"bob,eve(7)\"(1) "
        "ips=203.0.113.9(2),1.2.3.4\\u{202e}(1) events=3\n");
}

TEST_CASE("hit csv: list cells quote their items like text, bidi made visible") {
  const ForgedHit f;
  const std::string line = output::HitCsv(f.hit);
  CHECK(line.find(R"x("""x(1) ips=10.0.0.1(1) events=1""(2),""bob,eve(7)""(1)")x") != std::string::npos);
  CHECK(line.find(R"x("203.0.113.9(2),1.2.3.4\u{202e}(1)")x") != std::string::npos);
  CHECK(line.find(R"x("""k:ey"":""v a,l""")x") != std::string::npos);
  CHECK(line.find("\xE2\x80\xAE") == std::string::npos);
}

TEST_CASE("hit json: bidirectional characters escaped, the values unchanged") {
  const ForgedHit f;
  const std::string json = output::HitJson(f.hit, false);
  CHECK(json.find(R"x("1.2.3.4\u202e":1)x") != std::string::npos);
  CHECK(json.find(R"x("x(1) ips=10.0.0.1(1) events=1":2)x") != std::string::npos);
}

TEST_CASE("JSON lines: records printed as they are unless a character must be escaped") {
  auto line = [](std::string_view raw) {
    fmt::memory_buffer b;
    output::AppendJsonLine(b, raw);
    return std::string(b.data(), b.size());
  };
  // Plain and harmless non-ASCII records are copied byte for byte, spaces kept.
  CHECK(line(R"({"a": "x"})") == "{\"a\": \"x\"}\n");
  CHECK(line("{\"a\": \"\xC5\xBDlu\xC5\xA5ou\xC4\x8Dk\xC3\xBD \xE2\x9C\x93 \xF0\x9F\x98\x80\"}") ==
        "{\"a\": \"\xC5\xBDlu\xC5\xA5ou\xC4\x8Dk\xC3\xBD \xE2\x9C\x93 \xF0\x9F\x98\x80\"}\n");
  // Controls, C1, bidirectional and invisible characters: escaped (valid JSON).
  CHECK(line("{\"a\": \"x\ty\"}") == "{\"a\":\"x\\u0009y\"}\n");
  CHECK(line("{\"a\":\"adm\xE2\x80\xAEgpj.exe\"}") == "{\"a\":\"adm\\u202egpj.exe\"}\n");
  CHECK(line("{\"a\":\"\xE2\x80\xA8\xE2\x81\xA6\xC2\x9B\xC2\xA0\xEF\xBB\xBF\xF3\xA0\x81\x81\"}") ==
        "{\"a\":\"\\u2028\\u2066\\u009b\\u00a0\\ufeff\\udb40\\udc41\"}\n");
  // A long record: the vectorized check must find the character anywhere.
  for (const size_t at : std::initializer_list<size_t>{0, 15, 16, 17, 31, 100}) {
    CAPTURE(at);
    std::string value(120, 'v');
    value.insert(at, "\xE2\x80\xAE");
    CHECK(line("{\"a\":\"" + value + "\"}").find("\\u202e") != std::string::npos);
  }
}

}  // namespace
}  // namespace trailwatch
