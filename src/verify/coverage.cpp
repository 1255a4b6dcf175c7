// Coverage: the time each trail's digests cover and what they leave out:
// missing digests, chain restarts (a new chain after older digests), digests
// nothing signs, and in strict mode (--public-keys with --end) every part of
// the time up to --end that cannot be verified.
#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "verify/analyze.h"

namespace trailwatch::verify {
namespace {

constexpr UnixSeconds kHour = 3600;
// Two consecutive hourly digests end about an hour apart; more than this
// between a digest and the missing one after it means more are missing.
constexpr UnixSeconds kMaxDigestSpacing = 90 * 60;
// Consecutive digests of a chain meet exactly (digestStartTime = the previous
// digestEndTime); a restart or a hole this short is taken as clock jitter.
constexpr UnixSeconds kJitter = 60;
// A log file named at minute t is delivered at t or a little later (see classify.cpp).
constexpr UnixSeconds kEdgeMargin = 15 * 60;

std::string Duration(UnixSeconds seconds) {
  const UnixSeconds minutes = (seconds + 30) / 60;
  if (minutes % 60 == 0) return fmt::format("{} hour{}", minutes / 60, minutes == 60 ? "" : "s");
  if (minutes < 60) return fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
  return fmt::format("{} h {} min", minutes / 60, minutes % 60);
}

}  // namespace

UnixSeconds Analysis::StartOf(const Entry& e) const {
  return e.missing ? e.stamp - kHour : DigestOf(nodes_[e.index]).start;
}

UnixSeconds Analysis::EndOf(const Entry& e) const { return e.missing ? e.stamp : DigestOf(nodes_[e.index]).end; }

void Analysis::FindGaps() {
  std::map<std::string, std::vector<Entry>> groups;
  for (size_t i = 0; i < nodes_.size(); ++i) groups[nodes_[i].group].push_back({nodes_[i].name.stamp, false, i});
  for (size_t i = 0; i < missing_.size(); ++i) {
    groups[nodes_[missing_[i].referenced_by].group].push_back({missing_[i].name.stamp, true, i});
  }
  for (auto& [group, entries] : groups) WalkGroup(entries);
}

void Analysis::WalkGroup(std::vector<Entry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.stamp, a.missing) < std::tie(b.stamp, b.missing);
  });
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& b = entries[i];
    const DigestName& name = NameOf(b);
    if (!b.missing && i + 1 < entries.size()) {
      Node& n = nodes_[b.index];
      n.next = entries[i + 1].missing ? Node::Next::kMissing : Node::Next::kNode;
      n.next_index = entries[i + 1].index;
    }
    if (!b.missing) {
      if (i > 0 && !name.backfill) CheckRestart(entries, i);
      continue;
    }
    // Log files in the span of a missing digest cannot be judged.
    Coverage& c = Cover(name.account, name.region);
    const UnixSeconds from = i > 0 ? entries[i - 1].stamp : b.stamp - kHour;
    c.suspect.push_back({from, b.stamp});
    if (i > 0 && !name.backfill && b.stamp - entries[i - 1].stamp > kMaxDigestSpacing && DigestInRange(b.stamp)) {
      const Node& by = nodes_[missing_[b.index].referenced_by];
      Add(FindingKind::kDigestGap, name.account, name.region, {},
          fmt::format("no digest from {} to {}: more digests are missing before {}", FormatIsoTime(entries[i - 1].stamp),
                      FormatIsoTime(b.stamp - kHour), Show(by.root + missing_[b.index].key)),
          Show(by.abs));
    }
  }
  const Entry& last = entries.back();
  const DigestName& last_name = NameOf(last);
  if (last_name.backfill) return;  // backfill digests cover late files, not time
  if (Strict()) {
    StrictHoles(entries);
    return;
  }
  // CloudTrail writes an hourly digest while logging is on, even for an hour
  // without log files, so a chain that stops long before --end lost its
  // newest digests, or logging was stopped: say so (the AWS CLI cannot see it).
  if (options_.end) {
    const UnixSeconds until = std::min(*options_.end, now_);
    if (until - last.stamp > kMaxDigestSpacing) {
      Add(FindingKind::kDigestGap, last_name.account, last_name.region, {},
          fmt::format("no digest of trail {} after {} up to --end {}: the newest digests were deleted, or "
                      "logging was stopped",
                      last_name.trail, FormatIsoTime(last.stamp), FormatIsoTime(until)),
          last.missing ? std::string() : Show(nodes_[last.index].abs));
    }
  }
}

// entries[i] is a digest: a starting digest (previousDigest* null) after older
// digests of its trail leaves the time between them uncovered. That is how
// logging that was stopped looks, and also how deleted digests look once the
// next one is rewritten as a start: a problem unless --accept-restart covers it.
void Analysis::CheckRestart(const std::vector<Entry>& entries, size_t i) {
  const Node& n = nodes_[entries[i].index];
  const Digest& d = DigestOf(n);
  if (d.previous_s3_object || !n.in_range) return;
  const Span gap{EndOf(entries[i - 1]), d.start};
  const UnixSeconds from = options_.start ? std::max(gap.first, *options_.start) : gap.first;
  const UnixSeconds to = options_.end ? std::min(gap.second, *options_.end) : gap.second;
  if (to - from <= kJitter) return;  // nothing uncovered in --start..--end
  Coverage& c = Cover(n.name.account, n.name.region);
  for (const Span& a : accepted_restarts_) {
    if (a.first > gap.first || gap.second > a.second) continue;
    c.accepted.push_back(gap);
    accepted_.push_back(Finding{FindingKind::kRestartAccepted, n.name.account, n.name.region, Show(n.abs), {}, {}, {},
                                fmt::format("a new digest chain of trail {}: no digest covers {} to {} ({}); "
                                            "accepted with --accept-restart",
                                            n.name.trail, FormatIsoTime(gap.first), FormatIsoTime(gap.second),
                                            Duration(gap.second - gap.first))});
    return;
  }
  c.restarts.push_back({gap, entries[i].index, n.name.trail});
}

void Analysis::ReportRestarts(
    const std::map<std::pair<std::string, std::string>, std::vector<UnixSeconds>>& not_covered) {
  for (const auto& [key, c] : coverage_) {
    for (const Restart& r : c.restarts) {
      uint64_t logs = 0;
      if (auto it = not_covered.find(key); it != not_covered.end()) {
        logs = static_cast<uint64_t>(std::count_if(it->second.begin(), it->second.end(), [&](UnixSeconds t) {
          return t >= r.gap.first - kEdgeMargin && t <= r.gap.second + kEdgeMargin;
        }));
      }
      const std::string from = FormatIsoTime(r.gap.first), to = FormatIsoTime(r.gap.second);
      Add(FindingKind::kChainRestart, key.first, key.second, Show(nodes_[r.node].abs),
          fmt::format("a new digest chain of trail {} starts here although older digests exist: no digest covers "
                      "{} to {} ({}){}. Logging was stopped, validation was off, or digests were deleted; if you "
                      "know that logging or validation was off then, pass --accept-restart {}/{}",
                      r.trail, from, to, Duration(r.gap.second - r.gap.first),
                      logs == 0 ? std::string() : fmt::format(", although {} log files were delivered then", logs),
                      from, to));
    }
  }
}

// Strict mode: every part of [--start (or the trail's first digest), --end]
// must lie in some digest's span. Spans of digests that cannot be trusted
// count here (each has its own finding), and so do missing digests and
// restarts (reported, or accepted). What is left is a digest_gap.
void Analysis::StrictHoles(const std::vector<Entry>& entries) {
  const DigestName& name = NameOf(entries.front());
  const UnixSeconds until = std::min(*options_.end, now_);
  const UnixSeconds from = options_.start ? *options_.start : StartOf(entries.front());
  std::vector<Span> spans;
  for (size_t i = 0; i < entries.size(); ++i) {
    spans.push_back({StartOf(entries[i]), EndOf(entries[i])});
    if (i > 0 && !entries[i].missing && !DigestOf(nodes_[entries[i].index]).previous_s3_object) {
      spans.push_back({EndOf(entries[i - 1]), StartOf(entries[i])});  // a restart: its own finding
    }
  }
  std::sort(spans.begin(), spans.end());
  UnixSeconds covered = from;  // [from, covered] has a digest
  for (const Span& s : spans) {
    if (covered >= until) break;
    const UnixSeconds slack = covered == from ? 0 : kJitter;
    if (s.first > covered + slack) {
      const UnixSeconds hole_end = std::min(s.first, until);
      Add(FindingKind::kDigestGap, name.account, name.region, {},
          covered == from && options_.start
              ? fmt::format("no digest of trail {} from --start {} to {}: the oldest digests were deleted, or "
                            "logging was not on yet",
                            name.trail, FormatIsoTime(from), FormatIsoTime(hole_end))
              : fmt::format("no digest of trail {} covers {} to {}", name.trail, FormatIsoTime(covered),
                            FormatIsoTime(hole_end)));
    }
    covered = std::max(covered, s.second);
  }
  if (covered < until) {
    const Entry& last = entries.back();
    Add(FindingKind::kDigestGap, name.account, name.region, {},
        fmt::format("no digest of trail {} after {} up to --end {}: not digested yet (CloudTrail writes an "
                    "hour's digest within the next hour: pick an earlier --end), the newest digests were "
                    "deleted, or logging was stopped",
                    name.trail, FormatIsoTime(covered), FormatIsoTime(until)),
        last.missing ? std::string() : Show(nodes_[last.index].abs));
  }
}

// With --public-keys, a digest without a signature proves nothing. The newest
// of its chain is excused (its signature was S3 metadata; a .sig sidecar can
// hold it), except in strict mode when it covers time up to --end.
void Analysis::MissingSignature(Node& n) {
  if (!n.modified.empty()) return;  // digest_modified says more
  const Digest& d = DigestOf(n);
  const std::vector<size_t>& copies = by_key_.find(d.digest_s3_object)->second;
  if (std::any_of(copies.begin(), copies.end(), [&](size_t c) { return nodes_[c].signature.has_value(); })) {
    return;  // a second copy of a signed digest: digest_moved names it
  }
  std::string why;
  switch (n.next) {
    case Node::Next::kMissing:
      if (missing_[n.next_index].reported) return;  // digest_missing explains it
      why = "the digest after it, which would carry its signature, is not in the folder";
      break;
    case Node::Next::kNode: {
      const Node& next = nodes_[n.next_index];
      const Digest& nd = DigestOf(next);
      if (!nd.previous_s3_object) {
        why = fmt::format("the next digest of its trail, {}, starts a new chain, so no digest carries its "
                          "signature: save its x-amz-meta-signature as {}.sig",
                          Show(next.abs), Show(n.abs));
      } else if (*nd.previous_s3_object != d.digest_s3_object) {
        why = fmt::format("the next digest of its trail, {}, names {} as its previous digest, not this one",
                          Show(next.abs), *nd.previous_s3_object);
      } else {
        why = fmt::format("the next digest of its trail, {}, has previousDigestSignature null", Show(next.abs));
      }
      break;
    }
    case Node::Next::kNone:
      if (!Strict() || d.start >= std::min(*options_.end, now_)) return;
      why = fmt::format("the newest digest of its chain, without a .sig sidecar: the time it covers up to --end "
                        "cannot be verified (save its x-amz-meta-signature as {}.sig, or pick an --end before {})",
                        Show(n.abs), FormatIsoTime(d.start));
      break;
  }
  Add(FindingKind::kSignatureMissing, n.name.account, n.name.region, Show(n.abs),
      fmt::format("no signature to check: {}; the log files it lists are unverified", why));
}

// Strict mode: a log file up to --end that nothing verifies is a problem, one
// finding per account and region (each file is still named as log_unverified).
void Analysis::StrictUnverified() {
  if (!Strict()) return;
  for (const auto& [key, count] : strict_unverified_) {
    if (count == 0) continue;
    Add(FindingKind::kRangeUnverified, key.first, key.second, {},
        fmt::format("with --public-keys and --end every log file up to --end must be verified: {} cannot be "
                    "(each is named as log_unverified)",
                    count));
  }
}

}  // namespace trailwatch::verify
