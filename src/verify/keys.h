// Keys: the CloudTrail public keys given with --public-keys (list-public-keys
// JSON, PEM or DER files named by fingerprint) and SHA256withRSA verification.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/status.h"

struct evp_pkey_st;

namespace trailwatch::verify {

/// An RSA public key. Shared, immutable once loaded; safe to use from several threads.
using KeyHandle = std::shared_ptr<evp_pkey_st>;

/// Loads a DER public key, either PKCS#1 RSAPublicKey or X.509
/// SubjectPublicKeyInfo (the ListPublicKeys documentation says the first, its
/// sample shows both). Only RSA keys are accepted.
Result<KeyHandle> ParsePublicKeyDer(std::string_view der);

/// Decodes base64 (standard alphabet, '=' padding, whitespace ignored).
Result<std::string> Base64Decode(std::string_view text);

/// True when `signature` is a valid RSASSA-PKCS1-v1_5 signature with SHA-256
/// (Java's SHA256withRSA) of `message` under `key`.
bool VerifyRsaSha256(const KeyHandle& key, std::string_view message, std::string_view signature);

/// Public keys by digestPublicKeyFingerprint, matched as an opaque string (how
/// AWS derives the fingerprint is not documented).
class PublicKeySet {
 public:
  /// Loads FILE_OR_DIR. A file may be:
  ///  - the JSON printed by `aws cloudtrail list-public-keys` (or the API
  ///    response): {"PublicKeyList":[{"Value":"<base64 DER>","Fingerprint":"..."}]};
  ///  - a PEM file (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY) or a DER file,
  ///    whose name up to the first '.' is the fingerprint.
  /// A folder: every *.json, *.pem, *.der and *.pub file in it (not recursive).
  static Result<PublicKeySet> Load(const std::string& path);

  /// Adds the keys of one file; `file_name` gives the fingerprint of PEM/DER.
  Status AddFile(std::string_view file_name, std::string_view content);
  /// Adds the entries of a list-public-keys JSON document.
  Status AddListJson(std::string_view json);
  void Add(std::string fingerprint, KeyHandle key);

  /// Every key registered under `fingerprint` (usually one); null if none.
  const std::vector<KeyHandle>* Find(std::string_view fingerprint) const;
  size_t size() const { return count_; }

 private:
  std::map<std::string, std::vector<KeyHandle>, std::less<>> keys_;
  size_t count_ = 0;
};

}  // namespace trailwatch::verify
