// Compares snaplake's Parquet writer with DuckDB's on the same rows, same codec, same machine,
// same run (issue 2's goal: no slower than DuckDB single-threaded, files no larger than 1.05×).
//
//   node bench/parquet/compare_duckdb.mjs --bench <parquet_bench> [--rows 2000000]
//        [--codecs snappy,zstd] [--rounds 3] [--dir DIR] [--json FILE]
//
// Each round runs parquet_bench (which generates the mixed table and times our writer into
// /dev/null and into a file), then times DuckDB's COPY … TO (FORMAT parquet, COMPRESSION <codec>)
// with threads=1 from an in-memory table holding the same rows (loaded once from our file, not
// timed). Rounds alternate the two writers so that load from other processes hits both; the
// table reports the best round (minimum) of wall and CPU time. Neither side fsyncs: DuckDB's
// COPY … TO does not (checked with strace -e fsync,fdatasync), so parquet_bench runs without
// --fsync here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { duckdb } from '../../tests/harness/readers.mjs';

function parseArgs(argv) {
  const args = { rows: 2000000, codecs: ['snappy', 'zstd'], rounds: 3, dir: path.join(os.tmpdir(), 'snaplake-bench-parquet') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value after ${flag}`);
      return argv[++i];
    };
    if (flag === '--bench') args.bench = value();
    else if (flag === '--rows') args.rows = Number(value());
    else if (flag === '--codecs') args.codecs = value().split(',');
    else if (flag === '--rounds') args.rounds = Number(value());
    else if (flag === '--dir') args.dir = value();
    else if (flag === '--json') args.json = value();
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.bench) throw new Error('--bench <path to parquet_bench> is required');
  return args;
}

function runOurs(args) {
  const r = spawnSync(args.bench, ['--json', '--rows', String(args.rows), '--codecs', args.codecs.join(','), '--dir', args.dir],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`parquet_bench failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

async function timeDuckDB(connection, file, codec) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await connection.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION ${codec})`);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { writer: 'duckdb', codec, wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6, bytes: statSync(file).size, file };
}

const min = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => x.toFixed(d);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.dir, { recursive: true });
  const connection = await duckdb();
  const results = [];
  for (let round = 0; round < args.rounds; round++) {
    const ours = runOurs(args);
    results.push(...ours.map((r) => ({ ...r, round })));
    if (round === 0) {
      // The same rows, from our own file (the same values: tests/parquet checks it reads back).
      const source = ours.find((r) => r.sink === 'file').file;
      await connection.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('${source}')`);
      const count = (await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0];
      if (Number(count) !== args.rows) throw new Error(`DuckDB loaded ${count} rows, expected ${args.rows}`);
      await connection.run('SET threads = 1');
    }
    for (const codec of args.codecs) {
      const r = await timeDuckDB(connection, path.join(args.dir, `duckdb-${codec}.parquet`), codec);
      results.push({ ...r, sink: 'file', rows: args.rows, round });
    }
    process.stderr.write(`round ${round + 1}/${args.rounds} done\n`);
  }

  const valueBytes = results.find((r) => r.writer === 'snaplake').value_bytes;
  const summary = args.codecs.map((codec) => {
    const pick = (writer, sink) => results.filter((r) => r.writer === writer && r.codec === codec && r.sink === sink);
    const stat = (rs) => ({
      wall_min_s: min(rs.map((r) => r.wall_s)),
      wall_median_s: median(rs.map((r) => r.wall_s)),
      cpu_min_s: min(rs.map((r) => r.cpu_s)),
      bytes: rs[0].bytes,
      row_groups: rs[0].row_groups,
    });
    const oursNull = stat(pick('snaplake', 'null'));
    const oursFile = stat(pick('snaplake', 'file'));
    const duck = stat(pick('duckdb', 'file'));
    return {
      codec,
      rows: args.rows,
      value_mb: valueBytes / 1e6,
      ours_null: oursNull,
      ours_file: oursFile,
      duckdb: duck,
      time_ratio_cpu: oursFile.cpu_min_s / duck.cpu_min_s,
      time_ratio_wall: oursFile.wall_min_s / duck.wall_min_s,
      size_ratio: oursFile.bytes / duck.bytes,
    };
  });

  const lines = [];
  lines.push(`rows ${args.rows}, ${fmt(valueBytes / 1e6, 1)} MB of values, ${args.rounds} rounds (best shown), ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  lines.push('');
  lines.push('| codec | snaplake → /dev/null: s cpu (wall), rows/s, MB/s | snaplake → file: s cpu (wall), MB | DuckDB COPY threads=1: s cpu (wall), MB | time ours/DuckDB cpu (wall) | size ours/DuckDB |');
  lines.push('|---|---|---|---|---|---|');
  for (const s of summary) {
    const rps = s.rows / s.ours_null.cpu_min_s;
    const mbps = s.value_mb / s.ours_null.cpu_min_s;
    lines.push(`| ${s.codec} | ${fmt(s.ours_null.cpu_min_s)} (${fmt(s.ours_null.wall_min_s)}), ${(rps / 1e6).toFixed(2)} M rows/s, ${fmt(mbps, 0)} MB/s `
      + `| ${fmt(s.ours_file.cpu_min_s)} (${fmt(s.ours_file.wall_min_s)}), ${fmt(s.ours_file.bytes / 1e6)} MB `
      + `| ${fmt(s.duckdb.cpu_min_s)} (${fmt(s.duckdb.wall_min_s)}), ${fmt(s.duckdb.bytes / 1e6)} MB `
      + `| ${fmt(s.time_ratio_cpu)} (${fmt(s.time_ratio_wall)}) | ${fmt(s.size_ratio, 3)} |`);
  }
  lines.push('');
  for (const s of summary) {
    const fast = s.time_ratio_cpu <= 1 ? 'met' : 'MISSED';
    const small = s.size_ratio <= 1.05 ? 'met' : 'MISSED';
    lines.push(`${s.codec}: speed goal (ours ≤ DuckDB, CPU time) ${fast}; size goal (ours ≤ 1.05 × DuckDB) ${small}`);
  }
  console.log(lines.join('\n'));
  if (args.json) writeFileSync(args.json, JSON.stringify({ args, summary, results }, null, 2));
}

main().catch((e) => {
  console.error(`compare_duckdb: ${e.message}`);
  process.exit(1);
});
