// Classify: the verdict on every log file of the folder (every file `scan`
// reads): valid, modified, not covered, misplaced, or unverified (a note), and
// the accounts and regions that have log files but no digest at all.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "verify/analyze.h"

namespace trailwatch::verify {
namespace {

// A log file named at minute t is delivered at t or a little later, so the
// edges of the digested span get this much slack (see verify.cpp, "coverage").
constexpr UnixSeconds kEdgeMargin = 15 * 60;
constexpr UnixSeconds kHour = 3600;

constexpr const char* kListedUntrusted =
    "listed only in digests that cannot vouch for it (signature not checked or invalid, modified, or out of range)";

using RegionKey = std::pair<std::string, std::string>;

}  // namespace

void Analysis::ClassifyHashed(const std::vector<LogHash>& hashes) {
  for (size_t i = 0; i < to_hash_.size() && i < hashes.size(); ++i) {
    const LogHash& h = hashes[i];
    const Expectation& first = expectations_[i].front();
    const Node& first_node = nodes_[first.node];
    std::optional<LogName> ln = ParseLogName(to_hash_[i]);
    const std::string account = ln ? ln->account : first_node.name.account;
    const std::string region = ln ? ln->region : first_node.name.region;
    RegionSummary& r = Region(account, region);
    const std::string file = Show(to_hash_[i]);
    const std::string& listed_hash = DigestOf(first_node).log_files[first.entry].hash_value;
    if (h.trailing_data) {
      ++r.logs_modified;
      Add(FindingKind::kLogTrailingData, account, region, file,
          fmt::format("data after the first gzip member ({} members): readers that decode every member "
                      "would show records no digest covers",
                      h.members),
          Show(first_node.abs), listed_hash, h.status.ok() ? h.sha256 : "");
      continue;
    }
    if (!h.status.ok()) {
      ++r.logs_unreadable;
      Add(FindingKind::kLogUnreadable, account, region, file, std::string(h.status.message()), Show(first_node.abs),
          listed_hash);
      continue;
    }
    bool valid = true;
    for (const Expectation& e : expectations_[i]) {
      const LogEntry& entry = DigestOf(nodes_[e.node]).log_files[e.entry];
      if (SameHex(entry.hash_value, h.sha256)) continue;
      valid = false;
      Add(FindingKind::kLogModified, account, region, file,
          "modified: the SHA-256 of its decompressed content is not the one the digest lists",
          Show(nodes_[e.node].abs), entry.hash_value, h.sha256);
      break;
    }
    ++(valid ? r.logs_valid : r.logs_modified);
  }
}

void Analysis::Unverified(const std::string& account, const std::string& region, const std::string& abs,
                          std::string why, bool acknowledged) {
  ++Region(account, region).logs_unverified;
  if (!acknowledged) ++strict_unverified_[{account, region}];
  notes_.push_back(Finding{FindingKind::kLogUnverified, account, region, Show(abs), {}, {}, {}, std::move(why)});
}

// Its name and its folders (.../<account>/CloudTrail/<region>/...) disagree:
// CloudTrail never writes that, and the digests of the folder it sits in do
// not list it. Counted as not covered where it sits.
bool Analysis::Misplaced(const std::string& abs, const LogName& ln) {
  const LogPlace place = PlaceOfPath(abs);
  if ((place.account.empty() || place.account == ln.account) && (place.region.empty() || place.region == ln.region)) {
    return false;
  }
  const std::string account = place.account.empty() ? ln.account : place.account;
  const std::string region = place.region.empty() ? ln.region : place.region;
  ++Region(account, region).logs_not_covered;
  Add(FindingKind::kLogMisplaced, account, region, Show(abs),
      fmt::format("its name says account {} region {}, its folder account {} region {}: CloudTrail never writes a "
                  "log file there, and no digest that can vouch for it lists it",
                  ln.account, ln.region, account, region));
  return true;
}

void Analysis::ClassifyUnlisted() {
  std::set<std::string, std::less<>> hashed(to_hash_.begin(), to_hash_.end());
  // Not covered log files per account/region, by delivery stamp, for the restarts.
  std::map<RegionKey, std::vector<UnixSeconds>> not_covered;
  std::map<RegionKey, uint64_t> no_digest;  // log files of accounts/regions without any digest
  for (const std::string& rel : index_.logs) {
    const std::string abs = index_.Abs(rel);
    if (hashed.count(abs) > 0) continue;
    std::optional<LogName> ln = ParseLogName(rel);
    if (ln) {
      if (LogInRange(ln->stamp) && !Misplaced(abs, *ln)) JudgeUnlisted(abs, *ln, &not_covered, &no_digest);
      continue;
    }
    // Readers (scan, cat) read it, yet CloudTrail never writes such a name.
    const LogPlace place = PlaceOfPath(abs);
    const std::string account = place.account.empty() ? "unknown" : place.account;
    const std::string region = place.region.empty() ? "unknown" : place.region;
    if (listed_.count(abs) > 0) {
      Unverified(account, region, abs, kListedUntrusted);
      continue;
    }
    ++Region(account, region).logs_not_covered;
    Add(FindingKind::kLogNotCovered, account, region, Show(abs),
        "not covered: not a CloudTrail log file name (<account>_CloudTrail_<region>_<time>_<id>.json.gz), "
        "and no digest lists it");
  }
  for (const auto& [key, count] : no_digest) {
    Add(FindingKind::kDigestNone, key.first, key.second, {},
        fmt::format("{} log file{} and no digest of this account and region{}: log file integrity validation is "
                    "off for it, or its digests were deleted or moved out of reach (CloudTrail-Digest/ removed, "
                    "renamed or hidden)",
                    count, count == 1 ? "" : "s",
                    keys_ != nullptr ? " that can be verified (a chain's newest digest needs its .sig)" : ""));
  }
  ReportRestarts(not_covered);
}

void Analysis::JudgeUnlisted(const std::string& abs, const LogName& ln,
                             std::map<RegionKey, std::vector<UnixSeconds>>* not_covered,
                             std::map<RegionKey, uint64_t>* no_digest) {
  RegionSummary& r = Region(ln.account, ln.region);
  const UnixSeconds t = ln.stamp;
  if (t > now_ + kHour && listed_.count(abs) == 0) {
    ++r.logs_not_covered;
    Add(FindingKind::kLogNotCovered, ln.account, ln.region, Show(abs),
        fmt::format("not covered: its name says it was delivered at {}, in the future", FormatIsoTime(t)));
    return;
  }
  const Coverage& c = Cover(ln.account, ln.region);
  // No digest of its account and region could vouch for any log file, and no
  // finding says why: with keys, none whose signature verified (a planted
  // unsigned digest is none); without, none at all.
  const bool no_vouching = !c.invalid && !c.disputed && c.restarts.empty() && (keys_ != nullptr ? !c.trusted : !c.any);
  const auto note = [&](std::string why) {
    if (no_vouching) ++(*no_digest)[{ln.account, ln.region}];
    Unverified(ln.account, ln.region, abs, std::move(why));
  };
  const auto near = [&](const Span& s) { return t >= s.first - kEdgeMargin && t <= s.second + kEdgeMargin; };
  // Listed only by a digest that is modified, unsigned or out of range: not judged here.
  if (listed_.count(abs) > 0) return note(kListedUntrusted);
  if (ln.insight && !c.insights_digested) {
    return note("an Insights log file, and no digest of its region lists one (AWS does not document whether "
                "digests list Insights files): nothing can say it belongs");
  }
  if (std::any_of(c.accepted.begin(), c.accepted.end(), near)) {
    Unverified(ln.account, ln.region, abs, "delivered in a chain restart accepted with --accept-restart", true);
    return;
  }
  if (std::any_of(c.suspect.begin(), c.suspect.end(), near)) {
    return note("in the time of a digest that is missing, modified or unsigned: nothing can say it belongs");
  }
  // Digests on both sides of it: it should be listed. Before the first
  // digest or after the newest one, it may legitimately be undigested.
  if (c.any && t >= c.min_start && t + kEdgeMargin <= c.max_end) {
    ++r.logs_not_covered;
    (*not_covered)[{ln.account, ln.region}].push_back(t);
    Add(FindingKind::kLogNotCovered, ln.account, ln.region, Show(abs),
        fmt::format("not covered: delivered {} between digests of this region, but no digest lists it",
                    FormatIsoTime(t)));
    return;
  }
  note(c.any ? "outside the time the digests cover (validation was off, or it is not digested yet)"
             : "no digest of its account and region in the folder");
}

}  // namespace trailwatch::verify
