// sigma_fuzz: libFuzzer target for the Sigma loader and matcher. Input: Sigma
// YAML (one or more documents); after a line "#record", a JSON message. Any
// text must load or fail cleanly (errors, skips); every loaded detection is
// matched against the message and a few fixed records, cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "trailwatch/sigma.h"

namespace {

constexpr std::string_view kRecords[] = {
    R"({"eventName":"DeleteBucket","eventSource":"s3.amazonaws.com","errorCode":null,"a":[1,"x",[true,{"b":"c"}]]})",
    R"({"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"},"requestParameters":{"p":"{\"Effect\":\"Allow\"}","n":-1.5e3},"sourceIPAddress":"10.1.2.3"})",
    R"({"eventName":"x","o":{"k":"caf\u00e9 \ud83d\ude00"},"ip":"2001:db8::1","empty":[],"e":""})",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find("\n#record\n");
  const std::string_view yaml = input.substr(0, split);
  const std::string_view message = split == std::string_view::npos ? "" : input.substr(split + 9);
  trailwatch::sigma::RuleSet set;
  set.AddText(yaml, "fuzz.yml");
  set.Link();
  for (const auto& e : set.errors()) (void)e.Describe();
  for (const auto& rule : set.rules()) {
    for (std::string_view r : kRecords) (void)rule.detection->MatchMessage(r);
    if (!message.empty()) (void)rule.detection->MatchMessage(message);
  }
  return 0;
}
