// Keys: loads CloudTrail public keys with OpenSSL (d2i_PUBKEY / d2i_PublicKey,
// PEM_read_bio) and verifies digest signatures with EVP_DigestVerify.
#include "verify/keys.h"

#include <dirent.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailwatch/escape.h"

namespace trailwatch::verify {
namespace {

constexpr size_t kMaxKeyFile = 4 << 20;

KeyHandle Own(EVP_PKEY* key) { return KeyHandle(key, EVP_PKEY_free); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front()) != nullptr) s.remove_prefix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) s.remove_suffix(1);
  return s;
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
  std::string data;
  char chunk[65536];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    data.append(chunk, static_cast<size_t>(in.gcount()));
    if (data.size() > kMaxKeyFile) {
      return Status::TooLarge(fmt::format("{}: too large for a key file", TerminalSafe(path)));
    }
  }
  if (in.bad()) return Status::IoError(fmt::format("{}: read error", TerminalSafe(path)));
  return data;
}

// PEM_read_bio: the label and the DER bytes of the first PEM block.
Result<std::string> PemToDer(std::string_view text) {
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr) return Status::IoError("out of memory");
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  const int ok = PEM_read_bio(bio, &name, &header, &data, &len);
  BIO_free(bio);
  ERR_clear_error();
  if (ok != 1) return Status::Corrupt("not a PEM file");
  const std::string label = name;
  std::string der(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (label != "PUBLIC KEY" && label != "RSA PUBLIC KEY") {
    return Status::Corrupt(fmt::format("PEM block '{}' is not a public key", TerminalSafe(label)));
  }
  return der;
}

}  // namespace

Result<KeyHandle> ParsePublicKeyDer(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = begin + der.size();
  const long len = static_cast<long>(der.size());
  // X.509 SubjectPublicKeyInfo ("MIIBIjAN..." in base64) first, then PKCS#1.
  const unsigned char* p = begin;
  KeyHandle key = Own(d2i_PUBKEY(nullptr, &p, len));
  if (!key || p != end) {
    p = begin;
    key = Own(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len));
  }
  ERR_clear_error();
  if (!key || p != end) return Status::Corrupt("not a DER public key (PKCS#1 or X.509 SubjectPublicKeyInfo)");
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) return Status::Corrupt("not an RSA key");
  return key;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++padding; continue; }
    else if (std::strchr(" \t\r\n", c) != nullptr && c != '\0') continue;
    if (v < 0 || padding > 0) return Status::Corrupt("invalid base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (padding > 2 || bits >= 6) return Status::Corrupt("invalid base64");
  return out;
}

bool VerifyRsaSha256(const KeyHandle& key, std::string_view message, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

void PublicKeySet::Add(std::string fingerprint, KeyHandle key) {
  keys_[std::move(fingerprint)].push_back(std::move(key));
  ++count_;
}

const std::vector<KeyHandle>* PublicKeySet::Find(std::string_view fingerprint) const {
  auto it = keys_.find(fingerprint);
  return it == keys_.end() ? nullptr : &it->second;
}

Status PublicKeySet::AddListJson(std::string_view json) {
  const simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (auto err = parser.parse(padded).get(doc)) {
    return Status::Corrupt(fmt::format("invalid JSON: {}", simdjson::error_message(err)));
  }
  if (doc["PublicKeyList"].get_array().get(list)) return Status::Corrupt("no PublicKeyList array");
  size_t index = 0;
  for (simdjson::dom::element item : list) {
    std::string_view value, fingerprint;
    if (item["Value"].get_string().get(value) || item["Fingerprint"].get_string().get(fingerprint)) {
      return Status::Corrupt(fmt::format("PublicKeyList[{}]: Value and Fingerprint must be strings", index));
    }
    Result<std::string> der = Base64Decode(value);
    if (!der.ok()) return Status::Corrupt(fmt::format("PublicKeyList[{}]: Value: {}", index, der.status().message()));
    Result<KeyHandle> key = ParsePublicKeyDer(der.value());
    if (!key.ok()) return Status::Corrupt(fmt::format("PublicKeyList[{}]: {}", index, key.status().message()));
    Add(std::string(fingerprint), std::move(key).value());
    ++index;
  }
  return Status::Ok();
}

Status PublicKeySet::AddFile(std::string_view file_name, std::string_view content) {
  const std::string_view text = Trim(content);
  if (!text.empty() && text.front() == '{') return AddListJson(text);
  const std::string fingerprint(file_name.substr(0, file_name.find('.')));
  if (fingerprint.empty()) {
    return Status::InvalidArgument("the file name (up to the first '.') must be the key's fingerprint");
  }
  std::string der_storage;
  std::string_view der = content;
  if (content.find("-----BEGIN") != std::string_view::npos) {
    Result<std::string> d = PemToDer(content);
    if (!d.ok()) return d.status();
    der_storage = std::move(d).value();
    der = der_storage;
  }
  Result<KeyHandle> key = ParsePublicKeyDer(der);
  if (!key.ok()) return key.status();
  Add(fingerprint, std::move(key).value());
  return Status::Ok();
}

Result<PublicKeySet> PublicKeySet::Load(const std::string& path) {
  PublicKeySet set;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
  }
  std::vector<std::string> files;
  if (S_ISDIR(st.st_mode)) {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return Status::IoError(fmt::format("{}: {}", TerminalSafe(path), std::strerror(errno)));
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      for (std::string_view ext : {".json", ".pem", ".der", ".pub"}) {
        if (name.ends_with(ext)) files.emplace_back(name);
      }
    }
    ::closedir(d);
    std::sort(files.begin(), files.end());
  }
  const bool is_dir = S_ISDIR(st.st_mode);
  if (!is_dir) files.push_back(path);
  for (const std::string& f : files) {
    const std::string full = is_dir ? path + "/" + f : f;
    Result<std::string> content = ReadSmallFile(full);
    if (!content.ok()) return content.status();
    const size_t slash = full.rfind('/');
    const std::string_view name = std::string_view(full).substr(slash == std::string::npos ? 0 : slash + 1);
    if (Status s = set.AddFile(name, content.value()); !s.ok()) {
      return Status::InvalidArgument(fmt::format("{}: {}", TerminalSafe(full), s.message()));
    }
  }
  if (set.size() == 0) return Status::InvalidArgument(fmt::format("{}: no public keys found", TerminalSafe(path)));
  return set;
}

}  // namespace trailwatch::verify
