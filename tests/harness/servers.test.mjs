// The harness itself: servers start on loopback and answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Postgres, Moto } from './servers.mjs';

test('shared PostgreSQL is version 15 on loopback', () => {
  const pg = Postgres.shared();
  assert.match(pg.uri, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\//);
  assert.match(pg.psql('SHOW server_version'), /^15\./);
});

test('shared moto answers S3 calls', () => {
  const moto = Moto.shared();
  moto.aws(['s3', 'mb', 's3://harness-check']);
  assert.match(moto.aws(['s3', 'ls']), /harness-check/);
  moto.aws(['s3', 'rb', 's3://harness-check']);
});
