// verify: `trailwatch verify FOLDER`, offline CloudTrail log file integrity
// validation. The recipe, the rules for the edges and the sources are below.
//
// Sources (read 2026; the AWS CLI is the reference implementation):
//  [S] AWS CloudTrail User Guide, "CloudTrail digest file structure",
//      https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
//  [C] AWS CloudTrail User Guide, "Custom implementations of CloudTrail log file integrity validation",
//      https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html
//  [V] aws-cli, awscli/customizations/cloudtrail/validation.py (validate-logs),
//      https://github.com/aws/aws-cli/blob/develop/awscli/customizations/cloudtrail/validation.py
//      and the 2026 changes to it: backfill digests (PRs #10054-#10059), key
//      rotation (#10072/#10073), trailing gzip data (#10324/#10326).
//
// THE RECIPE, as implemented (file: function):
//  1. Digest bytes [C, V fetch_digest]: gunzip the digest file and keep the
//     decompressed bytes exactly as stored; never re-serialize the JSON.
//     folder.cpp: LoadDigests. Required fields as [V] requires them:
//     digestStartTime, digestEndTime, digestS3Bucket, digestS3Object,
//     digestPublicKeyFingerprint, previousDigestSignature (may be null), plus
//     logFiles. digest.cpp: ParseDigest.
//  2. Location [C step 2, V "has been moved from its original location"]:
//     the digest's path must end with "/" + digestS3Object. Offline the bucket
//     name is unknown, so digestS3Bucket is not compared. analyze.cpp: BuildNodes.
//  3. Data-signing string [C "Data signing string"], UTF-8, four fields joined
//     by a single "\n", no trailing newline:
//        digestEndTime                      verbatim, e.g. 2015-08-17T15:01:31Z
//        digestS3Bucket + "/" + digestS3Object
//        lowercase hex SHA-256 of the decompressed digest bytes (step 1)
//        previousDigestSignature verbatim, or the four characters "null" when
//        it is JSON null ("must be 'null' to match the Java implementation", [V])
//     digest.cpp: SigningString.
//  4. Signature [C, V Sha256RSADigestValidator]: RSASSA-PKCS1-v1_5 with
//     SHA-256 (Java SHA256withRSA) over the signing string, the signature
//     hex-decoded. A digest's own signature is S3 metadata x-amz-meta-signature
//     [S], lost by a plain download; it is also the NEXT digest's
//     previousDigestSignature, which is where it is taken from. The newest
//     digest of a chain has no next one: its signature is read from a sidecar
//     file <digest>.json.gz.sig holding the hex x-amz-meta-signature (e.g. the
//     output of `aws s3api head-object --query Metadata.signature --output
//     text`), or the whole `aws s3api head-object` JSON. Without a sidecar the
//     newest digest's signature is "not checked". keys.cpp: VerifyRsaSha256.
//  5. Public key [C, V]: the key whose Fingerprint equals
//     digestPublicKeyFingerprint, compared as an opaque string. Keys come from
//     `aws cloudtrail list-public-keys` JSON (Value is base64 DER) or PEM/DER
//     files named <fingerprint>.pem|.der; DER may be PKCS#1 RSAPublicKey or
//     X.509 SubjectPublicKeyInfo (the docs say the first and show both).
//     ValidityStartTime/EndTime are not enforced: the fingerprint names the
//     key, and [V] itself had to widen its time window at rotations.
//  6. Log files [C "Validate the log files", V _download_log]: SHA-256 over
//     the DECOMPRESSED content must equal hashValue (hex). A file with anything
//     after its first gzip member is rejected (trailing data, [V] #10324): a
//     reader that decodes every member would otherwise show appended records.
//     We hash every decoded byte AND report the extra member. folder.cpp: HashLogs.
//  7. Chain [C, V traverse]: previousDigestS3Object links each digest to the
//     one before it; a starting digest (validation enabled or re-enabled,
//     logging restarted) has all previousDigest* null. [V] does not compare
//     previousDigestHashValue; we do: the SHA-256 of the previous digest's
//     decompressed bytes must equal it, or that digest was modified.
//
// WHAT IS REPORTED (kinds, see trailwatch/verify.h), and the edge rules:
//  - digest_modified: its hash differs from the next digest's
//    previousDigestHashValue, or it has a second gzip member, or its name
//    says it ends more than an hour after now (forged). Its log files
//    are then "unverified" (not checked against a listing we know is forged);
//    its signature failure, if keys are given, is folded into this finding.
//  - digest_moved: found away from its digestS3Object. The chain still finds
//    it by that key, so its old place is not also reported as missing.
//  - digest_missing: a previousDigestS3Object that no digest in the folder
//    claims, unless its time is before --start (a partial download starts
//    somewhere: pass --start). Log files in its span are "unverified".
//  - digest_gap: between a missing digest and the previous one found, more
//    than 90 minutes (more than one hourly digest is gone). coverage.cpp.
//  - chain_restart: a starting digest after older digests of the same trail
//    (logging stopped, validation off, or digests deleted and the next one
//    rewritten as a start): names the uncovered span, and is a problem unless
//    an --accept-restart FROM/TO span holds the whole gap (then a
//    restart_accepted note; log files in the gap are "unverified").
//  - signature_missing (--public-keys): a digest no signature is found for,
//    unless it is the newest of its chain (its signature was S3 metadata), or
//    the digest after it is missing (digest_missing says so).
//  - digest_none: an account and region with log files and no digest file;
//    with --public-keys, none whose signature verified (unless a finding
//    about its digests already says why).
//  - log_missing / log_modified / log_trailing_data: per log file listed in a
//    digest that is not modified. log_unreadable (an error): I/O error or
//    corrupt gzip.
//  - log_not_covered: a log file listed in no digest although digests of its
//    account/region exist on both sides of its delivery stamp (the minute in
//    its name): digestStartTime of some digest <= stamp, and stamp + 15 min <=
//    digestEndTime of some digest (the 15 minutes allow for delivery after the
//    name's minute). Before the first digest (validation not yet on) or after
//    the newest (not yet digested, or validation turned off) it is
//    "unverified", not a problem: nothing says it should be listed.
//  - Backfill digests (*_backfill.json.gz: log files a processing delay kept
//    out of the hourly digest) form their own chains (one per trail and
//    region), checked by the same recipe; their log files count as covered.
//    No hourly gap rule applies to them. Their newest signature needs a
//    sidecar like any chain head.
//  - Trust: with --public-keys, only a digest whose signature verified vouches
//    for the log files it lists; what only unsigned digests list (the newest
//    of each chain without its .sig, a forged backfill or trail) is counted
//    "unverified", and the report then says "no problem found", never "all
//    valid". Without keys the chain is checked by hashes alone, and the report
//    says that a forged digest would pass. A failed signature also makes its
//    span suspect.
//  - Every file readers read (input/walker.cpp ClassifyWalkedFile: .json,
//    .jsonl, .ndjson, .gz, not hidden, not below CloudTrail-Digest/) is
//    judged, wherever it is. Names CloudTrail never writes, or delivery stamps
//    in the future, that no digest lists: log_not_covered. A name and folders
//    (<account>/CloudTrail/<region>/) that disagree: log_misplaced. Insights
//    files: unverified in a region where no trusted digest lists one (AWS does
//    not say whether digests do), judged like any log file where one does.
//  - A listed key that leaves FOLDER ("..", a leading "/") is never opened:
//    the digest is reported modified.
//  - --end: a trail whose newest digest ends more than 90 minutes before
//    --end (or now) is a digest_gap: CloudTrail writes a digest every hour
//    while logging is on, even an empty one; so deleting the newest digests
//    with their log files shows. Without --end that cannot be told from a
//    download made right after them (the AWS CLI cannot either).
//  - Strict (--public-keys and --end): every moment from --start (or the
//    trail's first digest) to --end (or now) must be in some digest's span
//    (digest_gap), the newest digest covering time before --end needs its
//    .sig (signature_missing), and unverified log files are range_unverified.
//  - Nothing to verify (no digest and no log file, or none in --start..--end)
//    is an error, never "valid".
//  - --start/--end: digests whose end time (in the name) is in
//    [start, end + 1 hour] are checked, as [V] does; unlisted log files are
//    judged when their stamp is in [start, end]. All digests are still read,
//    so links to older digests work.
//
// The steps: index the folder; read every digest (parallel); link chains,
// check locations, hashes and signatures (analyze.cpp); hash the listed log
// files (parallel, streaming, one buffer per worker); classify; print.
#include "trailwatch/verify.h"

#include <algorithm>
#include <ctime>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "output/write.h"
#include "trailwatch/escape.h"
#include "verify/analyze.h"
#include "verify/folder.h"
#include "verify/keys.h"

namespace trailwatch {
namespace verify {

namespace {

// --accept-restart FROM/TO: two times (ISO 8601, or "7d ago"), FROM <= TO.
Result<std::vector<Span>> ParseAcceptedRestarts(const std::vector<std::string>& texts) {
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  std::vector<Span> spans;
  for (const std::string& text : texts) {
    const size_t slash = text.find('/');
    if (slash == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("--accept-restart {}: expected FROM/TO, two times (as the chain_restart finding prints)",
                      TerminalSafe(text)));
    }
    Result<UnixSeconds> from = ParseTimeArgument(std::string_view(text).substr(0, slash), now);
    Result<UnixSeconds> to = ParseTimeArgument(std::string_view(text).substr(slash + 1), now);
    if (!from.ok() || !to.ok()) {
      return Status::InvalidArgument(fmt::format("--accept-restart {}: {}", TerminalSafe(text),
                                                 (from.ok() ? to : from).status().message()));
    }
    if (from.value() > to.value()) {
      return Status::InvalidArgument(fmt::format("--accept-restart {}: FROM is after TO", TerminalSafe(text)));
    }
    spans.emplace_back(from.value(), to.value());
  }
  return spans;
}

// Nothing judged at all is not success: say why, as an error.
std::optional<Status> NothingToVerify(const FolderIndex& index, const Report& report, const VerifyOptions& options) {
  if (index.digests.empty() && index.logs.empty()) {
    std::string why = fmt::format("nothing to verify: no CloudTrail digest or log file in {} ({} other file{}",
                                  TerminalSafe(index.display_root), index.other_files, index.other_files == 1 ? "" : "s");
    if (index.hidden > 0) why += fmt::format(", {} hidden entr{} skipped", index.hidden, index.hidden == 1 ? "y" : "ies");
    why += ")";
    if (!index.errors.empty()) {
      why += fmt::format("; {} could not be read, the first: {}", index.errors.size(), TerminalSafe(index.errors[0]));
    }
    return Status::NotFound(why);
  }
  if (!report.findings.empty() || !report.unverified.empty() || !report.accepted.empty()) return std::nullopt;
  for (const RegionSummary& r : report.regions) {
    if (r.digests + r.logs_valid + r.logs_modified + r.logs_deleted + r.logs_not_covered + r.logs_unverified +
            r.logs_unreadable > 0) {
      return std::nullopt;
    }
  }
  std::string range;
  if (options.start) range += fmt::format(" from {}", FormatIsoTime(*options.start));
  if (options.end) range += fmt::format(" up to {}", FormatIsoTime(*options.end));
  if (!options.end) range += " on";
  return Status::NotFound(fmt::format("nothing to verify{}: no digest ends and no log file was delivered then ({} "
                                      "digests and {} log files in {} lie outside)",
                                      range, index.digests.size(), index.logs.size(),
                                      TerminalSafe(index.display_root)));
}

}  // namespace

Result<Report> Verify(const VerifyOptions& options) {
  if (options.start && options.end && *options.start > *options.end) {
    return Status::InvalidArgument("--start is after --end");
  }
  Result<std::vector<Span>> accepted = ParseAcceptedRestarts(options.accept_restarts);
  if (!accepted.ok()) return accepted.status();
  std::optional<PublicKeySet> keys;
  if (!options.public_keys.empty()) {
    Result<PublicKeySet> loaded = PublicKeySet::Load(options.public_keys);
    if (!loaded.ok()) return Status::InvalidArgument(fmt::format("--public-keys: {}", loaded.status().message()));
    keys = std::move(loaded).value();
  }
  Result<FolderIndex> index = IndexFolder(options.folder);
  if (!index.ok()) return index.status();
  if (index.value().digests.empty() && index.value().logs.empty()) {
    return *NothingToVerify(index.value(), Report{}, options);
  }
  const size_t jobs =
      options.jobs > 0 ? options.jobs : std::max<size_t>(1, std::thread::hardware_concurrency());

  // Digests are small: all of them are read, whatever --start/--end say.
  std::vector<LoadedDigest> digests = LoadDigests(index.value(), jobs);
  // Chains, locations, digest hashes and signatures; the log files to hash.
  Analysis analysis(index.value(), std::move(digests), options, keys ? &*keys : nullptr,
                    std::move(accepted).value());
  const std::vector<std::string>& to_hash = analysis.Plan();
  // The expensive part: inflate and hash every listed log file.
  const std::vector<LogHash> hashes = HashLogs(to_hash, jobs);
  Report report = analysis.Finish(hashes);
  if (std::optional<Status> nothing = NothingToVerify(index.value(), report, options)) return *nothing;
  return report;
}

}  // namespace verify

int RunVerify(const VerifyOptions& options) {
  Result<verify::Report> report = verify::Verify(options);
  if (!report.ok()) {
    output::Diagnostic(fmt::format("verify: {}", report.status().message()));
    return 2;
  }
  const verify::Report& r = report.value();
  if (options.jsonl) {
    if (!output::WriteStdout(verify::FormatJsonl(r))) return r.ExitCode();
    for (const std::string& line : verify::SummaryLines(r)) output::Diagnostic(line);
  } else {
    output::WriteStdout(verify::FormatText(r));
  }
  return r.ExitCode();
}

}  // namespace trailwatch
