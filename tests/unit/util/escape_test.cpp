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
  REQUIRE(TerminalSafe("\\\\x\\") == "\\\\\\\\x\\\\");  // every backslash, in a run or at an end
  REQUIRE(TerminalSafe("") == "");
}

TEST_CASE("TerminalSafe keeps valid UTF-8 and shows invalid bytes") {
  REQUIRE(TerminalSafe("Žluťoučký kůň ✓ 😀") == "Žluťoučký kůň ✓ 😀");
  REQUIRE(TerminalSafe("bad\xFF\xC3") == "bad\\xff\\xc3");
  REQUIRE(TerminalSafe("overlong\xC0\xAF") == "overlong\\xc0\\xaf");
  REQUIRE(TerminalSafe("surrogate\xED\xA0\x80") == "surrogate\\xed\\xa0\\x80");
}

TEST_CASE("AppendJsonEscaped produces a valid JSON string body") {
  std::string out;
  AppendJsonEscaped(out, "q\"b\\s\n\x01\xC2\x9B\xFFok");
  REQUIRE(out == "q\\\"b\\\\s\\n\\u0001\\u009b\xEF\xBF\xBDok");
}

// Characters that reorder or hide text (Trojan Source, CVE-2021-42574), break
// lines outside ASCII, or look like a blank that separates fields. Each is
// shown as \u{...} in text and escaped as \uXXXX in JSON.
TEST_CASE("TerminalSafe shows bidirectional, line-separator and invisible characters") {
  struct Case {
    const char* utf8;
    const char* shown;
  };
  const Case cases[] = {
      {"\xE2\x80\xAE", "\\u{202e}"},  // RIGHT-TO-LEFT OVERRIDE
      {"\xE2\x80\xAA", "\\u{202a}"},  // LEFT-TO-RIGHT EMBEDDING .. U+202E
      {"\xE2\x80\xAB", "\\u{202b}"},     {"\xE2\x80\xAC", "\\u{202c}"},
      {"\xE2\x80\xAD", "\\u{202d}"},     {"\xE2\x81\xA6", "\\u{2066}"},  // isolates
      {"\xE2\x81\xA7", "\\u{2067}"},     {"\xE2\x81\xA8", "\\u{2068}"},
      {"\xE2\x81\xA9", "\\u{2069}"},     {"\xE2\x80\x8E", "\\u{200e}"},  // LRM, RLM
      {"\xE2\x80\x8F", "\\u{200f}"},     {"\xD8\x9C", "\\u{61c}"},       // ARABIC LETTER MARK
      {"\xE2\x80\xA8", "\\u{2028}"},     {"\xE2\x80\xA9", "\\u{2029}"},  // line, paragraph separator
      {"\xE2\x80\x8B", "\\u{200b}"},     {"\xE2\x80\x8D", "\\u{200d}"},  // zero width space, joiner
      {"\xE2\x81\xA0", "\\u{2060}"},     {"\xEF\xBB\xBF", "\\u{feff}"},  // word joiner, BOM
      {"\xC2\xAD", "\\u{ad}"},           {"\xE1\xA0\x8E", "\\u{180e}"},  // soft hyphen, Mongolian VS
      {"\xC2\xA0", "\\u{a0}"},           {"\xE2\x80\x83", "\\u{2003}"},  // no-break space, em space
      {"\xE2\x80\xAF", "\\u{202f}"},     {"\xE3\x80\x80", "\\u{3000}"},  // narrow NBSP, ideographic
      {"\xE3\x85\xA4", "\\u{3164}"},     {"\xE2\xA0\x80", "\\u{2800}"},  // blank-looking letters
      {"\xEF\xBF\xB9", "\\u{fff9}"},     {"\xF3\xA0\x81\x81", "\\u{e0041}"},  // annotation, tag 'A'
  };
  for (const Case& c : cases) {
    CAPTURE(c.shown);
    CHECK(TerminalSafe(std::string("a") + c.utf8 + "b") == std::string("a") + c.shown + "b");
  }
  // Trojan Source: what the terminal shows is what the bytes say.
  CHECK(TerminalSafe("admin\xE2\x80\xAEgpj.exe") == "admin\\u{202e}gpj.exe");
  // Neighbours of the ranges, and ordinary non-ASCII text, are kept.
  for (const char* kept : {"\xE2\x80\x90", "\xE2\x80\xB0", "\xE2\x81\xA5", "\xD8\x9B", "\xEF\xBB\xBE",
                           "\xC2\xAE", "\xE3\x80\x81", "\xD9\x85\xD8\xB1", "\xF0\x9F\x98\x80",
                           "\xF3\xA0\x84\x80"}) {
    CAPTURE(kept);
    CHECK(TerminalSafe(kept) == kept);
  }
}

TEST_CASE("AppendJsonEscaped escapes bidirectional and invisible characters as \\u") {
  std::string out;
  AppendJsonEscaped(out, "a\xE2\x80\xAE" "b\xE2\x80\xA8" "c\xC2\xA0" "d\xF3\xA0\x81\x81" "e\xC3\xA9");
  CHECK(out == "a\\u202eb\\u2028c\\u00a0d\\udb40\\udc41e\xC3\xA9");
  CHECK(trailwatch::JsonQuoted("\xEF\xBB\xBF") == "\"\\ufeff\"");
}

TEST_CASE("TextField: one field on a line of fields, never several, never '-'") {
  using trailwatch::TextField;
  CHECK(TextField("alice") == "alice");
  CHECK(TextField("arn:aws:iam::1:user/a,b(1)") == "arn:aws:iam::1:user/a,b(1)");  // no separator given
  CHECK(TextField("x(1) ips=10.0.0.1(1) events=1") == "\"x(1) ips=10.0.0.1(1) events=1\"");
  CHECK(TextField("a,b(2)", ",()") == "\"a,b(2)\"");
  CHECK(TextField("k:v", ",:") == "\"k:v\"");
  CHECK(TextField("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(TextField("\"") == "\"\\\"\"");
  CHECK(TextField("") == "\"\"");
  CHECK(TextField("-") == "\"-\"");
  CHECK(TextField("--") == "--");
  CHECK(TextField("back\\slash") == "back\\\\slash");
  CHECK(TextField("tab\there") == "tab\\there");                       // no blank left: not quoted
  CHECK(TextField("nbsp\xC2\xA0x") == "nbsp\\u{a0}x");                 // made visible, not a blank
  CHECK(TextField("rlo \xE2\x80\xAE") == "\"rlo \\u{202e}\"");
  CHECK(TextField("\x1b[2J x") == "\"\\x1b[2J x\"");
}
