// Analysis: links the digests of a folder into chains, checks locations,
// hashes and signatures, decides which log files to hash, then classifies them.
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

class Analysis {
 public:
  /// `keys` may be null (signatures are then "not checked"); it must outlive Plan().
  Analysis(const FolderIndex& index, std::vector<LoadedDigest> digests, const VerifyOptions& options,
           const PublicKeySet* keys);

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
  };
  // A digest that a previousDigestS3Object names but the folder lacks.
  struct Missing {
    std::string key;
    DigestName name;
    size_t referenced_by = 0;  // node index
  };
  using Span = std::pair<UnixSeconds, UnixSeconds>;
  // Per account and region: spans digests cover, and spans whose digest is
  // missing, modified or unreadable (log files there cannot be judged).
  struct Coverage {
    UnixSeconds min_start = 0, max_end = 0;
    bool any = false;
    std::vector<Span> suspect;
    std::vector<Span> restarts;  // between two chains: logging off, or digests deleted
  };
  struct Expectation {
    size_t node;
    size_t entry;
  };

  void BuildNodes();
  void LinkChains();
  void FindGaps();
  void CheckSignatures();
  void PlanLogs();
  void ReportModified();
  void ClassifyHashed(const std::vector<LogHash>& hashes);
  void ClassifyUnlisted();
  void Unverified(const std::string& account, const std::string& region, const std::string& abs, std::string why);
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

  const FolderIndex& index_;
  std::vector<LoadedDigest> digests_;
  const VerifyOptions& options_;
  const PublicKeySet* keys_;
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
  std::vector<Finding> notes_;  // log_unverified: neither valid nor a problem
  UnixSeconds now_ = 0;  // wall clock: a delivery stamp after it is forged
};

}  // namespace trailwatch::verify
