// Analysis: the chain walk of `verify`. Digests are linked newest to oldest by
// previousDigestS3Object; each link checks a hash and carries a signature.
#include "verify/analyze.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <tuple>

#include <fmt/format.h>

namespace trailwatch::verify {
namespace {

constexpr UnixSeconds kHour = 3600;

// An S3 key that would resolve outside FOLDER once joined to it.
bool LeavesFolder(std::string_view key) {
  if (key.empty() || key.front() == '/') return true;
  size_t begin = 0;
  while (begin <= key.size()) {
    const size_t end = std::min(key.find('/', begin), key.size());
    if (key.substr(begin, end - begin) == "..") return true;
    begin = end + 1;
  }
  return false;
}

std::string NamePart(const std::optional<DigestName>& n, bool account) {
  if (!n) return "unknown";
  return account ? n->account : n->region;
}

}  // namespace

Analysis::Analysis(const FolderIndex& index, std::vector<LoadedDigest> digests, const VerifyOptions& options,
                   const PublicKeySet* keys, std::vector<Span> accepted_restarts)
    : index_(index),
      digests_(std::move(digests)),
      options_(options),
      keys_(keys),
      accepted_restarts_(std::move(accepted_restarts)),
      now_(static_cast<UnixSeconds>(std::time(nullptr))) {}

bool Analysis::DigestInRange(UnixSeconds stamp) const {
  // As the AWS CLI: digests whose end is in [start, end + 1 hour], so that a
  // log file delivered just before --end is still found in the next digest.
  return (!options_.start || stamp >= *options_.start) && (!options_.end || stamp <= *options_.end + kHour);
}

bool Analysis::LogInRange(UnixSeconds stamp) const {
  return (!options_.start || stamp >= *options_.start) && (!options_.end || stamp <= *options_.end);
}

RegionSummary& Analysis::Region(const std::string& account, const std::string& region) {
  RegionSummary& r = regions_[{account, region}];
  r.account = account;
  r.region = region;
  return r;
}

Analysis::Coverage& Analysis::Cover(const std::string& account, const std::string& region) {
  return coverage_[{account, region}];
}

void Analysis::Add(FindingKind kind, const std::string& account, const std::string& region, std::string file,
                   std::string message, std::string digest, std::string expected, std::string actual) {
  switch (kind) {
    case FindingKind::kDigestMissing:
    case FindingKind::kDigestGap:
    case FindingKind::kDigestModified:
    case FindingKind::kDigestMoved:
    case FindingKind::kSignatureInvalid:
    case FindingKind::kPublicKeyNotFound:
    case FindingKind::kSignatureMissing:
      Cover(account, region).disputed = true;
      break;
    default:
      break;
  }
  findings_.push_back(Finding{kind, account, region, std::move(file), std::move(expected), std::move(actual),
                              std::move(digest), std::move(message)});
}

const std::vector<std::string>& Analysis::Plan() {
  BuildNodes();
  LinkChains();
  ReportMissing();
  FindGaps();
  CheckSignatures();
  ReportModified();
  PlanLogs();
  return to_hash_;
}

void Analysis::BuildNodes() {
  for (size_t i = 0; i < digests_.size(); ++i) {
    const LoadedDigest& ld = digests_[i];
    const std::string abs = index_.Abs(ld.rel);
    std::optional<DigestName> name =
        ld.status.ok() ? ParseDigestName(ld.digest.digest_s3_object) : ParseDigestName(ld.rel);
    if (!ld.status.ok() || !name) {
      if (!name) name = ParseDigestName(ld.rel);
      const std::string account = NamePart(name, true), region = NamePart(name, false);
      if (name && !DigestInRange(name->stamp)) continue;
      ++Region(account, region).digests;
      Cover(account, region).invalid = true;
      if (name) Cover(account, region).suspect.push_back({name->stamp - kHour, name->stamp});
      invalid_.push_back(abs);
      Add(FindingKind::kDigestInvalid, account, region, Show(abs),
          ld.status.ok() ? fmt::format("digestS3Object '{}' is not a digest file name", ld.digest.digest_s3_object)
                         : fmt::format("unreadable digest: {}", ld.status.message()));
      continue;
    }
    Node n;
    n.loaded = i;
    n.name = *name;
    n.group = fmt::format("{}|{}|{}|{}|{}", name->account, name->region, name->trail, name->home_region,
                          name->backfill ? "backfill" : "");
    n.abs = abs;
    n.in_range = DigestInRange(name->stamp);
    const std::string& key = ld.digest.digest_s3_object;
    if (abs.size() > key.size() && abs.ends_with(key) && abs[abs.size() - key.size() - 1] == '/') {
      n.root = abs.substr(0, abs.size() - key.size());
    }
    if (ld.trailing_data) n.modified.push_back("data after its first gzip member");
    if (name->stamp > now_ + kHour) {
      n.modified.push_back(fmt::format("its name says it ends at {}, in the future: CloudTrail cannot have written it",
                                       FormatIsoTime(name->stamp)));
    }
    Coverage& c = Cover(name->account, name->region);
    const Digest& d = ld.digest;
    c.min_start = c.any ? std::min(c.min_start, d.start) : d.start;
    c.max_end = c.any ? std::max(c.max_end, d.end) : d.end;
    c.any = true;
    if (n.in_range) {
      RegionSummary& r = Region(name->account, name->region);
      ++r.digests;
      if (name->backfill) ++r.backfill_digests;
    }
    by_key_[key].push_back(nodes_.size());
    nodes_.push_back(std::move(n));
  }
  // Keys of a digest found away from its place map onto the folder's root.
  default_root_ = index_.abs_root + "/";
  for (const Node& n : nodes_) {
    if (!n.root.empty()) {
      default_root_ = n.root;
      break;
    }
  }
  for (Node& n : nodes_) {
    if (!n.root.empty()) continue;
    n.root = default_root_;
    if (!n.in_range) continue;
    const std::string& key = DigestOf(n).digest_s3_object;
    Add(FindingKind::kDigestMoved, n.name.account, n.name.region, Show(n.abs),
        fmt::format("moved from its original location: its digestS3Object puts it at {}", Show(default_root_ + key)));
  }
}

void Analysis::LinkChains() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& d = nodes_[i];
    const Digest& dg = DigestOf(d);
    if (!dg.previous_s3_object) continue;  // a starting digest
    auto it = by_key_.find(*dg.previous_s3_object);
    if (it == by_key_.end()) {
      missing_.push_back(Missing{*dg.previous_s3_object, {}, i});
      continue;
    }
    // Prefer the copy found at its own place when a key is claimed twice.
    size_t p = it->second.front();
    for (size_t candidate : it->second) {
      if (nodes_[candidate].abs.ends_with(*dg.previous_s3_object)) p = candidate;
    }
    Node& prev = nodes_[p];
    if (!prev.signature && dg.previous_signature) {
      prev.signature = *dg.previous_signature;
      prev.signature_from = Show(d.abs);
    }
    const std::string& actual = digests_[prev.loaded].sha256;
    const std::string expected = dg.previous_hash_value.value_or("null");
    prev.chain_expected = expected;
    prev.chain_from = Show(d.abs);
    if (!SameHex(expected, actual)) {
      prev.modified.push_back("its SHA-256 is not the previousDigestHashValue of the next digest");
    }
  }
  // The newest digest of a chain: its signature was S3 metadata; a sidecar may hold it.
  for (Node& n : nodes_) {
    const LoadedDigest& ld = digests_[n.loaded];
    if (!ld.sidecar_error.empty()) {
      Add(FindingKind::kError, n.name.account, n.name.region, Show(n.abs + ".sig"),
          fmt::format("signature sidecar ignored: {}", ld.sidecar_error));
    }
    if (!n.signature && ld.sidecar) {
      n.signature = *ld.sidecar;
      n.signature_from = Show(n.abs + ".sig");
    }
  }
}

void Analysis::ReportMissing() {
  for (Missing& m : missing_) {
    const Node& by = nodes_[m.referenced_by];
    std::optional<DigestName> name = ParseDigestName(m.key);
    m.name = name ? *name : by.name;
    if (!name) m.name.stamp = DigestOf(by).start;
    if (!DigestInRange(m.name.stamp)) continue;
    // There but unreadable: already reported as digest_invalid.
    const std::string tail = "/" + m.key;
    if (std::any_of(invalid_.begin(), invalid_.end(), [&](const std::string& abs) { return abs.ends_with(tail); })) {
      continue;
    }
    m.reported = true;
    const Digest& dg = DigestOf(by);
    const bool other_bucket = dg.previous_s3_bucket && *dg.previous_s3_bucket != dg.digest_s3_bucket;
    Add(FindingKind::kDigestMissing, m.name.account, m.name.region, Show(by.root + m.key),
        other_bucket ? fmt::format("missing: the previous digest is in bucket {}, not in this folder",
                                   *dg.previous_s3_bucket)
                     : "missing: the next digest names it as previousDigestS3Object (deleted?)",
        Show(by.abs), dg.previous_hash_value.value_or(""));
  }
}

void Analysis::CheckSignatures() {
  for (Node& n : nodes_) {
    if (!n.in_range) continue;
    RegionSummary& r = Region(n.name.account, n.name.region);
    const Digest& d = DigestOf(n);
    if (keys_ == nullptr || !n.signature) {
      ++r.signatures_not_checked;
      if (keys_ != nullptr) MissingSignature(n);
      continue;
    }
    if (!d.signature_algorithm.empty() && d.signature_algorithm != "SHA256withRSA") {
      ++r.signatures_failed;
      Add(FindingKind::kSignatureInvalid, n.name.account, n.name.region, Show(n.abs),
          fmt::format("unsupported digestSignatureAlgorithm {}", d.signature_algorithm));
      continue;
    }
    const std::vector<KeyHandle>* keys = keys_->Find(d.public_key_fingerprint);
    if (keys == nullptr) {
      ++r.signatures_not_checked;
      Add(FindingKind::kPublicKeyNotFound, n.name.account, n.name.region, Show(n.abs),
          fmt::format("no public key with fingerprint {} in --public-keys", d.public_key_fingerprint));
      continue;
    }
    const std::optional<std::string> signature = HexDecode(*n.signature);
    const std::string to_sign = SigningString(d, digests_[n.loaded].sha256);
    const bool valid = signature && std::any_of(keys->begin(), keys->end(), [&](const KeyHandle& k) {
                         return VerifyRsaSha256(k, to_sign, *signature);
                       });
    if (valid) {
      ++r.signatures_verified;
      n.signature_ok = true;
      continue;
    }
    ++r.signatures_failed;
    Cover(n.name.account, n.name.region).suspect.push_back({d.start, d.end});
    if (!n.modified.empty()) {
      n.modified.push_back("its signature does not verify either");
    } else {
      Add(FindingKind::kSignatureInvalid, n.name.account, n.name.region, Show(n.abs),
          fmt::format("{} with public key {} (signature from {})",
                      signature ? "signature does not verify" : "signature is not hex", d.public_key_fingerprint,
                      n.signature_from),
          n.signature_from);
    }
  }
}

void Analysis::ReportModified() {
  for (const Node& n : nodes_) {
    if (n.modified.empty()) continue;
    const Digest& d = DigestOf(n);
    Coverage& c = Cover(n.name.account, n.name.region);
    c.suspect.push_back({d.start, d.end});
    if (!n.in_range) continue;
    Add(FindingKind::kDigestModified, n.name.account, n.name.region, Show(n.abs),
        fmt::format("modified: {}; its {} log files are not checked against it", fmt::join(n.modified, "; "),
                    d.log_files.size()),
        n.chain_from, n.chain_expected, digests_[n.loaded].sha256);
  }
}

void Analysis::PlanLogs() {
  for (const std::string& rel : index_.logs) log_set_.insert(index_.Abs(rel));
  std::map<std::string, size_t, std::less<>> task_of;
  std::set<std::string, std::less<>> reported_missing;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    const Digest& d = DigestOf(n);
    Coverage& c = Cover(n.name.account, n.name.region);
    if (Trusted(n)) c.trusted = true;
    for (size_t e = 0; e < d.log_files.size(); ++e) {
      const LogEntry& entry = d.log_files[e];
      // A digest that can vouch lists an Insights file: CloudTrail digests them here.
      if (Trusted(n) && entry.s3_object.find("_CloudTrail-Insight_") != std::string::npos) c.insights_digested = true;
      if (LeavesFolder(entry.s3_object)) {
        if (n.in_range) {
          Add(FindingKind::kDigestModified, n.name.account, n.name.region, Show(n.abs),
              fmt::format("lists a log file outside the bucket ({}): AWS never writes such a key",
                          entry.s3_object));
        }
        continue;
      }
      const std::string abs = n.root + entry.s3_object;
      listed_.insert(abs);
      if (!Trusted(n) || !n.in_range) continue;
      auto it = task_of.find(abs);
      if (it == task_of.end()) {
        struct stat st {};
        if (log_set_.count(abs) == 0 && ::stat(abs.c_str(), &st) != 0) {
          if (!reported_missing.insert(abs).second) continue;
          std::optional<LogName> ln = ParseLogName(entry.s3_object);
          const std::string account = ln ? ln->account : n.name.account, region = ln ? ln->region : n.name.region;
          ++Region(account, region).logs_deleted;
          Add(FindingKind::kLogMissing, account, region, Show(abs),
              "listed in a digest but not in the folder (deleted?)", Show(n.abs), entry.hash_value);
          continue;
        }
        it = task_of.emplace(abs, to_hash_.size()).first;
        to_hash_.push_back(abs);
        expectations_.emplace_back();
      }
      expectations_[it->second].push_back({i, e});
    }
  }
}

Report Analysis::Finish(const std::vector<LogHash>& hashes) {
  ClassifyHashed(hashes);
  ClassifyUnlisted();
  StrictUnverified();
  for (const std::string& e : index_.errors) Add(FindingKind::kError, "unknown", "unknown", {}, e);
  Report report;
  report.keys_given = keys_ != nullptr;
  for (auto& [key, r] : regions_) report.regions.push_back(r);
  report.findings = std::move(findings_);
  report.unverified = std::move(notes_);
  report.accepted = std::move(accepted_);
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.account, a.region, a.kind, a.file) < std::tie(b.account, b.region, b.kind, b.file);
  });
  return report;
}

}  // namespace trailwatch::verify
