// Tests for terminal-safe and JSON escaping of attacker-controlled text.
#include <catch2/catch.hpp>

#include "trailwatch/escape.h"

using trailwatch::AppendJsonEscaped;
using trailwatch::TerminalSafe;

TEST_CASE("TerminalSafe makes every control visible") {
  REQUIRE(TerminalSafe("plain text: OK") == "plain text: OK");
  REQUIRE(TerminalSafe("a\x1b[2Jb") == "a\\x1b[2Jb");          // ESC: clear screen
  REQUIRE(TerminalSafe("x\x1b]0;owned\x07") == "x\\x1b]0;owned\\x07");  // OSC: window title
  REQUIRE(TerminalSafe("l1\nl2\r\t") == "l1\\nl2\\r\\t");
  REQUIRE(TerminalSafe("del\x7f") == "del\\x7f");
  REQUIRE(TerminalSafe("csi\xC2\x9B" "31m") == "csi\\u{9b}31m");   // C1 CSI in UTF-8
  REQUIRE(TerminalSafe("back\\slash") == "back\\\\slash");
}

TEST_CASE("TerminalSafe keeps valid UTF-8 and shows invalid bytes") {
  REQUIRE(TerminalSafe("Žluťoučký kůň ✓ 😀") == "Žluťoučký kůň ✓ 😀");
  REQUIRE(TerminalSafe("nbsp\xC2\xA0") == "nbsp\xC2\xA0");
  REQUIRE(TerminalSafe("bad\xFF\xC3") == "bad\\xff\\xc3");
  REQUIRE(TerminalSafe("overlong\xC0\xAF") == "overlong\\xc0\\xaf");
  REQUIRE(TerminalSafe("surrogate\xED\xA0\x80") == "surrogate\\xed\\xa0\\x80");
}

TEST_CASE("AppendJsonEscaped produces a valid JSON string body") {
  std::string out;
  AppendJsonEscaped(out, "q\"b\\s\n\x01\xC2\x9B\xFFok");
  REQUIRE(out == "q\\\"b\\\\s\\n\\u0001\\u009b\xEF\xBF\xBDok");
}
