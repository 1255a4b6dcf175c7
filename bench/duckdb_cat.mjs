// duckdb_cat.mjs — the DuckDB row of the trailwatch benchmark.
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
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

function usage(msg) {
  if (msg) process.stderr.write(`duckdb_cat: ${msg}\n`);
  process.stderr.write(
    'usage: node duckdb_cat.mjs CORPUS [--threads N] [--strategy columns|objects|struct] [--max-object-size BYTES]\n');
  process.exit(2);
}

const opts = { threads: '2', strategy: 'columns', maxObjectSize: String(1024 ** 3) };
const positional = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
  if (a === '--threads') opts.threads = val();
  else if (a === '--strategy') opts.strategy = val();
  else if (a === '--max-object-size') opts.maxObjectSize = val();
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 1) usage('exactly one CORPUS directory expected');
if (!/^[1-9][0-9]*$/.test(opts.threads)) usage('--threads must be a positive integer');
if (!/^[1-9][0-9]*$/.test(opts.maxObjectSize)) usage('--max-object-size must be a positive integer');

const corpus = resolve(positional[0]);
try {
  if (!statSync(corpus).isDirectory()) usage(`${corpus} is not a directory`);
} catch {
  usage(`${corpus} does not exist`);
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const glob = sqlString(`${corpus}/**/*.json.gz`);
const mos = opts.maxObjectSize;

const queries = {
  objects: `SELECT count(*) AS records, coalesce(sum(strlen(r)), 0) AS bytes FROM (
              SELECT unnest(json_extract(json, '$.Records[*]')) AS r
              FROM read_json_objects(${glob}, format='auto', maximum_object_size=${mos}))`,
  columns: `SELECT count(*) AS records, coalesce(sum(strlen(r)), 0) AS bytes FROM (
              SELECT unnest(Records) AS r
              FROM read_json(${glob}, columns={Records: 'JSON[]'}, maximum_object_size=${mos}))`,
  struct: `SELECT count(*) AS records, NULL AS bytes FROM (
              SELECT unnest(Records) AS r
              FROM read_json(${glob}, format='auto', maximum_object_size=${mos}))`,
};
const sql = Object.hasOwn(queries, opts.strategy) ? queries[opts.strategy] : undefined;
if (!sql) usage(`unknown strategy ${opts.strategy}`);

const instance = await DuckDBInstance.create(':memory:', { threads: opts.threads });
const conn = await instance.connect();
const info = (await conn.runAndReadAll(
  "SELECT version() AS v, current_setting('threads') AS t")).getRowObjectsJson()[0];

const t0 = process.hrtime.bigint();
const row = (await conn.runAndReadAll(sql)).getRowObjectsJson()[0];
const ms = Number(process.hrtime.bigint() - t0) / 1e6;

process.stderr.write(
  `duckdb ${info.v} threads=${info.t} strategy=${opts.strategy} query=${ms.toFixed(0)}ms\n` +
  `bench-note: DuckDB ${info.v}, query alone ${(ms / 1000).toFixed(3)} s\n`);
process.stdout.write(`${row.records}\t${row.bytes ?? ''}\n`);
conn.closeSync();
instance.closeSync();
