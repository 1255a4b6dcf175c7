// duckdb_grep.mjs — the DuckDB row of the trailwatch benchmark's grep suite.
//
//   node bench/duckdb_grep.mjs CORPUS [--threads N] [--strategy columns|objects]
//                                     [--max-object-size BYTES]
//
// Reads every CORPUS/**/*.json.gz CloudTrail file with DuckDB, unnests every record (the
// strategies of duckdb_cat.mjs, see duckdb_common.mjs) and counts the records that match
// any of the four metric-filter patterns of bench/patterns/seed4.txt, written as a SQL
// WHERE with CloudWatch Logs semantics (the same as bench/grep_seed4.jq):
//   - "=" is exact, case-sensitive string equality; a missing field never matches.
//   - "!=" is false when the field is absent (or not a string).
//   - "NOT EXISTS" is true only when the key is absent; a key present with value null exists.
// Prints "<matches>\t<records scanned>" on stdout. Diagnostics go to stderr.
//
// The fields are pulled out with one json_extract(r, [paths]) call, which parses each record
// once: json_extract gives SQL NULL for a missing path and the JSON text 'null' for a key
// whose value is null, so "f[4] IS NULL" is exactly NOT EXISTS (also when userIdentity is
// absent or not an object). json_extract_string(x, '$') turns a JSON string into its text
// (NULL for JSON null); a number, object or array gives its JSON text, which can never equal
// the names compared here. Calling json_extract_string(r, '$.eventName') and friends once per
// field gives the same counts but parses each record up to six times (1.2-1.5x slower).
import { parseArgs, recordSource, runQuery } from './duckdb_common.mjs';

const opts = parseArgs('duckdb_grep', ['columns', 'objects']);

const inList = (names) => names.map((n) => `'${n}'`).join(', ');
const sql = `
SELECT count(*) FILTER (WHERE
         -- (a) { ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }
         (eventName = 'ConsoleLogin' AND errorMessage = 'Failed authentication')
         -- (b) { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS
         --       && $.eventType != "AwsServiceEvent" }
         OR (identityType = 'Root' AND invokedBy IS NULL
            AND json_type(eventType) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')  -- a scalar, compared by its text (spec 10)
             AND json_extract_string(eventType, '$') <> 'AwsServiceEvent')
         -- (c) security-group changes
         OR eventName IN (${inList([
           'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
           'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'])})
         -- (d) IAM policy changes
         OR eventName IN (${inList([
           'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy',
           'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'AttachRolePolicy',
           'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy'])})
       ) AS matches,
       count(*) AS records
FROM (
  SELECT json_extract_string(f[1], '$') AS eventName,
         json_extract_string(f[2], '$') AS errorMessage,
         json_extract_string(f[3], '$') AS identityType,
         f[4] AS invokedBy,                  -- JSON; SQL NULL only when the key is absent
         f[5] AS eventType                   -- JSON
  FROM (
    SELECT json_extract(r, ['$.eventName', '$.errorMessage', '$.userIdentity.type',
                            '$.userIdentity.invokedBy', '$.eventType']) AS f
    FROM (${recordSource(opts)})))`;

const row = await runQuery(opts, sql);
process.stdout.write(`${row.matches}\t${row.records}\n`);
