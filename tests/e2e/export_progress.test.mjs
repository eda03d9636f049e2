// Export progress on a terminal (issue 15, item 6), in a pseudo-terminal (`script`): a line per
// table being read with its percentage and ETA — from pg_class.reltuples for PostgreSQL and
// information_schema for MySQL — and the overall line with tables, rows and bytes; nothing of it
// when stderr or stdout is not a terminal (a log; `--json > file`), where the logs keep one line
// per event.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Mariadb, Postgres, snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';

const shellQuote = (s) => `'${s.replaceAll("'", "'\\''")}'`;

// Runs snaplake with a pseudo-terminal as stdin, stdout and stderr (stdout to `stdoutFile`
// instead, when given); returns what it drew.
function onTerminal(args, stdoutFile) {
  const command = [snaplakeBin, ...args].map(shellQuote).join(' ') + (stdoutFile ? ` > ${shellQuote(stdoutFile)}` : '');
  const r = spawnSync('script', ['-qefc', command, '/dev/null'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}

function assertProgress(out, target) {
  const frames = out.split(/\r|\n/).map((l) => l.replaceAll(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
  const tableLines = frames.filter((l) => l.includes(target) && / \d{1,2}%  \S+\/~\S+ rows  ETA (\d+:)?\d+:\d\d/.test(l));
  assert.ok(tableLines.length > 0, `no progress line for ${target} with a percentage and an ETA in:\n${frames.join('\n')}`);
  assert.ok(frames.some((l) => /^exporting: \d+\/\d+ tables, \S+ rows of ~\S+ \(\d+%\), [\d.]+ MB read, [\d.]+ MB\/s, ETA /.test(l)),
    'no overall line');
}

function assertNoProgress(r) {
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /exporting:|ETA/);
  assert.doesNotMatch(r.stderr, /\x1b\[/);
  for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /^\d{4}-\d\d-\d\dT.*Z (info|warn|debug) /, line);
}

test('a PostgreSQL export on a terminal shows each table with its percentage and ETA', () => {
  const pg = Postgres.shared();
  pg.createDatabase('export_progress');
  pg.psql(`CREATE TABLE big (id bigint, s text);
           INSERT INTO big SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 3000000) g;
           ANALYZE big;`, 'export_progress');
  const uri = pg.uriFor('export_progress');
  const out = onTerminal(['export', '--source', uri, '--to', tempDir('progress-'), '--export-id', 'p', '--jobs', '1']);
  assertProgress(out, 'export_progress.public.big');
  assertNoProgress(snaplake(['export', '--source', uri, '--to', tempDir('progress-'), '--export-id', 'p', '--jobs', '1']));
  // stderr a terminal, stdout a file (`--json > result.json`): no progress either, and the file
  // holds only the JSON.
  const result = path.join(tempDir('progress-'), 'result.json');
  const drawn = onTerminal(['export', '--source', uri, '--to', tempDir('progress-'), '--export-id', 'p', '--jobs', '1', '--json'], result);
  assert.doesNotMatch(drawn, /exporting:|ETA|\x1b\[/);
  assert.equal(JSON.parse(readFileSync(result, 'utf8')).exportId, 'p');
});

test('a MySQL export on a terminal shows each table with its percentage and ETA', () => {
  const db = Mariadb.shared();
  const uri = db.createDatabase('snaplake_export_progress');
  db.sql(`CREATE TABLE big (id INT PRIMARY KEY, s VARCHAR(80));
          INSERT INTO big SELECT seq, CONCAT(MD5(seq), MD5(seq + 1)) FROM seq_1_to_3000000;
          ANALYZE TABLE big;`, 'snaplake_export_progress');
  const out = onTerminal(['export', '--source', uri, '--to', tempDir('progress-'), '--export-id', 'p', '--jobs', '1']);
  assertProgress(out, 'snaplake_export_progress.big');
  assertNoProgress(snaplake(['export', '--source', uri, '--to', tempDir('progress-'), '--export-id', 'p', '--jobs', '1']));
});
