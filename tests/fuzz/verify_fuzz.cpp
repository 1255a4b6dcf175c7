// verify_fuzz: libFuzzer target for the digest parser of `verify` and the
// other parsers that read untrusted files: names, paths, sidecars, public key lists.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "verify/digest.h"
#include "verify/folder.h"
#include "verify/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // ParseDigest reads up to kJsonPadding bytes past the end, as PaddedBuffer allows.
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(trailwatch::verify::kJsonPadding, ' ');
  const std::string_view text(padded.data(), size);

  trailwatch::Result<trailwatch::verify::Digest> digest = trailwatch::verify::ParseDigest(text);
  if (digest.ok()) {
    const trailwatch::verify::Digest& d = digest.value();
    const std::string to_sign = trailwatch::verify::SigningString(d, trailwatch::verify::Sha256Hex(text));
    if (to_sign.find(d.digest_end_time) != 0) abort();
    for (const auto& entry : d.log_files) {
      if (entry.s3_object.empty() || entry.hash_value.empty()) abort();
    }
    (void)trailwatch::verify::ParseDigestName(d.digest_s3_object);
  }
  (void)trailwatch::verify::ParseDigestName(text);
  if (auto log = trailwatch::verify::ParseLogName(text)) {
    if (log->account.empty() || log->region.empty() || log->region.find('_') != std::string::npos) abort();
  }
  // Log file places: the account is 12 digits, the region has no '/'.
  const trailwatch::verify::LogPlace place = trailwatch::verify::PlaceOfPath(text);
  if (!place.account.empty() && place.account.size() != 12) abort();
  if (place.region.find('/') != std::string::npos) abort();
  if (auto sig = trailwatch::verify::ParseSidecar(text); sig.ok()) {
    if (!trailwatch::verify::HexDecode(sig.value())) abort();
  }
  if (auto hex = trailwatch::verify::HexDecode(text)) {
    if (trailwatch::verify::HexEncode(*hex).size() != size) abort();
  }
  trailwatch::verify::PublicKeySet keys;
  (void)keys.AddFile("fuzz.pem", text);
  return 0;
}
