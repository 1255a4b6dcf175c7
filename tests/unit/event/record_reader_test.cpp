// Tests for RecordReader: every input format, and every kind of damaged input
// (one message naming the place, good records kept, counts that add up).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "test_util.h"

using trailwatch::ReaderLimits;
using trailwatch::test::Gzip;
using trailwatch::test::MakeRecord;
using trailwatch::test::ReadContent;
using trailwatch::test::ReadFile;
using trailwatch::test::ReadResult;
using trailwatch::test::TempDir;
using Catch::Matchers::Contains;

namespace {

const std::string kR1 = MakeRecord("2026-11-20T10:00:01Z", "ConsoleLogin");
const std::string kR2 = MakeRecord("2026-11-20T10:00:02Z", "StopLogging");
const std::string kR3 = MakeRecord("2026-11-20T10:00:03Z", "DisableKey");

std::string RecordsDoc(const std::vector<std::string>& records) {
  return fmt::format(R"({{"Records":[{}]}})", fmt::join(records, ","));
}

// Every record read is accounted for.
void RequireBalanced(const ReadResult& r) {
  REQUIRE(r.report.records_read == r.report.accepted + r.report.filtered + r.report.rejected);
  REQUIRE(r.report.rejected_by_reason.size() <= r.report.rejected);
}

void RequireClean(const ReadResult& r, size_t records) {
  INFO(r.AllMessages());
  REQUIRE(r.report.ok());
  REQUIRE(r.report.messages.empty());
  REQUIRE(r.report.records_read == records);
  REQUIRE(r.lines.size() == records);
  RequireBalanced(r);
}

}  // namespace

TEST_CASE("S3 delivery file: compact Records document") {
  const ReadResult r = ReadContent(RecordsDoc({kR1, kR2, kR3}));
  RequireClean(r, 3);
  REQUIRE(r.times == std::vector<std::string>{"2026-11-20T10:00:01Z", "2026-11-20T10:00:02Z",
                                              "2026-11-20T10:00:03Z"});
  REQUIRE(r.lines[0] == kR1);  // original fields and values, byte for byte
}

TEST_CASE("S3 delivery file: gzip, detected by content not by name") {
  const std::string gz = Gzip(RecordsDoc({kR1, kR2}));
  RequireClean(ReadContent(gz, "x.json.gz"), 2);
  RequireClean(ReadContent(gz, "no-extension"), 2);
}

TEST_CASE("Pretty-printed Records document is emitted compact") {
  const std::string pretty = "{\n  \"Records\": [\n    {\n      \"eventTime\": \"2026-11-20T10:00:01Z\",\n"
                             "      \"eventName\": \"A\",\n      \"x\": [1, 2, {\"y\": \"a b\"}]\n    }\n  ]\n}\n";
  const ReadResult r = ReadContent(pretty);
  RequireClean(r, 1);
  REQUIRE(r.lines[0] == R"({"eventTime":"2026-11-20T10:00:01Z","eventName":"A","x":[1,2,{"y":"a b"}]})");
}

TEST_CASE("Empty Records array is a valid file with no records") {
  RequireClean(ReadContent(R"({"Records":[]})"), 0);
}

TEST_CASE("Records key need not come first, other keys are ignored") {
  RequireClean(ReadContent(fmt::format(R"({{"meta":{{"a":[1]}},"Records":[{}],"x":1}})", kR1)), 1);
}

TEST_CASE("JSON array of bare records, pretty-printed") {
  RequireClean(ReadContent(fmt::format("[\n  {},\n  {}\n]\n", kR1, kR2)), 2);
}

TEST_CASE("JSON lines, plain and gzipped, with CRLF and blank lines") {
  const std::string jsonl = kR1 + "\r\n\r\n" + kR2 + "\n" + kR3;  // no final newline
  RequireClean(ReadContent(jsonl, "a.jsonl"), 3);
  RequireClean(ReadContent(Gzip(jsonl), "a.ndjson.gz"), 3);
}

TEST_CASE("A single pretty-printed bare record") {
  const std::string pretty = "{\n    \"eventVersion\": \"1.08\",\n    \"eventTime\": \"2026-11-20T10:00:01Z\",\n"
                             "    \"eventName\": \"CreateUser\"\n}\n";
  RequireClean(ReadContent(pretty), 1);
}

TEST_CASE("Concatenated objects without separators (Firehose style)") {
  RequireClean(ReadContent(kR1 + kR2 + kR3), 3);
}

TEST_CASE("CloudWatch Logs export lines: timestamp then JSON") {
  const std::string lines = "2026-11-20T10:00:01.123Z " + kR1 + "\n2026-11-20T10:00:02.000Z " + kR2 + "\n";
  const ReadResult r = ReadContent(lines, "000000.gz");
  RequireClean(r, 2);
  REQUIRE(r.lines[1] == kR2);
}

TEST_CASE("EventBridge events: the record is under detail") {
  const std::string ev1 = fmt::format(
      R"({{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{}}})", kR1);
  // detail before detail-type still works
  const std::string ev2 = fmt::format(
      R"({{"version":"0","detail":{},"detail-type":"AWS Console Sign In via CloudTrail"}})", kR2);
  const ReadResult r = ReadContent(ev1 + "\n" + ev2 + "\n");
  RequireClean(r, 2);
  REQUIRE(r.lines[0] == kR1);
  REQUIRE(r.lines[1] == kR2);
}

TEST_CASE("EventBridge event that is not from CloudTrail is rejected by name") {
  const ReadResult r = ReadContent(
      R"({"version":"0","detail-type":"GuardDuty Finding","detail":{"eventTime":"2026-11-20T10:00:01Z"}})" "\n" + kR1 + "\n");
  REQUIRE(r.report.accepted == 1);
  REQUIRE(r.report.rejected == 1);
  REQUIRE_THAT(r.AllMessages(), Contains("line 1: not a CloudTrail record") && Contains("GuardDuty Finding"));
  RequireBalanced(r);
}

TEST_CASE("UTF-8 byte order mark is skipped") {
  RequireClean(ReadContent("\xEF\xBB\xBF" + RecordsDoc({kR1})), 1);
}

TEST_CASE("Empty and whitespace-only files are input errors") {
  const ReadResult empty = ReadContent("");
  REQUIRE(empty.report.input_error);
  REQUIRE_THAT(empty.AllMessages(), Contains("empty file"));
  const ReadResult blank = ReadContent(" \n\t\n");
  REQUIRE(blank.report.input_error);
  REQUIRE_THAT(blank.AllMessages(), Contains("only whitespace"));
}

TEST_CASE("Text that is not JSON") {
  const ReadResult r = ReadContent("hello world\n");
  REQUIRE(r.report.input_error);
  REQUIRE(r.report.records_read == 0);
  REQUIRE_THAT(r.AllMessages(), Contains("byte 0: not JSON"));
}

TEST_CASE("Archives we do not read are named") {
  const ReadResult r = ReadContent(std::string("PK\x03\x04rest", 8), "x.json");
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("zip archive"));
}

TEST_CASE("JSON that is not CloudTrail: each object is a rejected record") {
  const ReadResult r = ReadContent(R"({"name":"package","version":"1.0"})");
  REQUIRE(r.report.records_read == 1);
  REQUIRE(r.report.rejected == 1);
  REQUIRE(r.report.rejected_by_reason.at("not a CloudTrail record") == 1);
  REQUIRE_THAT(r.AllMessages(), Contains("input.json: record 1 (byte 0): not a CloudTrail record"));
}

TEST_CASE("Records without a usable eventTime are rejected, the rest kept") {
  const std::string no_time = R"({"eventVersion":"1.08","eventName":"GetUser"})";
  const std::string bad_time = R"({"eventVersion":"1.08","eventTime":"redacted","eventName":"GetUser"})";
  const std::string num_time = R"({"eventVersion":"1.08","eventTime":12345,"eventName":"GetUser"})";
  const ReadResult r = ReadContent(RecordsDoc({kR1, no_time, bad_time, num_time, kR2}));
  REQUIRE(r.report.records_read == 5);
  REQUIRE(r.report.accepted == 2);
  REQUIRE(r.report.rejected_by_reason.at("missing eventTime") == 1);
  REQUIRE(r.report.rejected_by_reason.at("invalid eventTime") == 2);
  REQUIRE_THAT(r.AllMessages(), Contains("record 2 (byte") && Contains("missing eventTime") &&
                                    Contains("\"redacted\" is not ISO 8601"));
  REQUIRE_FALSE(r.report.input_error);  // the file is fine, three records are not
  RequireBalanced(r);
}

TEST_CASE("Truncated Records document: complete records kept, the cut one rejected") {
  const std::string doc = RecordsDoc({kR1, kR2, kR3});
  const std::string cut = doc.substr(0, doc.size() - kR3.size() / 2);  // inside kR3's strings
  const ReadResult r = ReadContent(cut);
  REQUIRE(r.lines == std::vector<std::string>{kR1, kR2});
  REQUIRE(r.report.input_error);
  REQUIRE(r.report.rejected_by_reason.at("truncated record") == 1);
  REQUIRE_THAT(r.AllMessages(), Contains("record 3 (byte") && Contains("truncated record"));
  RequireBalanced(r);
}

TEST_CASE("Records document cut right after a complete record") {
  const std::string doc = RecordsDoc({kR1, kR2});
  const ReadResult r = ReadContent(doc.substr(0, doc.size() - 2));  // drop "]}"
  REQUIRE(r.lines == std::vector<std::string>{kR1, kR2});
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("ends inside the records array"));
  RequireBalanced(r);
}

TEST_CASE("Missing comma between records: every record recovered, file flagged") {
  const ReadResult r = ReadContent(fmt::format(R"({{"Records":[{},{}
{}]}})", kR1, kR2, kR3));
  REQUIRE(r.lines == std::vector<std::string>{kR1, kR2, kR3});
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("invalid JSON"));
  RequireBalanced(r);
}

TEST_CASE("A syntax error inside one record costs only that record") {
  const std::string broken = R"({"eventTime":"2026-11-20T10:00:09Z","eventName" "X"})";
  const ReadResult r = ReadContent(RecordsDoc({kR1, broken, kR2, kR3}));
  REQUIRE(r.lines == std::vector<std::string>{kR1, kR2, kR3});
  REQUIRE(r.report.rejected == 1);
  REQUIRE(r.report.records_read == 4);
  RequireBalanced(r);
}

TEST_CASE("Invalid UTF-8 is replaced by '?' and reported; the record is kept") {
  // An attacker who can put one bad byte into a userAgent must not be able to
  // make their record disappear from every rule.
  const std::string bad = MakeRecord("2026-11-20T10:00:05Z", "Bad\xC3\x28Name\xFF");
  const ReadResult doc = ReadContent(RecordsDoc({kR1, bad, kR2}));
  REQUIRE(doc.lines == std::vector<std::string>{kR1, MakeRecord("2026-11-20T10:00:05Z", "Bad?(Name?"), kR2});
  REQUIRE(doc.report.rejected == 0);
  const size_t first = RecordsDoc({kR1, bad, kR2}).find('\xC3');
  REQUIRE_THAT(doc.AllMessages(), Contains(fmt::format("byte {}: 4 bytes of invalid UTF-8 replaced by '?'", first)));  // 2 per name, 2 names
  RequireBalanced(doc);

  const ReadResult lines = ReadContent(kR1 + "\n" + bad + "\n", "u.jsonl");
  REQUIRE(lines.lines.size() == 2);
  REQUIRE(lines.lines[1] == MakeRecord("2026-11-20T10:00:05Z", "Bad?(Name?"));
  REQUIRE_THAT(lines.AllMessages(), Contains("u.jsonl: byte") && Contains("invalid UTF-8 replaced"));
  RequireBalanced(lines);
}

TEST_CASE("JSON lines: a bad line costs only that line and is named by number") {
  const std::string jsonl = kR1 + "\n{\"eventTime\":\"2026-11-20T10:00:09Z\",\"a\":\n" + kR2 + "\nnot json\n" + kR3 + "\n";
  const ReadResult r = ReadContent(jsonl, "x.jsonl");
  REQUIRE(r.lines == std::vector<std::string>{kR1, kR2, kR3});
  REQUIRE(r.report.rejected == 2);
  REQUIRE_THAT(r.AllMessages(), Contains("x.jsonl: line 2:") && Contains("x.jsonl: line 4: not JSON"));
  RequireBalanced(r);
}

TEST_CASE("Corrupt gzip: error with byte offset, no crash") {
  std::string gz = Gzip(RecordsDoc({kR1, kR2, kR3}));
  for (size_t i = 20; i < 40 && i < gz.size(); ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5A);
  const ReadResult r = ReadContent(gz, "c.json.gz");
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("c.json.gz: byte") && Contains("gzip"));
  RequireBalanced(r);
}

TEST_CASE("Truncated gzip of JSON lines: the decoded lines are kept") {
  std::string lines;
  for (int i = 0; i < 2000; ++i) lines += MakeRecord(fmt::format("2026-11-20T10:{:02}:{:02}Z", i / 60 % 60, i % 60)) + "\n";
  const std::string gz = Gzip(lines);
  const ReadResult r = ReadContent(gz.substr(0, gz.size() * 3 / 4), "t.jsonl.gz");
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("truncated gzip"));
  REQUIRE(r.report.accepted > 1000);
  REQUIRE(r.report.accepted < 2000);
  RequireBalanced(r);
}

TEST_CASE("Concatenated gzip members are all read") {
  const ReadResult r = ReadContent(Gzip(kR1 + "\n") + Gzip(kR2 + "\n") + Gzip(kR3 + "\n"), "m.jsonl.gz");
  RequireClean(r, 3);
}

TEST_CASE("Data appended after a gzip member is reported") {
  const ReadResult r = ReadContent(Gzip(RecordsDoc({kR1})) + "appended", "a.json.gz");
  REQUIRE(r.lines.size() == 1);
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("trailing data after gzip member 1"));
}

TEST_CASE("Line mode crosses read-chunk boundaries without losing records") {
  std::string lines;
  size_t n = 0;
  while (lines.size() < 9 * 1024 * 1024) {  // more than two 4 MiB chunks
    lines += MakeRecord(fmt::format("2026-11-20T{:02}:{:02}:{:02}Z", n / 3600 % 24, n / 60 % 60, n % 60)) + "\n";
    ++n;
  }
  const ReadResult r = ReadContent(Gzip(lines), "big.jsonl.gz");
  RequireClean(r, n);
}

TEST_CASE("The decompressed-size limit stops a gzip bomb") {
  const std::string bomb = Gzip(std::string(8 * 1024 * 1024, ' ') + RecordsDoc({kR1}));
  TempDir dir;
  ReaderLimits limits;
  limits.max_input_bytes = 1024 * 1024;
  const ReadResult r = ReadFile(dir.Write("bomb.json.gz", bomb), limits);
  REQUIRE(r.report.input_error);
  REQUIRE(r.report.decoded_bytes <= limits.max_input_bytes);
  REQUIRE_THAT(r.AllMessages(), Contains("exceeds the limit of 1048576 bytes"));
}

TEST_CASE("Unreadable input is an input error naming the cause") {
  TempDir dir;
  const ReadResult r = ReadFile(dir.path() + "/missing.json.gz");
  REQUIRE(r.report.input_error);
  REQUIRE_THAT(r.AllMessages(), Contains("missing.json.gz: No such file or directory"));
}

TEST_CASE("Control characters in values are escaped in the JSON line") {
  // \u001b is already escaped in JSON; a raw C1 control (U+009B, CSI) is valid
  // JSON and UTF-8 but must not reach a terminal raw.
  const std::string rec = R"({"eventTime":"2026-11-20T10:00:01Z","userAgent":"a\u001b[2Jb)" "\xC2\x9B" R"(c"})";
  const ReadResult r = ReadContent(rec);
  RequireClean(r, 1);
  REQUIRE(r.lines[0] == R"({"eventTime":"2026-11-20T10:00:01Z","userAgent":"a\u001b[2Jb\u009bc"})");
}

TEST_CASE("Records are printed as in the input, on one line, without surrounding spaces") {
  const std::string spaced = R"({"Records":[ {"eventTime": "2026-11-20T10:00:01Z", "a": 1} , {"eventTime":"2026-11-20T10:00:02Z"}  ]})";
  const ReadResult r = ReadContent(spaced);
  RequireClean(r, 2);
  REQUIRE(r.lines[0] == R"({"eventTime": "2026-11-20T10:00:01Z", "a": 1})");
  REQUIRE(r.lines[1] == R"({"eventTime":"2026-11-20T10:00:02Z"})");
}

TEST_CASE("Regression (reader fuzzer): broken records inside JSON lines never crash") {
  // Found by tests/fuzz/reader_fuzz: a record whose JSON breaks while the sink
  // reads it leaves simdjson's document abandoned; iterate_many's stream could
  // also dereference a null parser. Both inputs are kept as fuzz seeds too.
  const std::string a = std::string("{\"eventTntT\xa0T\xd5*\xfc\x7f\0\0\":\"A\"}\n", 24) +
                        "{\"Records\":[{\"eventTime::\"{\"evmntTime\":\"\"022:ee\":2A\"}\n"
                        "{\"eu0\xe7" "e8\xc2\x9b" "eint\"\x01" + std::string(7, '\0') + "ad\":\"";
  const ReadResult r = ReadContent(a, "fuzz.jsonl");
  RequireBalanced(r);
  REQUIRE(r.report.accepted == 0);
  REQUIRE(r.report.rejected >= 2);
}
