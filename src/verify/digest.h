// Digest: one CloudTrail digest file parsed (the fields the recipe needs), its
// S3 key name decoded, the data-signing string, SHA-256 and hex helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/status.h"
#include "trailwatch/time.h"

struct evp_md_ctx_st;

namespace trailwatch::verify {

/// One entry of a digest's `logFiles` array.
struct LogEntry {
  std::string s3_bucket;
  std::string s3_object;
  std::string hash_value;      ///< hex SHA-256 of the decompressed log file
  std::string hash_algorithm;  ///< "SHA-256"
};

/// The fields of a digest file that validation uses, verbatim (JSON strings
/// unescaped, nothing re-serialized). A JSON null is an empty optional.
struct Digest {
  std::string aws_account_id;
  std::string digest_start_time;  ///< e.g. "2015-08-17T14:01:31Z"
  std::string digest_end_time;    ///< goes into the signing string as is
  std::string digest_s3_bucket;
  std::string digest_s3_object;
  std::string public_key_fingerprint;  ///< digestPublicKeyFingerprint
  std::string signature_algorithm;     ///< digestSignatureAlgorithm, "SHA256withRSA"
  std::optional<std::string> previous_s3_bucket;
  std::optional<std::string> previous_s3_object;
  std::optional<std::string> previous_hash_value;
  std::optional<std::string> previous_hash_algorithm;
  std::optional<std::string> previous_signature;  ///< hex; null in a starting digest
  std::vector<LogEntry> log_files;
  UnixSeconds start = 0;  ///< digest_start_time parsed
  UnixSeconds end = 0;    ///< digest_end_time parsed
};

/// Parses the decompressed bytes of a digest file. `json` must be followed by
/// kJsonPadding readable bytes (PaddedBuffer guarantees it). Required, as the
/// AWS CLI requires them: digestStartTime, digestEndTime, digestS3Bucket,
/// digestS3Object, digestPublicKeyFingerprint, previousDigestSignature (may be
/// null) and the logFiles array.
Result<Digest> ParseDigest(std::string_view json);
inline constexpr size_t kJsonPadding = 64;

/// What a digest's S3 key says about it:
/// `<account>_CloudTrail-Digest_<region>_<trail>_<home-region>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz`.
struct DigestName {
  std::string account;
  std::string region;       ///< where the digest was delivered from
  std::string trail;        ///< may contain '_'
  std::string home_region;  ///< the trail's home region
  UnixSeconds stamp = 0;    ///< the digest end time in the name
  bool backfill = false;
};
/// Decodes the last path component of `key`, or nullopt if it is not a digest name.
std::optional<DigestName> ParseDigestName(std::string_view key);

/// The account, region and delivery stamp of a log file name
/// `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`, or of an
/// Insights log file name (`_CloudTrail-Insight_` instead of `_CloudTrail_`).
struct LogName {
  std::string account;
  std::string region;
  UnixSeconds stamp = 0;
  bool insight = false;
};
std::optional<LogName> ParseLogName(std::string_view key);

/// What a log file's folders say: `.../<account>/CloudTrail/<region>/...` (or
/// CloudTrail-Insight/), the last such component of `path`. Each part is empty
/// when the path does not say it: an account is 12 digits, a region is lower
/// case letters, digits and '-' with at least one '-'.
struct LogPlace {
  std::string account;
  std::string region;
};
LogPlace PlaceOfPath(std::string_view path);

/// The data-signing string of the recipe (no trailing newline):
/// digestEndTime \n digestS3Bucket/digestS3Object \n hex SHA-256 of the
/// decompressed digest \n previousDigestSignature, or "null" when it is null.
std::string SigningString(const Digest& digest, std::string_view digest_sha256_hex);

/// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);
/// Decodes hex (either case, even length, nothing else); nullopt otherwise.
std::optional<std::string> HexDecode(std::string_view hex);
/// The same hex string, either case.
bool SameHex(std::string_view a, std::string_view b);

/// Streaming SHA-256 (OpenSSL EVP). Not thread-safe; one per worker.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Reset();
  void Update(const void* data, size_t n);
  /// The lowercase hex digest; call Reset() before hashing again.
  std::string FinishHex();

 private:
  evp_md_ctx_st* ctx_;
};

/// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace trailwatch::verify
