// Benchmark: time from a snapshot event to the last _SUCCESS marker, for a small database on the
// embedded defaults (SQLite queue, local folders). The reference system takes about an hour
// (RDS restores the whole snapshot before exporting).
//
//   SNAPLAKE_BIN=build/snaplake node bench/pipeline/event_to_success.mjs [rows] [runs]
//
// It starts its own throwaway PostgreSQL (tests/harness/pg.sh) unless SNAPLAKE_TEST_PG_URI is
// set, builds a social-care-like database with three tables, publishes an RDS event in its SNS
// envelope, and times `snaplake run --drain` until every table's partition has _SUCCESS.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bin = process.env.SNAPLAKE_BIN ?? path.join(root, 'build/snaplake');
const rows = Number(process.argv[2] ?? 100000);
const runs = Number(process.argv[3] ?? 3);

let uri = process.env.SNAPLAKE_TEST_PG_URI;
let pgDir = null;
if (!uri) {
  pgDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-pg-'));
  uri = execFileSync(path.join(root, 'tests/harness/pg.sh'), ['start', pgDir], { encoding: 'utf8' }).trim();
}
const dbUri = uri.replace(/\/[^/]*$/, '/bench_pipeline');
const psql = (sql, target = uri) => {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', target], { input: sql, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};
psql('DROP DATABASE IF EXISTS bench_pipeline WITH (FORCE); CREATE DATABASE bench_pipeline;');
psql(`
  CREATE TABLE people (id bigint PRIMARY KEY, name text, born date, balance numeric(12,2));
  INSERT INTO people SELECT g, 'person ' || g, DATE '1950-01-01' + g % 20000, g * 1.5 FROM generate_series(1, ${rows}) g;
  CREATE TABLE visits (id bigint PRIMARY KEY, person_id bigint, note text, at timestamptz);
  INSERT INTO visits SELECT g, g % ${rows} + 1, 'visit note ' || md5(g::text), now() - g * interval '1 minute' FROM generate_series(1, ${rows * 2}) g;
  CREATE TABLE cases (id int PRIMARY KEY, status text, opened date);
  INSERT INTO cases SELECT g, (ARRAY['open','closed','review'])[g % 3 + 1], DATE '2020-01-01' + g % 1000 FROM generate_series(1, ${Math.max(1, rows / 10)}) g;
  ANALYZE;`, dbUri);

const event = (n) => JSON.stringify({
  Type: 'Notification', MessageId: `bench-${n}`, TopicArn: 'arn:aws:sns:eu-west-2:123456789012:rds',
  Subject: 'RDS Notification Message',
  Message: JSON.stringify({
    'Event Source': 'db-instance', 'Event Time': new Date().toISOString().replace('T', ' ').replace('Z', ''),
    'Identifier Link': 'https://console.aws.amazon.com/rds/home?region=eu-west-2#dbinstance:id=bench-db',
    'Source ID': 'bench-db', 'Source ARN': 'arn:aws:rds:eu-west-2:123456789012:db:bench-db',
    'Event ID': 'http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0002',
    'Event Message': 'Finished DB Instance backup',
  }),
  Timestamp: new Date().toISOString(),
});

const times = [];
for (let i = 0; i < runs; ++i) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `[export]\njobs = 2\n[[instances]]\nid = "bench-db"\nsource = "${dbUri}"\n`);
  writeFileSync(path.join(dir, 'event.json'), event(i));
  const t0 = process.hrtime.bigint();
  let r = spawnSync(bin, ['snapshot', '--config', config, '--message-file', path.join(dir, 'event.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  r = spawnSync(bin, ['run', '--config', config, '--drain'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const markers = [];
  const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name === '_SUCCESS') markers.push(p); } };
  if (existsSync(path.join(dir, 'landing'))) walk(path.join(dir, 'landing'));
  if (markers.length !== 3) throw new Error(`expected 3 _SUCCESS markers, found ${markers.length}: ${r.stdout}${r.stderr}`);
  times.push(seconds);
  console.log(`run ${i + 1}: event -> 3 x _SUCCESS in ${seconds.toFixed(2)} s`);
}
times.sort((a, b) => a - b);
console.log(`rows: people ${rows}, visits ${rows * 2}, cases ${Math.max(1, rows / 10)}; median ${times[Math.floor(times.length / 2)].toFixed(2)} s, best ${times[0].toFixed(2)} s over ${runs} runs`);
if (pgDir) execFileSync(path.join(root, 'tests/harness/pg.sh'), ['stop', pgDir]);
