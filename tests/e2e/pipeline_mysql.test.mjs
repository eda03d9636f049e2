// The pipeline with a MySQL/MariaDB instance (engine = "mysql"): an RDS snapshot event in the form
// AWS delivers it -> `snaplake run --drain` -> the database exported natively and landed with
// _SUCCESS, read back with DuckDB and compared with the server; the run's status as for
// PostgreSQL; an event older than [export] max_event_age is dropped, as for any native engine.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { duckdbQuery } from '../harness/readers.mjs';
import { Mariadb } from '../harness/servers.mjs';
import { eventTime, landedPartitions, makePipeline, publish, rdsSnsEvent, rdsTime, runDrain, status } from './pipeline_helpers.mjs';

test('a MySQL instance goes from snapshot event to _SUCCESS', async () => {
  const db = Mariadb.shared();
  const database = 'pipeline_parking';
  const uri = db.createDatabase(database);
  db.sql(`
    CREATE TABLE bays (id INT PRIMARY KEY, street VARCHAR(40), kind ENUM('disabled', 'permit', 'paid'), price DECIMAL(6,2));
    INSERT INTO bays SELECT seq, CONCAT('street ', seq % 37, IF(seq % 9 = 0, ' ünïcode ✓', '')),
      ELT(1 + seq % 3, 'disabled', 'permit', 'paid'), IF(seq % 5 = 0, NULL, seq * 0.25) FROM seq_1_to_900;
    CREATE TABLE permits (id BIGINT PRIMARY KEY, bay_id INT, issued DATETIME(3), valid_until TIMESTAMP NULL);
    INSERT INTO permits SELECT seq, seq % 900 + 1, '2026-01-01 00:00:00' + INTERVAL seq MINUTE,
      '2027-01-01 00:00:00' + INTERVAL seq HOUR FROM seq_1_to_2500;`, database);
  const p = makePipeline({ instances: [{ id: 'parking-db', engine: 'mysql', source: uri }], prefix: 'pipeline-mysql-' });
  publish(p, rdsSnsEvent({ sourceId: 'parking-db-manual-20261201' }));
  // Older than max_event_age (a day): dropped, not exported as today's data.
  publish(p, rdsSnsEvent({ sourceId: 'parking-db-manual-20261101', time: rdsTime(new Date(eventTime().getTime() - 3 * 86400000)) }));
  const r = runDrain(p);
  assert.match(r.stdout, /drained: \d+ messages done, 0 retried, 0 dead-lettered/);

  const landed = landedPartitions(p.lake);
  assert.deepEqual(Object.keys(landed).sort(), [`${database}/${database}.bays`, `${database}/${database}.permits`]);
  // Per table, the same fingerprint from DuckDB (the landed files) and from the server: count,
  // sums, and every value in id order as text (times as epoch milliseconds).
  const fingerprints = {
    bays: [
      "count(*)::VARCHAR, sum(id)::VARCHAR, sum(price)::VARCHAR, string_agg(street || '/' || kind, ',' ORDER BY id)",
      "COUNT(*), SUM(id), SUM(price), GROUP_CONCAT(CONCAT(street, '/', kind) ORDER BY id SEPARATOR ',')",
    ],
    permits: [
      "count(*)::VARCHAR, sum(id)::VARCHAR, sum(bay_id)::VARCHAR, string_agg(epoch_ms(issued)::VARCHAR || '/' || epoch_ms(valid_until)::VARCHAR, ',' ORDER BY id)",
      "COUNT(*), SUM(id), SUM(bay_id), GROUP_CONCAT(CONCAT(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', issued) DIV 1000, '/', TIMESTAMPDIFF(MICROSECOND, '1970-01-01', valid_until) DIV 1000) ORDER BY id SEPARATOR ',')",
    ],
  };
  for (const [table, [lake, server]] of Object.entries(fingerprints)) {
    const folder = landed[`${database}/${database}.${table}`];
    assert.ok(existsSync(path.join(folder, '_SUCCESS')));
    const got = await duckdbQuery(`SELECT ${lake} FROM read_parquet('${path.join(folder, '*.parquet')}')`);
    const want = db.sql(`SET SESSION group_concat_max_len = 1 << 24; SELECT ${server} FROM ${table}`, database).trimEnd().split('\t');
    const have = got.rows[0].map(String);
    assert.deepEqual(have.slice(0, 2), want.slice(0, 2), `${table}: count and sum of id`);
    assert.equal(Number(have[2]), Number(want[2]), `${table}: sum`);
    assert.equal(have[3], want[3], `${table}: values`);
  }

  const exportIds = readdirSync(p.exports);
  assert.equal(exportIds.length, 1, `exports: ${exportIds}`);
  const s = status(p);
  assert.equal(s.runs.length, 1);
  const run = s.runs[0];
  assert.equal(run.stage, 'landed');
  assert.equal(run.instanceId, 'parking-db');
  assert.equal(run.snapshotId, 'parking-db-manual-20261201');
  assert.equal(run.tables, 2);
  assert.equal(run.rows, 900 + 2500);
  assert.equal(run.error, '');
  assert.deepEqual(s.notes.map((n) => n.outcome), ['dropped']);
  assert.match(s.notes[0].reason ?? JSON.stringify(s.notes[0]), /max_event_age|older/);
});
