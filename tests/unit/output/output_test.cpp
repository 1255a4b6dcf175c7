// The pieces of scan's output for people and pipes: sparklines, CSV cells,
// and the --on-alarm command splitting (no shell: nothing is expanded).
#include <catch2/catch.hpp>

#include "output/hits.h"
#include "output/style.h"
#include "output/summary.h"
#include "hooks/hooks.h"

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

}  // namespace
}  // namespace trailwatch
