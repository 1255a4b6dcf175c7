// Tests for ISO 8601 parsing/formatting and the --since/--until spans.
#include <catch2/catch.hpp>

#include "trailwatch/time.h"

using trailwatch::FormatIsoTime;
using trailwatch::ParseIsoTime;
using trailwatch::ParseTimeArgument;

TEST_CASE("ParseIsoTime reads CloudTrail eventTime") {
  REQUIRE(ParseIsoTime("1970-01-01T00:00:00Z") == 0);
  REQUIRE(ParseIsoTime("2026-11-20T10:15:02Z") == 1795169702);
  REQUIRE(ParseIsoTime("2000-02-29T23:59:59Z") == 951868799);  // leap day
  REQUIRE(ParseIsoTime("1969-12-31T23:59:59Z") == -1);
}

TEST_CASE("ParseIsoTime accepts the variants real exports use") {
  const auto base = ParseIsoTime("2026-11-20T10:15:02Z");
  REQUIRE(ParseIsoTime("2026-11-20T10:15:02.123Z") == base);         // CloudWatch export
  REQUIRE(ParseIsoTime("2026-11-20 10:15:02.000000000") == base);    // space, no zone = UTC
  REQUIRE(ParseIsoTime("2026-11-20T11:15:02+01:00") == base);
  REQUIRE(ParseIsoTime("2026-11-20T05:15:02-0500") == base);
  REQUIRE(ParseIsoTime("2026-11-20T10:15Z") == *base - 2);           // no seconds
  REQUIRE(ParseIsoTime("2026-11-20") == *base - 10 * 3600 - 15 * 60 - 2);
}

TEST_CASE("ParseIsoTime rejects what is not a time") {
  for (const char* bad : {"", "redacted", "...", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-20T24:00:00Z", "2026-11-20T10:61:00Z", "2026-11-20T10:15:02ZZ",
                          "2026-11-20T10:15:02.Z", "2026-11-20T10:15:02+1", "26-11-20", "1795169702"}) {
    INFO(bad);
    REQUIRE_FALSE(ParseIsoTime(bad).has_value());
  }
}

TEST_CASE("FormatIsoTime is the inverse of ParseIsoTime") {
  for (const char* t : {"1970-01-01T00:00:00Z", "2026-11-20T10:15:02Z", "2000-02-29T23:59:59Z",
                        "1969-12-31T23:59:59Z", "2099-12-31T23:59:59Z"}) {
    REQUIRE(FormatIsoTime(*ParseIsoTime(t)) == t);
  }
}

TEST_CASE("ParseTimeArgument: ISO times and spans back from now") {
  const int64_t now = 1795169702;
  REQUIRE(ParseTimeArgument("90m", now).value() == now - 90 * 60);
  REQUIRE(ParseTimeArgument("24h", now).value() == now - 24 * 3600);
  REQUIRE(ParseTimeArgument("7d", now).value() == now - 7 * 86400);
  REQUIRE(ParseTimeArgument("2w", now).value() == now - 14 * 86400);
  REQUIRE(ParseTimeArgument("30s", now).value() == now - 30);
  REQUIRE(ParseTimeArgument("2026-11-20T00:00:00Z", now).value() == 1795132800);
  for (const char* bad : {"", "h", "7", "7y", "-5m", "yesterday", "1.5h"}) {
    INFO(bad);
    REQUIRE_FALSE(ParseTimeArgument(bad, now).ok());
  }
  REQUIRE(std::string(ParseTimeArgument("7y", now).status().message()).find("90m, 24h, 7d") !=
          std::string::npos);
}
