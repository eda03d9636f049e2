// The flags of `snaplake export` and the keys of the configuration obey one set of rules
// (ExportOptions::validate), checked before anything is created: a value the export refuses is
// refused at once, naming the flag or the key and the file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { snaplake, tempDir } from '../harness/servers.mjs';

const lastLine = (s) => s.trim().split('\n').at(-1);

function config(text) {
  const dir = tempDir('config-');
  const file = path.join(dir, 'snaplake.toml');
  writeFileSync(file, text);
  return { dir, file };
}

const instance = '[[instances]]\nid = "care"\nsource = "postgresql://app@127.0.0.1:1/care"\n';

test('jobs = 100 in the configuration is a configuration error at load, naming the key and the file', () => {
  const c = config(`[export]\njobs = 100\n\n${instance}`);
  for (const command of [['status'], ['run', '--drain'], ['snapshot', 'care']]) {
    const r = snaplake([...command, '--config', c.file]);
    assert.equal(r.status, 3, `${command[0]}: ${r.stderr}`);
    assert.equal(lastLine(r.stderr), `snaplake: ${c.file}: invalid [export] jobs 100: use 1 to 64`);
  }
  assert.ok(!existsSync(path.join(c.dir, '.snaplake')), 'no queue was created');
});

test('--compression-level 99 and --jobs 100 are refused before any export folder is created', () => {
  const root = tempDir('export-');
  const source = 'postgresql://postgres@127.0.0.1:1/nowhere';
  const level = snaplake(['export', '--source', source, '--to', root, '--export-id', 'levels', '--compression', 'zstd', '--compression-level', '99']);
  assert.equal(level.status, 2, level.stderr);
  assert.equal(lastLine(level.stderr), 'snaplake: invalid --compression-level 99: zstd levels are 1 to 22 (0: its default)');
  const jobs = snaplake(['export', '--source', source, '--to', root, '--export-id', 'jobs', '--jobs', '100']);
  assert.equal(jobs.status, 2, jobs.stderr);
  assert.equal(lastLine(jobs.stderr), 'snaplake: invalid --jobs 100: use 1 to 64');
  assert.deepEqual(readdirSync(root), [], 'nothing was written');
});

test('--type overrides are checked before any export folder is created', () => {
  const root = tempDir('export-');
  const source = 'postgresql://postgres@127.0.0.1:1/nowhere';
  const bad = snaplake(['export', '--source', source, '--to', root, '--types', 'typed', '--type', 'uuid=bytes']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.equal(lastLine(bad.stderr), 'snaplake: invalid type override uuid=bytes: uuid is string or uuid');
  const rds = snaplake(['export', '--source', source, '--to', root, '--type', 'timestamp=millis']);
  assert.equal(rds.status, 2, rds.stderr);
  assert.equal(lastLine(rds.stderr), "snaplake: invalid --type timestamp millis: type overrides apply to the typed profile only (the rds profile is AWS's mapping)");
  assert.deepEqual(readdirSync(root), [], 'nothing was written');
  const c = config('[export]\ntypes = "rds"\ntype_time = "time"\n');
  const r = snaplake(['status', '--config', c.file]);
  assert.equal(r.status, 3, r.stderr);
  assert.equal(lastLine(r.stderr), `snaplake: ${c.file}: invalid [export] type_time time: type overrides apply to the typed profile only (the rds profile is AWS's mapping)`);
});

test('a password in a configured source is refused at load, without repeating it', () => {
  const c = config('[[instances]]\nid = "care"\nsource = "postgresql://app:hunter2@db.internal/care"\n');
  const r = snaplake(['status', '--config', c.file]);
  assert.equal(r.status, 3, r.stderr);
  assert.equal(lastLine(r.stderr), `snaplake: ${c.file}: [[instances]] #1 source: the URI holds a password, and passwords never come from the configuration: give it in password_secret_arn, PGPASSWORD, ~/.pgpass or a passfile instead`);
  assert.ok(!r.stderr.includes('hunter2'));
});

test('an unknown SNAPLAKE_* variable is a warning naming it; known ones are not', () => {
  const c = config(instance);
  const r = snaplake(['status', '--config', c.file], { env: { ...process.env, SNAPLAKE_EXPORT_JOB: '4', SNAPLAKE_EXPORT_JOBS: '4' } });
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => / warn /.test(l));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0], /environment variable SNAPLAKE_EXPORT_JOB is not a snaplake setting and is ignored/);
});
