// Tests for `verify`: each step of the digest recipe (hashes, names, parsing,
// signing string, keys, signatures), then whole folders built and signed here.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "test_util.h"
#include "trailwatch/byte_source.h"
#include "trailwatch/input.h"
#include "trailwatch/verify.h"
#include "verify/digest.h"
#include "verify/folder.h"
#include "verify/keys.h"

using namespace trailwatch;          // NOLINT(google-build-using-namespace)
using namespace trailwatch::verify;  // NOLINT(google-build-using-namespace)
using trailwatch::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// A test RSA key pair, generated once per process.
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

EVP_PKEY* TestKey(int which = 0) {
  static std::map<int, KeyPtr> keys;
  if (keys.count(which) == 0) keys.emplace(which, KeyPtr(EVP_RSA_gen(2048), EVP_PKEY_free));
  return keys.at(which).get();
}

std::string Der(EVP_PKEY* key, bool spki) {
  unsigned char* out = nullptr;
  const int n = spki ? i2d_PUBKEY(key, &out) : i2d_PublicKey(key, &out);
  REQUIRE(n > 0);
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

std::string Pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PUBKEY(bio, key) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// SHA256withRSA, hex, made with OpenSSL directly (independent of keys.cpp).
std::string SignHex(EVP_PKEY* key, std::string_view message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
  size_t len = 0;
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  REQUIRE(EVP_DigestSign(ctx, nullptr, &len, msg, message.size()) == 1);
  std::string sig(len, '\0');
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, msg, message.size()) == 1);
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return HexEncode(sig);
}

const char* kFingerprint = "0123456789abcdef0123456789abcdef";
const char* kBucket = "test-bucket";

std::string Stamp(UnixSeconds t, bool seconds) {
  std::string iso = FormatIsoTime(t);  // 2026-11-20T01:00:31Z
  std::string s = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2);
  return seconds ? s + iso.substr(17, 2) + "Z" : s + "Z";
}

// Writes a bucket download: log files and a chain of signed digests per region.
class Bucket {
 public:
  explicit Bucket(std::string prefix = "AWSLogs/111122223333") : prefix_(std::move(prefix)) {}
  const std::string& root() const { return dir_.path(); }
  std::string Path(const std::string& key) const { return dir_.path() + "/" + key; }

  // A log file delivered at `t` (minute precision), listed by the next digest.
  // `insight`: an Insights log file (CloudTrail-Insight/, _CloudTrail-Insight_).
  std::string Log(const std::string& region, UnixSeconds t, bool listed = true, bool insight = false) {
    const char* kind = insight ? "CloudTrail-Insight" : "CloudTrail";
    const std::string key = fmt::format("{}/{}/{}/2026/11/20/111122223333_{}_{}_{}_u{}.json.gz", prefix_, kind,
                                        region, kind, region, Stamp(t, false), ++counter_);
    const std::string content = fmt::format("{{\"Records\":[{}]}}", test::MakeRecord(FormatIsoTime(t - 60)));
    dir_.Write(key, test::Gzip(content));
    if (listed) pending_[region].push_back({key, Sha256Hex(content)});
    return key;
  }

  // The digest for (start, start + 1h] listing the pending logs; `restart`
  // starts a new chain; `null_signature` links to the previous digest but with
  // previousDigestSignature null. Returns its key.
  std::string Digest(const std::string& region, UnixSeconds start, bool restart = false, bool backfill = false,
                     bool null_signature = false) {
    const UnixSeconds end = start + 3600;
    const std::string key =
        fmt::format("{}/CloudTrail-Digest/{}/2026/11/20/111122223333_CloudTrail-Digest_{}_my_trail_us-east-1_{}{}"
                    ".json.gz",
                    prefix_, region, region, Stamp(end, true), backfill ? "_backfill" : "");
    std::string logs;
    for (const auto& [log_key, hash] : pending_[region]) {
      if (!logs.empty()) logs += ",";
      logs += fmt::format(R"({{"s3Bucket":"{}","s3Object":"{}","hashValue":"{}","hashAlgorithm":"SHA-256",)"
                          R"("newestEventTime":null,"oldestEventTime":null}})",
                          kBucket, log_key, hash);
    }
    pending_[region].clear();
    Prev& prev = prev_[region + (backfill ? "/b" : "")];
    if (restart) prev = Prev{};
    if (null_signature) prev.signature.clear();
    const auto q = [](const std::string& s) { return s.empty() ? std::string("null") : "\"" + s + "\""; };
    const std::string json = fmt::format(
        R"({{"awsAccountId":"111122223333","digestStartTime":"{}","digestEndTime":"{}","digestS3Bucket":"{}",)"
        R"("digestS3Object":"{}","digestPublicKeyFingerprint":"{}","digestSignatureAlgorithm":"SHA256withRSA",)"
        R"("newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":{},"previousDigestS3Object":{},)"
        R"("previousDigestHashValue":{},"previousDigestHashAlgorithm":{},"previousDigestSignature":{},"logFiles":[{}]}})",
        FormatIsoTime(start), FormatIsoTime(end), kBucket, key, kFingerprint, q(prev.key.empty() ? "" : kBucket),
        q(prev.key), q(prev.hash), q(prev.key.empty() ? "" : "SHA-256"), q(prev.signature), logs);
    const std::string hash = Sha256Hex(json);
    const std::string to_sign = fmt::format("{}\n{}/{}\n{}\n{}", FormatIsoTime(end), kBucket, key, hash,
                                            prev.signature.empty() ? "null" : prev.signature);
    prev = Prev{key, hash, SignHex(TestKey(), to_sign)};
    dir_.Write(key, test::Gzip(json));
    return key;
  }

  // The newest digest's signature as a sidecar file.
  void Sidecar(const std::string& region, bool backfill = false) {
    const Prev& prev = prev_[region + (backfill ? "/b" : "")];
    dir_.Write(prev.key + ".sig", prev.signature + "\n");
  }

  // Any file, e.g. one CloudTrail never writes.
  std::string Raw(const std::string& key, std::string_view content) const { return dir_.Write(key, content); }

  // The public key as <fingerprint>.der, in a hidden folder the walk skips.
  std::string Keys() const { return dir_.Write(std::string(".keys/") + kFingerprint + ".der", Der(TestKey(), false)); }

 private:
  struct Prev {
    std::string key, hash, signature;
  };
  TempDir dir_;
  std::string prefix_;
  int counter_ = 0;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> pending_;
  std::map<std::string, Prev> prev_;
};

std::string Gunzip(const std::string& path) {
  ByteSource::Scratch scratch;
  PaddedBuffer buf;
  Result<std::unique_ptr<ByteSource>> src = ByteSource::Open({path, false, true, std::nullopt}, &scratch);
  REQUIRE(src.ok());
  while (src.value()->Read(buf, 1 << 16).value() > 0) {
  }
  return std::string(buf.data(), buf.size());
}

const UnixSeconds kT0 = *ParseIsoTime("2026-11-20T00:00:31Z");
constexpr UnixSeconds kH = 3600;

// Three hourly digests in us-east-1 with two log files each (hour 1 empty).
void ThreeHours(Bucket& b) {
  b.Log("us-east-1", kT0 + 600);
  b.Log("us-east-1", kT0 + 1800);
  b.Digest("us-east-1", kT0);
  b.Digest("us-east-1", kT0 + kH);
  b.Log("us-east-1", kT0 + 2 * kH + 900);
  b.Digest("us-east-1", kT0 + 2 * kH);
  b.Sidecar("us-east-1");
}

Report Run(const Bucket& b, VerifyOptions o = {}) {
  o.folder = o.folder.empty() ? b.root() : o.folder;
  Result<Report> r = Verify(o);
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::vector<std::string> Kinds(const Report& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.emplace_back(KindName(f.kind));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("SHA-256 and hex helpers", "[verify]") {
  REQUIRE(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.Update("a", 1);
  h.Update("bc", 2);
  REQUIRE(h.FinishHex() == Sha256Hex("abc"));
  h.Reset();
  REQUIRE(h.FinishHex() == Sha256Hex(""));
  REQUIRE(HexEncode(std::string("\x00\xff\x10", 3)) == "00ff10");
  REQUIRE(HexDecode("00FF10") == std::string("\x00\xff\x10", 3));
  REQUIRE_FALSE(HexDecode("abc"));
  REQUIRE_FALSE(HexDecode("zz"));
}

TEST_CASE("Digest and log file names are decoded from S3 keys", "[verify]") {
  auto n = ParseDigestName(
      "AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1/2015/08/17/"
      "111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-2_20150817T150131Z.json.gz");
  REQUIRE(n);
  CHECK(n->account == "111122223333");
  CHECK(n->region == "eu-west-1");
  CHECK(n->trail == "my_trail");
  CHECK(n->home_region == "us-east-2");
  CHECK(n->stamp == *ParseIsoTime("2015-08-17T15:01:31Z"));
  CHECK_FALSE(n->backfill);
  n = ParseDigestName("1_CloudTrail-Digest_r_t_h_20150817T150131Z_backfill.json.gz");
  REQUIRE(n);
  CHECK(n->backfill);
  CHECK(n->stamp == *ParseIsoTime("2015-08-17T15:01:31Z"));
  CHECK_FALSE(ParseDigestName("1_CloudTrail-Digest_r_h_20150817T150131Z.json.gz"));  // no trail
  CHECK_FALSE(ParseDigestName("1_CloudTrail-Digest_r_t_h_20151317T150131Z.json.gz"));  // month 13
  CHECK_FALSE(ParseDigestName("1_CloudTrail-Digest_r_t_h_20150817T150131Z.json"));
  CHECK_FALSE(ParseDigestName("1_CloudTrail_r_20150817T1501Z_x.json.gz"));
  auto l = ParseLogName("x/111122223333_CloudTrail_eu-west-1_20261120T0110Z_abc.json.gz");
  REQUIRE(l);
  CHECK(l->account == "111122223333");
  CHECK(l->region == "eu-west-1");
  CHECK(l->stamp == *ParseIsoTime("2026-11-20T01:10:00Z"));
  CHECK_FALSE(ParseLogName("111122223333_CloudTrail-Digest_eu-west-1_t_h_20150817T150131Z.json.gz"));
}

TEST_CASE("ParseDigest reads the fields verbatim and requires what the AWS CLI requires", "[verify]") {
  const std::string sample =
      R"({"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"2015-08-17T15:01:31Z",)"
      R"("digestS3Bucket":"b","digestS3Object":"AWSLogs/x.json.gz","digestPublicKeyFingerprint":"31e8b5433410dfb61a9dc45cc65b22ff",)"
      R"("digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2015-08-17T14:52:27Z","oldestEventTime":null,)"
      R"("previousDigestS3Bucket":"b","previousDigestS3Object":"AWSLogs/p.json.gz","previousDigestHashValue":"97fb",)"
      R"("previousDigestHashAlgorithm":"SHA-256","previousDigestSignature":"5088",)"
      R"("logFiles":[{"s3Bucket":"b","s3Object":"AWSLogs/l.json.gz","hashValue":"9bb6","hashAlgorithm":"SHA-256",)"
      R"("newestEventTime":"2015-08-17T14:52:27Z","oldestEventTime":"2015-08-17T14:42:27Z"}]})";
  const simdjson::padded_string padded(sample);
  Result<Digest> d = ParseDigest(std::string_view(padded.data(), padded.size()));
  REQUIRE(d.ok());
  const Digest& v = d.value();
  CHECK(v.digest_end_time == "2015-08-17T15:01:31Z");
  CHECK(v.end - v.start == 3600);
  CHECK(v.public_key_fingerprint == "31e8b5433410dfb61a9dc45cc65b22ff");
  CHECK(v.previous_s3_object == "AWSLogs/p.json.gz");
  CHECK(v.previous_signature == "5088");
  REQUIRE(v.log_files.size() == 1);
  CHECK(v.log_files[0].s3_object == "AWSLogs/l.json.gz");
  CHECK(v.log_files[0].hash_value == "9bb6");

  // The data-signing string: four lines, no trailing newline.
  CHECK(SigningString(v, "4ff0") == "2015-08-17T15:01:31Z\nb/AWSLogs/x.json.gz\n4ff0\n5088");
  Digest start = v;
  start.previous_signature.reset();
  CHECK(SigningString(start, "4ff0") == "2015-08-17T15:01:31Z\nb/AWSLogs/x.json.gz\n4ff0\nnull");

  auto parse = [](std::string json) {
    const simdjson::padded_string p(json);
    return ParseDigest(std::string_view(p.data(), p.size()));
  };
  // A starting digest: previousDigest* null.
  std::string starting = sample;
  starting.replace(starting.find("\"5088\""), 6, "null");
  Result<Digest> s = parse(starting);
  REQUIRE(s.ok());
  CHECK_FALSE(s.value().previous_signature);
  // Each required field, removed, makes it invalid.
  for (const char* field : {"digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
                            "digestPublicKeyFingerprint", "previousDigestSignature", "logFiles"}) {
    std::string broken = sample;
    const size_t at = broken.find(std::string("\"") + field + "\"");
    broken.replace(at + 1, 1, "X");
    Result<Digest> r = parse(broken);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(std::string(r.status().message()), Contains(field));
  }
  CHECK_FALSE(parse("{}").ok());
  CHECK_FALSE(parse("[]").ok());
  CHECK_FALSE(parse(sample + "{}").ok());  // trailing content
  CHECK_FALSE(parse(sample.substr(0, sample.size() / 2)).ok());
  std::string wrong_type = sample;
  wrong_type.replace(wrong_type.find("\"5088\""), 6, "5088");
  CHECK_FALSE(parse(wrong_type).ok());
  std::string bad_time = sample;
  bad_time.replace(bad_time.find("2015-08-17T15:01:31Z"), 20, "yesterday");
  CHECK_FALSE(parse(bad_time).ok());
  // A repeated key keeps its last value (Python's json, so the AWS CLI).
  std::string repeated = sample;
  repeated.insert(1, R"("digestS3Object":"first",)");
  REQUIRE(parse(repeated).ok());
  CHECK(parse(repeated).value().digest_s3_object == "AWSLogs/x.json.gz");
}

TEST_CASE("Public keys: PKCS#1 and SubjectPublicKeyInfo DER, PEM, list-public-keys JSON", "[verify]") {
  EVP_PKEY* key = TestKey();
  const std::string pkcs1 = Der(key, false), spki = Der(key, true);
  REQUIRE(ParsePublicKeyDer(pkcs1).ok());
  REQUIRE(ParsePublicKeyDer(spki).ok());
  CHECK_FALSE(ParsePublicKeyDer("garbage").ok());
  CHECK_FALSE(ParsePublicKeyDer(pkcs1 + "x").ok());  // trailing bytes
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  CHECK_FALSE(ParsePublicKeyDer(Der(ec, true)).ok());  // not RSA
  EVP_PKEY_free(ec);

  REQUIRE(Base64Decode(Base64(pkcs1)).ok());
  CHECK(Base64Decode(Base64(pkcs1)).value() == pkcs1);
  CHECK(Base64Decode("TWFu").value() == "Man");
  CHECK(Base64Decode("TWE=\n").value() == "Ma");
  CHECK(Base64Decode("TQ==").value() == "M");
  CHECK_FALSE(Base64Decode("TQ=x").ok());
  CHECK_FALSE(Base64Decode("T").ok());
  CHECK_FALSE(Base64Decode("T*==").ok());

  PublicKeySet set;
  REQUIRE(set.AddFile("aa.der", pkcs1).ok());
  REQUIRE(set.AddFile("bb.pem", Pem(key)).ok());
  REQUIRE(set.AddFile("list.json", fmt::format(R"({{"PublicKeyList":[{{"Value":"{}","ValidityStartTime":1,)"
                                               R"("ValidityEndTime":2,"Fingerprint":"cc"}},{{"Value":"{}",)"
                                               R"("Fingerprint":"dd"}}]}})",
                                               Base64(pkcs1), Base64(spki)))
              .ok());
  CHECK(set.size() == 4);
  for (const char* fp : {"aa", "bb", "cc", "dd"}) CHECK(set.Find(fp) != nullptr);
  CHECK(set.Find("ee") == nullptr);
  CHECK_FALSE(set.AddFile("x.json", R"({"PublicKeyList":[{"Value":"!!","Fingerprint":"x"}]})").ok());
  CHECK_FALSE(set.AddFile("x.json", R"({"Keys":[]})").ok());
  CHECK_FALSE(set.AddFile("x.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());

  TempDir dir;
  dir.Write("k/aa.der", pkcs1);
  dir.Write("k/README", "not a key");
  Result<PublicKeySet> loaded = PublicKeySet::Load(dir.path() + "/k");
  REQUIRE(loaded.ok());
  CHECK(loaded.value().Find("aa") != nullptr);
  CHECK_FALSE(PublicKeySet::Load(dir.path() + "/none").ok());
  dir.Write("empty/x.txt", "");
  CHECK_FALSE(PublicKeySet::Load(dir.path() + "/empty").ok());
}

TEST_CASE("SHA256withRSA signatures verify only for the right key and message", "[verify]") {
  const KeyHandle key = ParsePublicKeyDer(Der(TestKey(), true)).value();
  const KeyHandle other = ParsePublicKeyDer(Der(TestKey(1), true)).value();
  const std::string message = "2015-08-17T15:01:31Z\nb/k.json.gz\n4ff0\nnull";
  const std::string sig = HexDecode(SignHex(TestKey(), message)).value();
  CHECK(VerifyRsaSha256(key, message, sig));
  CHECK_FALSE(VerifyRsaSha256(key, message + "x", sig));
  CHECK_FALSE(VerifyRsaSha256(other, message, sig));
  CHECK_FALSE(VerifyRsaSha256(key, message, sig.substr(1)));
  CHECK_FALSE(VerifyRsaSha256(key, message, ""));
}

TEST_CASE("Signature sidecars: hex or head-object JSON", "[verify]") {
  CHECK(ParseSidecar("abcd\n").value() == "abcd");
  CHECK(ParseSidecar(R"({"Metadata":{"signature":"ABCD","signature-algorithm":"SHA256withRSA"}})").value() == "ABCD");
  CHECK_FALSE(ParseSidecar("xyz").ok());
  CHECK_FALSE(ParseSidecar("").ok());
  CHECK_FALSE(ParseSidecar(R"({"Metadata":{}})").ok());
}

TEST_CASE("ByteSource reports a second gzip member, which verify rejects", "[verify]") {
  TempDir dir;
  const std::string one = dir.Write("one.json.gz", test::Gzip("{}"));
  const std::string two = dir.Write("two.json.gz", test::Gzip("{}") + test::Gzip("{\"forged\":1}"));
  const std::string junk = dir.Write("junk.json.gz", test::Gzip("{}") + "junk");
  const std::vector<LogHash> h = HashLogs({one, two, junk}, 2);
  CHECK(h[0].status.ok());
  CHECK_FALSE(h[0].trailing_data);
  CHECK(h[0].sha256 == Sha256Hex("{}"));
  CHECK(h[1].trailing_data);
  CHECK(h[1].members == 2);
  CHECK(h[2].trailing_data);  // ByteSource's "trailing data" error
}

TEST_CASE("verify: a valid folder, with and without public keys", "[verify]") {
  Bucket b;
  ThreeHours(b);
  Report r = Run(b);
  CHECK(r.findings.empty());
  CHECK(r.ExitCode() == 0);
  REQUIRE(r.regions.size() == 1);
  CHECK(r.regions[0].digests == 3);
  CHECK(r.regions[0].logs_valid == 3);
  CHECK(r.regions[0].signatures_not_checked == 3);
  // Without keys the chain is consistent, but nothing proves AWS wrote it.
  CHECK_THAT(FormatText(r), Contains("no problem found: 3 digests, 3 log files valid; signatures not checked"));
  CHECK_THAT(FormatText(r), !Contains("all valid"));

  VerifyOptions o;
  o.public_keys = b.Keys();
  r = Run(b, o);
  CHECK(r.findings.empty());
  CHECK(r.regions[0].signatures_verified == 3);
  // The account folder given instead of the bucket root; a relative path too.
  o.folder = b.root() + "/AWSLogs/111122223333/";
  CHECK(Run(b, o).findings.empty());
}

TEST_CASE("verify: each tampering is named, and nothing else", "[verify]") {
  VerifyOptions o;
  SECTION("deleted log file") {
    Bucket b;
    const std::string log = b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    std::filesystem::remove(b.Path(log));
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"log_missing"});
    CHECK(r.findings[0].file == b.Path(log));
    CHECK(r.ExitCode() == 1);
  }
  SECTION("log file modified, or with a second member") {
    Bucket b;
    const std::string log = b.Log("us-east-1", kT0 + 600);
    const std::string log2 = b.Log("us-east-1", kT0 + 900);
    b.Digest("us-east-1", kT0);
    b.Sidecar("us-east-1");
    std::ofstream(b.Path(log), std::ios::binary | std::ios::trunc) << test::Gzip("{\"Records\":[]}");
    std::ofstream(b.Path(log2), std::ios::app) << test::Gzip("{\"Records\":[]}");
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"log_modified", "log_trailing_data"});
    CHECK(r.findings[0].actual == Sha256Hex("{\"Records\":[]}"));
  }
  SECTION("digest deleted, modified, or moved") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Log("us-east-1", kT0 + kH + 600);
    const std::string middle = b.Digest("us-east-1", kT0 + kH);
    b.Digest("us-east-1", kT0 + 2 * kH);
    b.Sidecar("us-east-1");
    o.public_keys = b.Keys();
    const std::string moved = b.root() + "/AWSLogs/" + std::filesystem::path(middle).filename().string();
    std::filesystem::rename(b.Path(middle), moved);
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_moved"});
    CHECK(r.findings[0].file == moved);
    CHECK(r.regions[0].signatures_verified == 3);
    CHECK(r.regions[0].logs_valid == 2);
    std::filesystem::remove(moved);
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_missing"});
    CHECK(r.findings[0].file == b.Path(middle));
    // The deleted digest's log file, and the first digest's: its signature was
    // in the deleted one, so with keys given its listing proves nothing.
    CHECK(r.regions[0].logs_unverified == 2);
    REQUIRE(r.unverified.size() == 2);  // each named, as a note (exit status 1 comes from digest_missing)
    CHECK(r.unverified[0].kind == trailwatch::verify::FindingKind::kLogUnverified);
    CHECK_THAT(FormatJsonl(r), Contains("\"kind\":\"log_unverified\""));
    CHECK(r.regions[0].signatures_not_checked == 1);
  }
  SECTION("a modified digest: its log files are not judged against it") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    const std::string first = b.Digest("us-east-1", kT0);
    b.Digest("us-east-1", kT0 + kH);
    o.public_keys = b.Keys();
    std::string content = Gunzip(b.Path(first));
    content.replace(content.find("\"hashValue\":\"") + 13, 64, Sha256Hex("forged"));
    std::ofstream(b.Path(first), std::ios::binary | std::ios::trunc) << test::Gzip(content);
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_modified"});
    CHECK_THAT(r.findings[0].message, Contains("signature does not verify either"));
    CHECK(r.regions[0].logs_unverified == 1);
    CHECK(r.regions[0].signatures_failed == 1);
  }
  SECTION("a log file no digest lists, between digests") {
    Bucket b;
    b.Digest("us-east-1", kT0);
    const std::string injected = b.Log("us-east-1", kT0 + kH + 600, /*listed=*/false);
    b.Digest("us-east-1", kT0 + kH);
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"log_not_covered"});
    CHECK(r.findings[0].file == b.Path(injected));
  }
  SECTION("the wrong public key, and a key that is missing") {
    Bucket b;
    ThreeHours(b);
    TempDir keys;
    o.public_keys = keys.Write(std::string(kFingerprint) + ".pem", Pem(TestKey(1)));
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings(3, "signature_invalid"));
    CHECK(r.regions[0].signatures_failed == 3);
    o.public_keys = keys.Write("other.pem", Pem(TestKey()));
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings(3, "public_key_not_found"));
  }
}

TEST_CASE("verify: the edges of coverage and of the chain", "[verify]") {
  SECTION("log files before the first digest or after the newest are unverified, not problems") {
    Bucket b;
    b.Log("us-east-1", kT0 - 2 * kH, false);
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Log("us-east-1", kT0 + kH + 600, false);  // delivered after the newest digest
    Report r = Run(b);
    CHECK(r.findings.empty());
    CHECK(r.regions[0].logs_unverified == 2);
    CHECK(r.regions[0].logs_valid == 1);
  }
  SECTION("a partial download: the first digest's previous one is before --start") {
    Bucket b;
    const std::string first = b.Digest("us-east-1", kT0);
    b.Log("us-east-1", kT0 + kH + 600);
    b.Digest("us-east-1", kT0 + kH);
    std::filesystem::remove(b.Path(first));
    REQUIRE(Kinds(Run(b)) == Strings{"digest_missing"});
    VerifyOptions o;
    o.start = kT0 + kH;  // as the AWS CLI: the digest ending at --start is still expected
    CHECK(Kinds(Run(b, o)) == Strings{"digest_missing"});
    o.start = kT0 + kH + 60;
    CHECK(Run(b, o).findings.empty());
  }
  SECTION("two digests deleted in a row: the missing one, then a gap") {
    Bucket b;
    b.Digest("us-east-1", kT0);
    const std::string d1 = b.Digest("us-east-1", kT0 + kH);
    const std::string d2 = b.Digest("us-east-1", kT0 + 2 * kH);
    b.Digest("us-east-1", kT0 + 3 * kH);
    std::filesystem::remove(b.Path(d1));
    std::filesystem::remove(b.Path(d2));
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"digest_missing", "digest_gap"});
    CHECK(r.findings[0].file == b.Path(d2));
  }
  SECTION("a new chain after older digests: the hours between are named") {
    Bucket b;
    b.Digest("us-east-1", kT0);
    b.Digest("us-east-1", kT0 + 5 * kH, /*restart=*/true);
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"chain_restart"});
    CHECK_THAT(r.findings[0].message, Contains("no digest covers 2026-11-20T01:00:31Z to 2026-11-20T05:00:31Z (4 hours)"));
    b.Log("us-east-1", kT0 + 3 * kH, false);
    r = Run(b);
    REQUIRE(Kinds(r) == Strings{"log_not_covered", "chain_restart"});
    CHECK_THAT(r.findings[1].message, Contains("although 1 log files were delivered then"));
  }
  SECTION("backfill digests are their own chain and cover their log files") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Digest("us-east-1", kT0 + kH);
    b.Sidecar("us-east-1");
    b.Log("us-east-1", kT0 + 1200);
    b.Digest("us-east-1", kT0, false, /*backfill=*/true);
    b.Sidecar("us-east-1", true);
    VerifyOptions o;
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    CHECK(r.findings.empty());
    CHECK(r.regions[0].backfill_digests == 1);
    CHECK(r.regions[0].logs_valid == 2);
    CHECK(r.regions[0].signatures_verified == 3);
  }
  SECTION("organization trails (o-id in the path) and two regions") {
    Bucket b("AWSLogs/o-abc123/111122223333");
    b.Log("eu-west-1", kT0 + 600);
    b.Digest("eu-west-1", kT0);
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    Report r = Run(b);
    CHECK(r.findings.empty());
    REQUIRE(r.regions.size() == 2);
    CHECK(r.regions[0].region == "eu-west-1");
  }
}

TEST_CASE("verify: unreadable files are errors (exit 2)", "[verify]") {
  Bucket b;
  const std::string log = b.Log("us-east-1", kT0 + 600);
  const std::string digest = b.Digest("us-east-1", kT0);
  std::string gz = test::Gzip("{\"Records\":[]}");
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 1);  // CRC no longer matches
  std::ofstream(b.Path(log), std::ios::binary | std::ios::trunc) << gz;
  Report r = Run(b);
  REQUIRE(Kinds(r) == Strings{"log_unreadable"});
  CHECK(r.ExitCode() == 2);
  std::ofstream(b.Path(digest), std::ios::binary | std::ios::trunc) << test::Gzip("{not json");
  r = Run(b);
  CHECK(Kinds(r) == Strings{"digest_invalid"});
  CHECK(r.ExitCode() == 2);
  VerifyOptions o;
  o.folder = b.root() + "/none";
  CHECK_FALSE(Verify(o).ok());
  o.folder = b.root();
  o.public_keys = b.root() + "/none";
  CHECK_FALSE(Verify(o).ok());
}

TEST_CASE("verify: output formats escape file names", "[verify]") {
  Report r;
  r.findings.push_back({FindingKind::kLogModified, "1", "r", "a\x1b[31mb\n.json.gz", "e", "a", "d", "modified"});
  const std::string text = FormatText(r);
  CHECK_THAT(text, Contains("a\\x1b[31mb\\n.json.gz"));
  CHECK_THAT(text, Contains("1 problem found"));
  const std::string jsonl = FormatJsonl(r);
  CHECK_THAT(jsonl, Contains(R"("file":"a\u001b[31mb\n.json.gz")"));
  CHECK_THAT(jsonl, Contains(R"("kind":"log_modified")"));
  r.findings[0].digest.clear();
  CHECK_THAT(FormatJsonl(r), Contains(R"("digest":null)"));
}

TEST_CASE("verify: log files without any digest, or nothing at all, are never success", "[verify]") {
  SECTION("an account and region with log files and no digest file") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Log("eu-west-1", kT0 + 600, false);
    b.Log("eu-west-1", kT0 + 900, false);
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"digest_none"});
    CHECK(r.findings[0].region == "eu-west-1");
    CHECK_THAT(r.findings[0].message, Contains("2 log files and no digest of this account and region"));
    CHECK(r.unverified.size() == 2);  // each named
    CHECK(r.ExitCode() == 1);
  }
  SECTION("with keys, digests that cannot be verified are no digest") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);  // the newest digest, no .sig
    VerifyOptions o;
    CHECK(Run(b, o).findings.empty());
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_none"});
    CHECK_THAT(r.findings[0].message, Contains("1 log file and no digest of this account and region that can be verified"));
    b.Sidecar("us-east-1");
    CHECK(Run(b, o).findings.empty());
  }
  SECTION("an empty folder, a folder of other files, nothing in --start..--end: an error") {
    TempDir d;
    VerifyOptions o;
    o.folder = d.path();
    Result<Report> r = Verify(o);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(std::string(r.status().message()), Contains("nothing to verify: no CloudTrail digest or log file in"));
    d.Write("notes/README.txt", "x");
    d.Write(".CloudTrail-Digest/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T010031Z.json.gz", "x");
    r = Verify(o);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(std::string(r.status().message()), Contains("(1 other file, 1 hidden entry skipped)"));
    Bucket b;
    ThreeHours(b);
    o.folder = b.root();
    o.start = kT0 + 30 * kH;
    r = Verify(o);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(std::string(r.status().message()), Contains("nothing to verify from 2026-11-21T06:00:31Z on"));
  }
}

TEST_CASE("verify: with keys, a digest nothing signs is a problem; a restart is one until accepted", "[verify]") {
  VerifyOptions o;
  SECTION("the next digest links to it with previousDigestSignature null") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Log("us-east-1", kT0 + kH + 600);
    const std::string middle = b.Digest("us-east-1", kT0 + kH);
    b.Digest("us-east-1", kT0 + 2 * kH, false, false, /*null_signature=*/true);
    b.Sidecar("us-east-1");
    CHECK(Run(b).findings.empty());  // without keys nothing is signed anyway
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"signature_missing"});
    CHECK(r.findings[0].file == b.Path(middle));
    CHECK_THAT(r.findings[0].message, Contains("has previousDigestSignature null"));
    CHECK(r.regions[0].logs_unverified == 1);
  }
  SECTION("the newest digest of a chain is excused (no --end), unless a later digest exists") {
    Bucket b;
    ThreeHours(b);
    std::filesystem::remove_all(b.root() + "/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/" +
                                "111122223333_CloudTrail-Digest_us-east-1_my_trail_us-east-1_20261120T030031Z.json.gz.sig");
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    CHECK(r.findings.empty());
    CHECK(r.regions[0].signatures_not_checked == 1);
    CHECK_THAT(FormatText(r), Contains("no problem found"));
  }
  SECTION("a restart: hours named, exit 1, until --accept-restart covers exactly them") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    const std::string old_head = b.Digest("us-east-1", kT0);
    b.Sidecar("us-east-1");
    b.Log("us-east-1", kT0 + 3 * kH + 600);
    b.Digest("us-east-1", kT0 + 3 * kH, /*restart=*/true);
    b.Sidecar("us-east-1");
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"chain_restart"});
    CHECK_THAT(r.findings[0].message, Contains("--accept-restart 2026-11-20T01:00:31Z/2026-11-20T03:00:31Z"));
    o.accept_restarts = {"2026-11-20T01:00:31Z/2026-11-20T03:00:31Z"};
    r = Run(b, o);
    CHECK(r.findings.empty());
    REQUIRE(r.accepted.size() == 1);
    CHECK(KindName(r.accepted[0].kind) == "restart_accepted");
    CHECK(r.ExitCode() == 0);
    CHECK_THAT(FormatText(r), Contains("all valid: 2 digests, 2 log files"));
    // A log file delivered in the accepted gap: unverified, not a problem.
    b.Log("us-east-1", kT0 + 2 * kH, false);
    r = Run(b, o);
    CHECK(r.findings.empty());
    CHECK(r.regions[0].logs_unverified == 1);
    // Acceptance covers the gap it names, not a wider one, nor the old chain's unsigned head.
    o.accept_restarts = {"2026-11-20T01:30:00Z/2026-11-20T03:00:31Z"};
    CHECK(Kinds(Run(b, o)) == Strings{"log_not_covered", "chain_restart"});
    o.accept_restarts = {"2026-11-20T01:00:31Z/2026-11-20T03:00:31Z"};
    std::filesystem::remove(b.Path(old_head + ".sig"));
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"signature_missing"});
    CHECK(r.findings[0].file == b.Path(old_head));
    CHECK_THAT(r.findings[0].message, Contains("starts a new chain"));
  }
  SECTION("--accept-restart must be FROM/TO with FROM <= TO") {
    Bucket b;
    ThreeHours(b);
    for (const char* bad : {"2026-11-20T01:00:00Z", "2026-11-20T03:00:00Z/2026-11-20T01:00:00Z", "a/b"}) {
      o.folder = b.root();
      o.accept_restarts = {bad};
      Result<Report> r = Verify(o);
      REQUIRE_FALSE(r.ok());
      CHECK_THAT(std::string(r.status().message()), Contains("--accept-restart"));
    }
  }
}

TEST_CASE("verify: every file the readers read is judged, its place from path and name", "[verify]") {
  SECTION("IndexFolder's log files are exactly what ExpandInputs reads") {
    Bucket b;
    ThreeHours(b);
    const std::string a = "AWSLogs/111122223333/";
    for (const std::string& key : Strings{
             a + "evil.json", a + "cloudtrail/us-east-1/x_CloudTrail_us-east-1_20261120T0130Z_E.json.gz",
          a + "CloudTrail-Insight/us-east-1/111122223333_CloudTrail-Insight_us-east-1_20261120T0130Z_E.json.gz",
          a + "CloudTrail/us-east-1/a.ndjson", a + "CloudTrail/us-east-1/a.jsonl", a + "CloudTrail/us-east-1/a.gz",
          a + "CloudTrail/us-east-1/a.JSON", a + "CloudTrail/us-east-1/.hidden.json", a + ".git/x.json",
          a + "CloudTrail-Digest/us-east-1/x.json", a + "cloudtrail-digest/us-east-1/x.json", "top.json",
             a + "CloudTrail/us-east-1/y_CloudTrail-Digest_z.json", a + "CloudTrail/us-east-1/notes.txt"}) {
      b.Raw(key, "{}");
    }
    Result<FolderIndex> index = IndexFolder(b.root());
    REQUIRE(index.ok());
    WalkCounts counts;
    std::vector<std::string> errors;
    std::set<std::string> read, judged;
    for (const InputFile& f : ExpandInputs({b.root()}, {}, &counts, &errors)) {
      read.insert(f.path.substr(b.root().size() + 1));
    }
    judged.insert(index.value().logs.begin(), index.value().logs.end());
    CHECK(read == judged);
    CHECK(judged.size() == 3 + 8);
    CHECK(judged.count(a + "cloudtrail-digest/us-east-1/x.json") == 1);
    CHECK(judged.count(a + "CloudTrail-Digest/us-east-1/x.json") == 0);
  }
  SECTION("names and places") {
    std::optional<LogName> ln = ParseLogName("a/111122223333_CloudTrail-Insight_eu-west-1_20261120T0130Z_x.json.gz");
    REQUIRE(ln);
    CHECK(ln->insight);
    CHECK(ln->region == "eu-west-1");
    CHECK(ln->stamp == *ParseIsoTime("2026-11-20T01:30:00Z"));
    LogPlace p = PlaceOfPath("/d/AWSLogs/o-x/111122223333/CloudTrail/us-east-1/2026/11/20/f.json.gz");
    CHECK(p.account == "111122223333");
    CHECK(p.region == "us-east-1");
    p = PlaceOfPath("/d/mine/CloudTrail/eu-west-1/f.json.gz");  // not an account folder
    CHECK(p.account.empty());
    CHECK(p.region == "eu-west-1");
    p = PlaceOfPath("/d/111122223333/CloudTrail/f.json.gz");  // no region folder
    CHECK(p.account.empty());
    CHECK(p.region.empty());
    CHECK(PlaceOfPath("/d/cloudtrail/us-east-1/f.json.gz").region.empty());
  }
  SECTION("Insights files: judged like the others once a signed digest lists one") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    const std::string unlisted = b.Log("us-east-1", kT0 + kH + 600, false, /*insight=*/true);
    b.Digest("us-east-1", kT0 + kH);
    b.Sidecar("us-east-1");
    VerifyOptions o;
    o.public_keys = b.Keys();
    Report r = Run(b, o);
    CHECK(r.findings.empty());  // no digest lists an Insights file: AWS may not digest them
    REQUIRE(r.unverified.size() == 1);
    CHECK_THAT(r.unverified[0].message, Contains("an Insights log file"));
    b.Log("us-east-1", kT0 + 2 * kH + 600, true, /*insight=*/true);
    b.Digest("us-east-1", kT0 + 2 * kH);
    b.Sidecar("us-east-1");
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"log_not_covered"});
    CHECK(r.findings[0].file == b.Path(unlisted));
    CHECK(r.regions[0].logs_valid == 2);
  }
  SECTION("a log file whose name and folders disagree is misplaced; odd names anywhere are not covered") {
    Bucket b;
    b.Log("us-east-1", kT0 + 600);
    b.Digest("us-east-1", kT0);
    b.Digest("us-east-1", kT0 + kH);
    const std::string other_region = b.Raw(
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_eu-west-1_20261120T0110Z_x.json.gz",
        test::Gzip("{\"Records\":[]}"));
    const std::string outside = b.Raw("AWSLogs/111122223333/evil.json", "{\"Records\":[]}");
    Report r = Run(b);
    REQUIRE(Kinds(r) == Strings{"log_misplaced", "log_not_covered"});
    CHECK(r.findings[0].file == other_region);
    CHECK(r.findings[0].region == "us-east-1");
    CHECK_THAT(r.findings[0].message, Contains("its name says account 111122223333 region eu-west-1"));
    CHECK(r.findings[1].file == outside);
    CHECK(r.findings[1].account == "unknown");
  }
}

TEST_CASE("verify: with keys and --end, no part of the time up to --end is left unverified", "[verify]") {
  Bucket b;
  ThreeHours(b);
  VerifyOptions o;
  o.public_keys = b.Keys();
  o.end = kT0 + 3 * kH;  // the newest digest's end
  Report r = Run(b, o);
  CHECK(r.findings.empty());
  CHECK_THAT(FormatText(r), Contains("all valid"));
  SECTION("the newest digest without its .sig, --end in its hour") {
    std::filesystem::remove(b.Path("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/"
                                   "111122223333_CloudTrail-Digest_us-east-1_my_trail_us-east-1_20261120T030031Z.json.gz.sig"));
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"signature_missing", "range_unverified"});
    CHECK_THAT(r.findings[0].message, Contains("pick an --end before 2026-11-20T02:00:31Z"));
    o.end = kT0 + 2 * kH - 60;  // the newest digest is then out of range
    CHECK(Run(b, o).findings.empty());
  }
  SECTION("time after the newest digest, or before the first one after --start") {
    o.end = kT0 + 3 * kH + 60;
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_gap"});
    CHECK_THAT(r.findings[0].message, Contains("after 2026-11-20T03:00:31Z up to --end 2026-11-20T03:01:31Z"));
    o.public_keys.clear();
    CHECK(Run(b, o).findings.empty());  // without keys a chain may end 90 minutes before --end
    o.public_keys = b.Keys();
    o.end = kT0 + 3 * kH;
    o.start = kT0 - 60;
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"digest_gap"});
    CHECK_THAT(r.findings[0].message, Contains("from --start 2026-11-19T23:59:31Z to 2026-11-20T00:00:31Z"));
  }
  SECTION("a log file before the first digest, which nothing verifies") {
    b.Log("us-east-1", kT0 - 2 * kH, false);
    r = Run(b, o);
    REQUIRE(Kinds(r) == Strings{"range_unverified"});
    o.public_keys.clear();
    CHECK(Run(b, o).findings.empty());
  }
}
