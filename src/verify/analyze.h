// Analysis: links the digests of a folder into chains, checks locations,
// hashes and signatures, decides which log files to hash, then classifies them.
// analyze.cpp: the chain walk; coverage.cpp: time no digest covers (gaps,
// restarts, strict --end); classify.cpp: the verdict on each log file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "trailwatch/verify.h"
#include "verify/digest.h"
#include "verify/folder.h"
#include "verify/keys.h"

namespace trailwatch::verify {

using Span = std::pair<UnixSeconds, UnixSeconds>;

class Analysis {
 public:
  /// `keys` may be null (signatures are then "not checked"); it must outlive Plan().
  /// `accepted_restarts`: the --accept-restart spans (from, to).
  Analysis(const FolderIndex& index, std::vector<LoadedDigest> digests, const VerifyOptions& options,
           const PublicKeySet* keys, std::vector<Span> accepted_restarts = {});

  /// Checks every digest and returns the absolute paths of the log files to
  /// hash (each once, whatever the number of digests that list it).
  const std::vector<std::string>& Plan();

  /// Classifies every log file, given HashLogs() of Plan()'s paths, in order.
  Report Finish(const std::vector<LogHash>& hashes);

 private:
  // One digest file that parsed, with what the chain walk learns about it.
  struct Node {
    size_t loaded = 0;       // index into digests_
    DigestName name;         // from its digestS3Object
    std::string group;       // account|region|trail|home|backfill: one chain
    std::string abs;         // where it was found
    std::string root;        // absolute path that S3 keys are joined to
    bool in_range = true;
    bool signature_ok = false;             // its RSA signature verified
    std::vector<std::string> modified;     // why its content cannot be trusted
    std::string chain_expected;            // previousDigestHashValue the next digest lists
    std::string chain_from;                // display path of that next digest
    std::optional<std::string> signature;  // hex, from the next digest or a sidecar
    std::string signature_from;            // display path of where the signature came from
    // The entry after it in its group (FindGaps): none (the chain's newest), a
    // digest (index into nodes_) or a missing one (index into missing_).
    enum class Next { kNone, kNode, kMissing } next = Next::kNone;
    size_t next_index = 0;
  };
  // A digest that a previousDigestS3Object names but the folder lacks.
  struct Missing {
    std::string key;
    DigestName name;
    size_t referenced_by = 0;  // node index
    bool reported = false;     // a digest_missing finding names it
  };
  // A new chain after older digests of the same trail: [from, to] is uncovered.
  struct Restart {
    Span gap;
    size_t node;  // the starting digest
    std::string trail;
  };
  // Per account and region: spans digests cover, and spans whose digest is
  // missing, modified or unreadable (log files there cannot be judged).
  struct Coverage {
    UnixSeconds min_start = 0, max_end = 0;
    bool any = false;      // a digest of this account and region parsed
    bool invalid = false;  // a digest of it could not be read
    bool trusted = false;  // a digest of it may vouch for log files (Trusted)
    bool disputed = false;  // a finding about one of its digests (modified, signature, missing, gap)
    bool insights_digested = false;  // a trusted digest lists an Insights log file
    std::vector<Span> suspect;
    std::vector<Restart> restarts;  // not accepted: chain_restart findings
    std::vector<Span> accepted;     // restarts --accept-restart covers
  };
  struct Expectation {
    size_t node;
    size_t entry;
  };
  // One entry of a chain group, by stamp: a digest, or a missing one.
  struct Entry {
    UnixSeconds stamp;
    bool missing;
    size_t index;
  };

  // analyze.cpp
  void BuildNodes();
  void LinkChains();
  void ReportMissing();
  void CheckSignatures();
  void PlanLogs();
  void ReportModified();
  // coverage.cpp
  void FindGaps();
  void WalkGroup(std::vector<Entry>& entries);
  void CheckRestart(const std::vector<Entry>& entries, size_t i);
  void StrictHoles(const std::vector<Entry>& entries);
  void MissingSignature(Node& n);
  void ReportRestarts(const std::map<std::pair<std::string, std::string>, std::vector<UnixSeconds>>& not_covered);
  void StrictUnverified();
  bool Strict() const { return keys_ != nullptr && options_.end.has_value(); }
  UnixSeconds StartOf(const Entry& e) const;
  UnixSeconds EndOf(const Entry& e) const;
  // classify.cpp
  void ClassifyHashed(const std::vector<LogHash>& hashes);
  void ClassifyUnlisted();
  bool Misplaced(const std::string& abs, const LogName& ln);
  void JudgeUnlisted(const std::string& abs, const LogName& ln,
                     std::map<std::pair<std::string, std::string>, std::vector<UnixSeconds>>* not_covered,
                     std::map<std::pair<std::string, std::string>, uint64_t>* no_digest);
  // A log_unverified note; `acknowledged`: in a restart --accept-restart covers.
  void Unverified(const std::string& account, const std::string& region, const std::string& abs, std::string why,
                  bool acknowledged = false);
  // May this digest's listing vouch for log files? Not when it is modified,
  // nor, with --public-keys, when its signature did not verify.
  bool Trusted(const Node& n) const { return n.modified.empty() && (keys_ == nullptr || n.signature_ok); }

  bool DigestInRange(UnixSeconds stamp) const;
  bool LogInRange(UnixSeconds stamp) const;
  RegionSummary& Region(const std::string& account, const std::string& region);
  Coverage& Cover(const std::string& account, const std::string& region);
  void Add(FindingKind kind, const std::string& account, const std::string& region, std::string file,
           std::string message, std::string digest = {}, std::string expected = {}, std::string actual = {});
  std::string Show(const std::string& abs) const { return index_.Display(abs); }
  const Digest& DigestOf(const Node& n) const { return digests_[n.loaded].digest; }
  const DigestName& NameOf(const Entry& e) const { return e.missing ? missing_[e.index].name : nodes_[e.index].name; }

  const FolderIndex& index_;
  std::vector<LoadedDigest> digests_;
  const VerifyOptions& options_;
  const PublicKeySet* keys_;
  std::vector<Span> accepted_restarts_;
  std::vector<Node> nodes_;
  std::map<std::string, std::vector<size_t>, std::less<>> by_key_;  // digestS3Object → nodes
  std::vector<Missing> missing_;
  std::vector<std::string> invalid_;  // absolute paths of digests that could not be read
  std::string default_root_;
  std::set<std::string, std::less<>> log_set_;  // absolute paths of the folder's log files
  std::set<std::string, std::less<>> listed_;   // absolute paths any readable digest lists
  std::vector<std::string> to_hash_;
  std::vector<std::vector<Expectation>> expectations_;  // per to_hash_ entry
  std::map<std::pair<std::string, std::string>, RegionSummary> regions_;
  std::map<std::pair<std::string, std::string>, Coverage> coverage_;
  std::vector<Finding> findings_;
  std::vector<Finding> notes_;     // log_unverified: neither valid nor a problem
  std::vector<Finding> accepted_;  // restart_accepted notes
  std::map<std::pair<std::string, std::string>, uint64_t> strict_unverified_;  // notes not acknowledged
  UnixSeconds now_ = 0;  // wall clock: a delivery stamp after it is forged
};

}  // namespace trailwatch::verify
