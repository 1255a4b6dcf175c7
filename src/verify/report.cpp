// Report: how `verify` prints what it found: a text report (paths escaped for
// the terminal, quoted when they hold a blank) or one JSON object per finding;
// and the exit status.
#include <fmt/format.h>

#include "trailwatch/escape.h"
#include "trailwatch/verify.h"

namespace trailwatch::verify {
namespace {

void AppendJsonField(std::string& out, std::string_view key, std::string_view value, bool null_if_empty) {
  out += ',';
  out += JsonQuoted(key);
  out += ':';
  out += null_if_empty && value.empty() ? std::string("null") : JsonQuoted(value);
}

std::string SummaryLine(const RegionSummary& r, bool keys_given) {
  std::string line = fmt::format("{} {}: {} digests", TextField(r.account), TextField(r.region), r.digests);
  if (r.backfill_digests > 0) line += fmt::format(" ({} backfill)", r.backfill_digests);
  line += fmt::format("; log files: {} valid, {} modified, {} deleted, {} not covered, {} unverified", r.logs_valid,
                      r.logs_modified, r.logs_deleted, r.logs_not_covered, r.logs_unverified);
  if (r.logs_unreadable > 0) line += fmt::format(", {} unreadable", r.logs_unreadable);
  line += fmt::format("; signatures: {} verified, {} failed, {} not checked{}", r.signatures_verified,
                      r.signatures_failed, r.signatures_not_checked, keys_given ? "" : " (no --public-keys)");
  return line;
}

std::string LastLine(const Report& report) {
  uint64_t errors = 0, problems = 0;
  for (const Finding& f : report.findings) ++(IsError(f.kind) ? errors : problems);
  if (errors == 0 && problems == 0) {
    uint64_t digests = 0, logs = 0, unchecked = 0, unverified = 0;
    for (const RegionSummary& r : report.regions) {
      digests += r.digests;
      logs += r.logs_valid;
      unchecked += r.signatures_not_checked;
      unverified += r.logs_unverified;
    }
    // "all valid" only when every digest is signed and every log file is proven.
    if (report.keys_given && unchecked == 0 && unverified == 0) {
      return fmt::format("all valid: {} digests, {} log files", digests, logs);
    }
    std::string line = fmt::format("no problem found: {} digests, {} log files valid", digests, logs);
    if (unverified > 0) {
      line += fmt::format(", {} unverified (listed in no digest that could be checked, or outside their time)",
                          unverified);
    }
    if (!report.keys_given) {
      line += "; signatures not checked (no --public-keys): a forged digest would pass";
    } else if (unchecked > 0) {
      line += fmt::format("; {} signatures not checked (the newest digest of a chain: add its .sig)", unchecked);
    }
    return line;
  }
  const auto count = [](uint64_t n, std::string_view what) {
    return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
  };
  if (errors == 0) return fmt::format("{} found", count(problems, "problem"));
  return fmt::format("{} and {} found", count(problems, "problem"), count(errors, "error"));
}

}  // namespace

std::string_view KindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kLogModified: return "log_modified";
    case FindingKind::kLogTrailingData: return "log_trailing_data";
    case FindingKind::kLogMissing: return "log_missing";
    case FindingKind::kLogNotCovered: return "log_not_covered";
    case FindingKind::kLogMisplaced: return "log_misplaced";
    case FindingKind::kDigestMissing: return "digest_missing";
    case FindingKind::kDigestGap: return "digest_gap";
    case FindingKind::kDigestModified: return "digest_modified";
    case FindingKind::kDigestMoved: return "digest_moved";
    case FindingKind::kDigestNone: return "digest_none";
    case FindingKind::kChainRestart: return "chain_restart";
    case FindingKind::kSignatureInvalid: return "signature_invalid";
    case FindingKind::kPublicKeyNotFound: return "public_key_not_found";
    case FindingKind::kSignatureMissing: return "signature_missing";
    case FindingKind::kRangeUnverified: return "range_unverified";
    case FindingKind::kLogUnreadable: return "log_unreadable";
    case FindingKind::kDigestInvalid: return "digest_invalid";
    case FindingKind::kError: return "error";
    case FindingKind::kLogUnverified: return "log_unverified";
    case FindingKind::kRestartAccepted: return "restart_accepted";
  }
  return "error";
}

bool IsError(FindingKind kind) {
  return kind == FindingKind::kLogUnreadable || kind == FindingKind::kDigestInvalid || kind == FindingKind::kError;
}

bool Report::HasErrors() const {
  for (const Finding& f : findings) {
    if (IsError(f.kind)) return true;
  }
  return false;
}

int Report::ExitCode() const {
  if (HasErrors()) return 2;
  return findings.empty() ? 0 : 1;
}

namespace {

constexpr size_t kMaxUnverifiedLines = 20;  // in text; jsonl lists them all

// "kind account region file: message (expected X, actual Y) [digest D]": the
// values from the folder are text fields, quoted when they hold a blank, so
// that a file name cannot forge the rest of the line.
std::string TextLine(const Finding& f) {
  auto field = [](std::string_view v) { return v.empty() ? std::string("-") : TextField(v); };
  std::string out = fmt::format("{} {} {} {}: {}", KindName(f.kind), TextField(f.account), TextField(f.region),
                                field(f.file), TerminalSafe(f.message));
  if (!f.expected.empty() || !f.actual.empty()) {
    out += fmt::format(" (expected {}, actual {})", field(f.expected), field(f.actual));
  }
  if (!f.digest.empty()) out += fmt::format(" [digest {}]", field(f.digest));
  out += '\n';
  return out;
}

void AppendJson(std::string& out, const Finding& f) {
  out += "{\"kind\":";
  out += JsonQuoted(KindName(f.kind));
  AppendJsonField(out, "account", f.account, false);
  AppendJsonField(out, "region", f.region, false);
  AppendJsonField(out, "file", f.file, true);
  AppendJsonField(out, "expected", f.expected, true);
  AppendJsonField(out, "actual", f.actual, true);
  AppendJsonField(out, "digest", f.digest, true);
  AppendJsonField(out, "message", f.message, false);
  out += "}\n";
}

}  // namespace

std::string FormatText(const Report& report) {
  std::string out;
  for (const RegionSummary& r : report.regions) {
    out += SummaryLine(r, report.keys_given);
    out += '\n';
  }
  for (const Finding& f : report.findings) out += TextLine(f);
  for (const Finding& f : report.accepted) out += TextLine(f);
  for (size_t i = 0; i < report.unverified.size() && i < kMaxUnverifiedLines; ++i) {
    out += TextLine(report.unverified[i]);
  }
  if (report.unverified.size() > kMaxUnverifiedLines) {
    out += fmt::format("log_unverified: {} more (--format jsonl lists them all)\n",
                       report.unverified.size() - kMaxUnverifiedLines);
  }
  out += LastLine(report);
  out += '\n';
  return out;
}

std::string FormatJsonl(const Report& report) {
  std::string out;
  for (const Finding& f : report.findings) AppendJson(out, f);
  for (const Finding& f : report.accepted) AppendJson(out, f);
  for (const Finding& f : report.unverified) AppendJson(out, f);
  return out;
}

std::vector<std::string> SummaryLines(const Report& report) {
  std::vector<std::string> lines;
  for (const RegionSummary& r : report.regions) lines.push_back(SummaryLine(r, report.keys_given));
  lines.push_back(LastLine(report));
  return lines;
}

}  // namespace trailwatch::verify
