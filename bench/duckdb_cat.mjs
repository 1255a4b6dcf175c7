// duckdb_cat.mjs — the DuckDB row of the trailwatch benchmark's cat suite.
//
//   node bench/duckdb_cat.mjs CORPUS [--threads N] [--strategy columns|objects|struct]
//                                    [--max-object-size BYTES]
//
// Reads every CORPUS/**/*.json.gz CloudTrail file ({"Records":[...]}) with DuckDB,
// unnests every record and makes DuckDB materialise each one as a JSON string.
// Prints "<records>\t<bytes>" on stdout, where <bytes> is the summed length of the
// records' compact JSON text: the same number as `trailwatch cat | wc -c` minus one
// newline per record when the input is already compact. Diagnostics go to stderr.
//
// Strategies (columns and objects produce each record as its compact JSON text):
//   columns  read_json(columns={Records:'JSON[]'}) + unnest (default). Fastest when the
//            files are small (under ~1.5 MB uncompressed, like most real CloudTrail files).
//   objects  read_json_objects() + unnest(json_extract(json, '$.Records[*]')). About 2x
//            faster than columns on files of several MB and more.
//   struct   read_json(format='auto') + unnest: the naive query. DuckDB samples the files,
//            infers a STRUCT schema and only counts rows. It fails ("unknown key") when a
//            key first appears after the sample, as happens with CloudTrail's ragged schema.
// The command line, the strategies' source queries and the timing live in duckdb_common.mjs.
import { parseArgs, recordSource, runQuery } from './duckdb_common.mjs';

const opts = parseArgs('duckdb_cat', ['columns', 'objects', 'struct']);
const bytes = opts.strategy === 'struct' ? 'NULL' : 'coalesce(sum(strlen(r)), 0)';
const sql = `SELECT count(*) AS records, ${bytes} AS bytes FROM (${recordSource(opts)})`;

const row = await runQuery(opts, sql);
process.stdout.write(`${row.records}\t${row.bytes ?? ''}\n`);
