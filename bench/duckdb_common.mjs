// duckdb_common.mjs — code shared by the DuckDB rows of the trailwatch benchmark
// (duckdb_cat.mjs, duckdb_grep.mjs): command line, corpus check, the per-record source
// query of each strategy, and running one timed query.
//
// Every script takes: CORPUS [--threads N] [--strategy S] [--max-object-size BYTES].
// Strategies (see duckdb_cat.mjs and bench/README.md for when each is faster):
//   columns  read_json(columns={Records:'JSON[]'}) + unnest: one JSON value r per record.
//   objects  read_json_objects() + unnest(json_extract(json, '$.Records[*]')): same r.
//   struct   read_json(format='auto') + unnest: r is an inferred STRUCT (duckdb_cat only).
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

// parseArgs(script, strategies): script is the name used in messages ("duckdb_cat"),
// strategies the allowed --strategy values (the first is the default).
// Exits with status 2 and a usage line on a bad command line.
export function parseArgs(script, strategies) {
  const usage = (msg) => {
    if (msg) process.stderr.write(`${script}: ${msg}\n`);
    process.stderr.write(
      `usage: node ${script}.mjs CORPUS [--threads N] [--strategy ${strategies.join('|')}] [--max-object-size BYTES]\n`);
    process.exit(2);
  };
  const opts = { threads: '2', strategy: strategies[0], maxObjectSize: String(1024 ** 3) };
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

  opts.corpus = resolve(positional[0]);
  try {
    if (!statSync(opts.corpus).isDirectory()) usage(`${opts.corpus} is not a directory`);
  } catch {
    usage(`${opts.corpus} does not exist`);
  }
  if (!strategies.includes(opts.strategy)) usage(`unknown strategy ${opts.strategy}`);
  return opts;
}

export const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// recordSource(opts): a query with one row per CloudTrail record of the corpus, in column r
// (JSON for columns/objects, an inferred STRUCT for struct).
export function recordSource(opts) {
  const glob = sqlString(`${opts.corpus}/**/*.json.gz`);
  const mos = opts.maxObjectSize;
  switch (opts.strategy) {
    case 'objects':
      return `SELECT unnest(json_extract(json, '$.Records[*]')) AS r
              FROM read_json_objects(${glob}, format='auto', maximum_object_size=${mos})`;
    case 'columns':
      return `SELECT unnest(Records) AS r
              FROM read_json(${glob}, columns={Records: 'JSON[]'}, maximum_object_size=${mos})`;
    case 'struct':
      return `SELECT unnest(Records) AS r
              FROM read_json(${glob}, format='auto', maximum_object_size=${mos})`;
    default:
      throw new Error(`unknown strategy ${opts.strategy}`);
  }
}

// runQuery(opts, sql): runs sql with opts.threads threads and returns its first row as a
// JSON-friendly object. Writes the DuckDB version, thread count and query time on stderr,
// including a "bench-note:" line that bench/lib.sh copies into the table's Check cell.
export async function runQuery(opts, sql) {
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
  conn.closeSync();
  instance.closeSync();
  return row;
}
