// Digest: parses a digest file's JSON with simdjson (DOM, error codes only),
// decodes digest and log file names, builds the data-signing string, hashes.
// The recipe these implement is written out at the top of verify.cpp.
#include "verify/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/input.h"

namespace trailwatch::verify {
namespace {

std::string_view BaseName(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

// A JSON value that must be a string, or null when `nullable`.
enum class Field { kString, kNull, kWrongType };

Field ReadString(simdjson::dom::element value, std::string* out) {
  std::string_view s;
  if (!value.get_string().get(s)) {
    out->assign(s);
    return Field::kString;
  }
  return value.is_null() ? Field::kNull : Field::kWrongType;
}

Status ReadLogEntry(simdjson::dom::element item, LogEntry* entry) {
  simdjson::dom::object obj;
  if (item.get_object().get(obj)) return Status::Corrupt("logFiles entry is not an object");
  for (auto [key, value] : obj) {
    std::string* target = nullptr;
    if (key == "s3Bucket") target = &entry->s3_bucket;
    else if (key == "s3Object") target = &entry->s3_object;
    else if (key == "hashValue") target = &entry->hash_value;
    else if (key == "hashAlgorithm") target = &entry->hash_algorithm;
    if (target == nullptr) continue;  // newestEventTime, oldestEventTime, future fields
    target->clear();
    if (ReadString(value, target) == Field::kWrongType) {
      return Status::Corrupt(fmt::format("logFiles entry: {} is not a string", key));
    }
  }
  if (entry->s3_object.empty()) return Status::Corrupt("logFiles entry without s3Object");
  if (entry->hash_value.empty()) return Status::Corrupt("logFiles entry without hashValue");
  return Status::Ok();
}

// Two-digit (or four-digit) decimal field of a name stamp, or -1.
int64_t Digits(std::string_view s) {
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// YYYYMMDDTHHMMSSZ as Unix seconds.
std::optional<UnixSeconds> ParseStamp(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  const int64_t y = Digits(s.substr(0, 4)), mo = Digits(s.substr(4, 2)), d = Digits(s.substr(6, 2));
  const int64_t h = Digits(s.substr(9, 2)), mi = Digits(s.substr(11, 2)), se = Digits(s.substr(13, 2));
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      se < 0 || se > 60) {
    return std::nullopt;
  }
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se;
}

const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // fetched once, kept
  return md;
}

}  // namespace

Result<Digest> ParseDigest(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size(), /*realloc_if_needed=*/false).get(doc)) {
    return Status::Corrupt(fmt::format("invalid JSON: {}", simdjson::error_message(err)));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return Status::Corrupt("not a JSON object");

  Digest d;
  // Which required fields were seen (as a string, or as null where allowed).
  bool seen_start = false, seen_end = false, seen_bucket = false, seen_object = false;
  bool seen_fingerprint = false, seen_prev_signature = false, seen_logs = false;
  struct Optional {
    std::string_view name;
    std::optional<std::string>* target;
  };
  const std::array<Optional, 5> optionals = {{
      {"previousDigestS3Bucket", &d.previous_s3_bucket},
      {"previousDigestS3Object", &d.previous_s3_object},
      {"previousDigestHashValue", &d.previous_hash_value},
      {"previousDigestHashAlgorithm", &d.previous_hash_algorithm},
      {"previousDigestSignature", &d.previous_signature},
  }};
  // Every field is read in one pass; a repeated key keeps its last value, as
  // Python's json module (and so the AWS CLI) does.
  for (auto [key, value] : obj) {
    struct Required {
      std::string_view name;
      std::string* target;
      bool* seen;
    };
    const std::array<Required, 7> required = {{
        {"awsAccountId", &d.aws_account_id, nullptr},
        {"digestStartTime", &d.digest_start_time, &seen_start},
        {"digestEndTime", &d.digest_end_time, &seen_end},
        {"digestS3Bucket", &d.digest_s3_bucket, &seen_bucket},
        {"digestS3Object", &d.digest_s3_object, &seen_object},
        {"digestPublicKeyFingerprint", &d.public_key_fingerprint, &seen_fingerprint},
        {"digestSignatureAlgorithm", &d.signature_algorithm, nullptr},
    }};
    bool handled = false;
    for (const Required& r : required) {
      if (key != r.name) continue;
      handled = true;
      r.target->clear();
      const Field f = ReadString(value, r.target);
      if (f == Field::kWrongType || (f == Field::kNull && r.seen != nullptr)) {
        return Status::Corrupt(fmt::format("{} is not a string", r.name));
      }
      if (r.seen != nullptr) *r.seen = true;
    }
    for (const Optional& o : optionals) {
      if (key != o.name) continue;
      handled = true;
      std::string s;
      switch (ReadString(value, &s)) {
        case Field::kString: *o.target = std::move(s); break;
        case Field::kNull: o.target->reset(); break;
        case Field::kWrongType: return Status::Corrupt(fmt::format("{} is not a string or null", o.name));
      }
      if (o.name == "previousDigestSignature") seen_prev_signature = true;
    }
    if (handled || key != "logFiles") continue;
    simdjson::dom::array logs;
    if (value.get_array().get(logs)) return Status::Corrupt("logFiles is not an array");
    seen_logs = true;
    d.log_files.clear();
    for (simdjson::dom::element item : logs) {
      LogEntry entry;
      if (Status s = ReadLogEntry(item, &entry); !s.ok()) return s;
      d.log_files.push_back(std::move(entry));
    }
  }

  const std::pair<bool, std::string_view> checks[] = {
      {seen_start, "digestStartTime"}, {seen_end, "digestEndTime"},
      {seen_bucket, "digestS3Bucket"}, {seen_object, "digestS3Object"},
      {seen_fingerprint, "digestPublicKeyFingerprint"},
      {seen_prev_signature, "previousDigestSignature"}, {seen_logs, "logFiles"}};
  for (const auto& [seen, name] : checks) {
    if (!seen) return Status::Corrupt(fmt::format("missing field {}", name));
  }
  std::optional<UnixSeconds> start = ParseIsoTime(d.digest_start_time);
  std::optional<UnixSeconds> end = ParseIsoTime(d.digest_end_time);
  if (!start || !end) return Status::Corrupt("digestStartTime or digestEndTime is not an ISO 8601 time");
  d.start = *start;
  d.end = *end;
  return d;
}

std::optional<DigestName> ParseDigestName(std::string_view key) {
  std::string_view name = BaseName(key);
  DigestName out;
  if (name.ends_with("_backfill.json.gz")) {
    out.backfill = true;
    name.remove_suffix(std::string_view("_backfill.json.gz").size());
  } else if (name.ends_with(".json.gz")) {
    name.remove_suffix(std::string_view(".json.gz").size());
  } else {
    return std::nullopt;
  }
  if (name.size() < 17 || name[name.size() - 17] != '_') return std::nullopt;
  std::optional<UnixSeconds> stamp = ParseStamp(name.substr(name.size() - 16));
  if (!stamp) return std::nullopt;
  out.stamp = *stamp;
  name.remove_suffix(17);
  constexpr std::string_view kMarker = "_CloudTrail-Digest_";
  const size_t marker = name.find(kMarker);
  if (marker == std::string_view::npos || marker == 0) return std::nullopt;
  out.account = std::string(name.substr(0, marker));
  std::string_view rest = name.substr(marker + kMarker.size());
  const size_t region_end = rest.find('_');
  const size_t home_start = rest.rfind('_');
  // region _ trail _ home-region: three non-empty parts (the trail may hold '_').
  if (region_end == std::string_view::npos || region_end == 0 || home_start <= region_end + 1 ||
      home_start + 1 >= rest.size()) {
    return std::nullopt;
  }
  out.region = std::string(rest.substr(0, region_end));
  out.trail = std::string(rest.substr(region_end + 1, home_start - region_end - 1));
  out.home_region = std::string(rest.substr(home_start + 1));
  return out;
}

std::optional<LogName> ParseLogName(std::string_view key) {
  const std::string_view name = BaseName(key);
  LogName out;
  std::string_view marker = "_CloudTrail_";
  size_t at = name.find(marker);
  if (at == std::string_view::npos) {
    marker = "_CloudTrail-Insight_";
    at = name.find(marker);
    out.insight = true;
  }
  if (at == std::string_view::npos || at == 0 || !name.ends_with(".json.gz")) return std::nullopt;
  const std::string_view rest = name.substr(at + marker.size());
  const size_t region_end = rest.find('_');
  if (region_end == std::string_view::npos || region_end == 0) return std::nullopt;
  // One stamp parser for both: S3DeliveryTime reads it after "_CloudTrail_".
  std::optional<UnixSeconds> stamp =
      S3DeliveryTime(out.insight ? fmt::format("{}_CloudTrail_{}", name.substr(0, at), rest) : std::string(name));
  if (!stamp) return std::nullopt;
  out.account = std::string(name.substr(0, at));
  out.region = std::string(rest.substr(0, region_end));
  out.stamp = *stamp;
  return out;
}

LogPlace PlaceOfPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t begin = 0; begin <= path.size();) {
    const size_t end = std::min(path.find('/', begin), path.size());
    parts.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  const auto is_account = [](std::string_view s) {
    return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const auto is_region = [](std::string_view s) {
    return s.find('-') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
  };
  LogPlace out;
  // parts.back() is the file name: a region folder must come before it.
  for (size_t i = parts.size() - 1; i-- > 1;) {
    if (parts[i] != "CloudTrail" && parts[i] != "CloudTrail-Insight") continue;
    if (i + 2 > parts.size() - 1) continue;
    if (is_account(parts[i - 1])) out.account = std::string(parts[i - 1]);
    if (is_region(parts[i + 1])) out.region = std::string(parts[i + 1]);
    break;
  }
  return out;
}

std::string SigningString(const Digest& digest, std::string_view digest_sha256_hex) {
  // "null" for a starting digest: the Java signer wrote String.valueOf(null).
  const std::string_view previous =
      digest.previous_signature ? std::string_view(*digest.previous_signature) : "null";
  return fmt::format("{}\n{}/{}\n{}\n{}", digest.digest_end_time, digest.digest_s3_bucket,
                     digest.digest_s3_object, digest_sha256_hex, previous);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xf];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

bool SameHex(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { Reset(); }
Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Reset() { EVP_DigestInit_ex(ctx_, Sha256Md(), nullptr); }

void Sha256::Update(const void* data, size_t n) { EVP_DigestUpdate(ctx_, data, n); }

std::string Sha256::FinishHex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes.data(), bytes.size());
  return h.FinishHex();
}

}  // namespace trailwatch::verify
