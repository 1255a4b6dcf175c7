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
//    previousDigestHashValue, or it has a second gzip member. Its log files
//    are then "unverified" (not checked against a listing we know is forged);
//    its signature failure, if keys are given, is folded into this finding.
//  - digest_moved: found away from its digestS3Object. The chain still finds
//    it by that key, so its old place is not also reported as missing.
//  - digest_missing: a previousDigestS3Object that no digest in the folder
//    claims, unless its time is before --start (a partial download starts
//    somewhere: pass --start). Log files in its span are "unverified".
//  - digest_gap: (a) between a missing digest and the previous one found,
//    more than 90 minutes (more than one hourly digest is gone); (b) between
//    two chains (a starting digest after older digests) when log files were
//    delivered in between: logging was on but no digest covers that time.
//    A restart with no log files in between is normal (logging was stopped).
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
//  - Files readers would read (.json, .jsonl, .ndjson, .gz) under a
//    CloudTrail/ folder whose names CloudTrail never writes, or whose delivery
//    stamp is in the future, and that no digest lists: log_not_covered.
//  - A listed key that leaves FOLDER ("..", a leading "/") is never opened:
//    the digest is reported modified.
//  - --end: a trail whose newest digest ends more than 90 minutes before
//    --end (or now) is a digest_gap: CloudTrail writes a digest every hour
//    while logging is on, even an empty one; so deleting the newest digests
//    with their log files shows. Without --end that cannot be told from a
//    download made right after them (the AWS CLI cannot either).
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
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "output/write.h"
#include "verify/analyze.h"
#include "verify/folder.h"
#include "verify/keys.h"

namespace trailwatch {
namespace verify {

Result<Report> Verify(const VerifyOptions& options) {
  if (options.start && options.end && *options.start > *options.end) {
    return Status::InvalidArgument("--start is after --end");
  }
  std::optional<PublicKeySet> keys;
  if (!options.public_keys.empty()) {
    Result<PublicKeySet> loaded = PublicKeySet::Load(options.public_keys);
    if (!loaded.ok()) return Status::InvalidArgument(fmt::format("--public-keys: {}", loaded.status().message()));
    keys = std::move(loaded).value();
  }
  Result<FolderIndex> index = IndexFolder(options.folder);
  if (!index.ok()) return index.status();
  const size_t jobs =
      options.jobs > 0 ? options.jobs : std::max<size_t>(1, std::thread::hardware_concurrency());

  // Digests are small: all of them are read, whatever --start/--end say.
  std::vector<LoadedDigest> digests = LoadDigests(index.value(), jobs);
  // Chains, locations, digest hashes and signatures; the log files to hash.
  Analysis analysis(index.value(), std::move(digests), options, keys ? &*keys : nullptr);
  const std::vector<std::string>& to_hash = analysis.Plan();
  // The expensive part: inflate and hash every listed log file.
  const std::vector<LogHash> hashes = HashLogs(to_hash, jobs);
  return analysis.Finish(hashes);
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
