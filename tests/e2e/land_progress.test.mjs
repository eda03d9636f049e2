// The progress of `snaplake land` on a terminal (a pseudo-terminal made by util-linux's `script`):
// one line per table with its percentage, rows and ETA, and an overall line of files, bytes and
// rows. Without a terminal there is none of it: only the log's one line per event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { Postgres, snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';

const pg = Postgres.shared();
const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;

test('land shows per-table progress with a percentage and an ETA on a terminal, and none without one', () => {
  pg.createDatabase('land_progress');
  pg.psql(`CREATE TABLE people (id int PRIMARY KEY, name text);
    INSERT INTO people SELECT g, 'person ' || g FROM generate_series(1, 4000) g;
    CREATE TABLE visits (id int PRIMARY KEY, note text);
    INSERT INTO visits SELECT g, 'visit ' || g FROM generate_series(1, 900) g;`, 'land_progress');
  const dir = tempDir('land-progress-');
  const exported = snaplake(['export', '--source', pg.uriFor('land_progress'), '--to', path.join(dir, 'exports'),
    '--export-id', 'progress-1', '--json']);
  assert.equal(exported.status, 0, exported.stderr);

  // On a terminal: stdout and stderr are the pseudo-terminal `script` gives the command.
  const land = (to) => [snaplakeBin, 'land', '--export', path.join(dir, 'exports', 'progress-1'), '--to',
    path.join(dir, to), '--jobs', '1'];
  const tty = spawnSync('script', ['-qefc', land('lake-tty').map(quote).join(' '), '/dev/null'],
    { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
  assert.equal(tty.status, 0, tty.stdout + tty.stderr);
  // The redraws, as a person's terminal would end up showing each: split at the cursor moves.
  const screen = tty.stdout.replaceAll('\r', '');
  // The first draw, after the first of the two files: one table done, the other still to come,
  // with its ETA estimated from the rate so far.
  const people = screen.match(/\x1b\[2K {2}land_progress\/public\.people +(\d+)%  [\d.]+\/[\d.]+ MB  (\d+)\/4000 rows  (done|ETA \d+:\d\d)\n/);
  const visits = screen.match(/\x1b\[2K {2}land_progress\/public\.visits +(\d+)%  [\d.]+\/[\d.]+ MB  (\d+)\/900 rows  (done|ETA \d+:\d\d)\n/);
  assert.ok(people && visits, screen);
  const first = [people, visits].find((m) => m[3] !== 'done');
  assert.ok(first, `one table still to land in the first draw:\n${screen}`);
  assert.equal(first[1], '0');
  assert.match(first[3], /^ETA \d+:\d\d$/);
  assert.match(screen, /\x1b\[2Klanding 1\/2 files, [\d.]+\/[\d.]+ MB, \d+\/4900 rows, [\d.]+ MB\/s, ETA \d+:\d\d\n/);
  // The last draw: everything landed.
  assert.match(screen, /\x1b\[2K {2}land_progress\/public\.people +100%  [\d.]+\/[\d.]+ MB  4000\/4000 rows  done\n/);
  assert.match(screen, /\x1b\[2K {2}land_progress\/public\.visits +100%  [\d.]+\/[\d.]+ MB  900\/900 rows  done\n/);
  assert.match(screen, /\x1b\[2Klanding 2\/2 files, [\d.]+\/[\d.]+ MB, 4900\/4900 rows, [\d.]+ MB\/s, done\n/);

  // Not a terminal: no progress, no escape sequences; the log keeps one line per event.
  const plain = snaplake(land('lake-plain').slice(1));
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr + plain.stdout, /\x1b|%  /);
  for (const line of plain.stderr.trimEnd().split('\n')) {
    assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (info|warn|debug) /, line);
  }
});
