// The harness itself: servers start on loopback and answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mariadb, Postgres, Moto } from './servers.mjs';

test('shared PostgreSQL is version 15 on loopback', () => {
  const pg = Postgres.shared();
  assert.match(pg.uri, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\//);
  assert.match(pg.psql('SHOW server_version'), /^15\./);
});

test('shared MariaDB is 10.11 on loopback, its sessions in UTC through sql()', () => {
  const db = Mariadb.shared();
  assert.match(db.uri, /^mysql:\/\/root@127\.0\.0\.1:\d+\/$/);
  assert.equal(db.sql('SELECT @@bind_address, @@time_zone, @@global.time_zone'), '127.0.0.1\t+00:00\t+05:30\n');
  assert.match(db.sql('SELECT VERSION()'), /^10\.11\./);
});

test('shared moto answers S3 calls', () => {
  const moto = Moto.shared();
  moto.aws(['s3', 'mb', 's3://harness-check']);
  assert.match(moto.aws(['s3', 'ls']), /harness-check/);
  moto.aws(['s3', 'rb', 's3://harness-check']);
});
