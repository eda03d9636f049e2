// `snaplake export --to s3://bucket/prefix`: the same layout written through the S3 store
// (moto), checked with awscli as an independent client.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Moto, Postgres, snaplake } from '../harness/servers.mjs';

test('an export to s3:// writes the RDS layout under the prefix and nothing else', () => {
  const pg = Postgres.shared();
  const moto = Moto.shared();
  pg.createDatabase('export_s3');
  pg.psql(`CREATE TABLE t (id int, s text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
           CREATE TABLE p (id int) PARTITION BY RANGE (id);
           CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
           CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);
           INSERT INTO p SELECT generate_series(0, 19);`, 'export_s3');
  const bucket = `export-s3-${process.pid}`;
  moto.aws(['s3', 'mb', `s3://${bucket}`]);
  const r = snaplake(['export', '--source', pg.uriFor('export_s3'), '--to', `s3://${bucket}/exports`, '--export-id', 's3-test'],
    { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(moto.aws(['s3', 'cp', `s3://${bucket}/exports/s3-test/export_info_s3-test.json`, '-']));
  assert.equal(info.status, 'COMPLETE');
  assert.equal(info.s3Bucket, bucket);
  assert.equal(info.s3Prefix, 'exports');
  assert.equal(info.exportedFilesPath, 'exports/s3-test');
  const tablesInfo = JSON.parse(moto.aws(['s3', 'cp', `s3://${bucket}/exports/s3-test/export_tables_info_s3-test_from_1_to_2.json`, '-']));
  const files = tablesInfo.perTableStatus.flatMap((t) => t.tableStatistics.files);
  const listed = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'exports/'])).Contents
    .map((o) => [o.Key, o.Size]);
  const expected = files.map((f) => [`exports/${f.key}`, f.bytes]);
  expected.push(['exports/s3-test/export_info_s3-test.json', listed.find(([k]) => k.endsWith('export_info_s3-test.json'))[1]]);
  expected.push(['exports/s3-test/export_tables_info_s3-test_from_1_to_2.json', listed.find(([k]) => k.includes('export_tables_info'))[1]]);
  assert.deepEqual(listed.sort(), expected.sort());
  assert.deepEqual(files.map((f) => f.key).sort(), [
    's3-test/export_s3/public.p/1/part-00000-s3-test-c000.snappy.parquet',
    's3-test/export_s3/public.p/2/part-00000-s3-test-c000.snappy.parquet',
    's3-test/export_s3/public.t/1/part-00000-s3-test-c000.snappy.parquet',
  ]);
  assert.deepEqual(tablesInfo.perTableStatus.map((t) => [t.target, t.tableStatistics.rowCount]).sort(),
    [['export_s3.public.p', 20], ['export_s3.public.t', 1000]]);
});
