// Secrets and encryption the AWS way, on moto and PostgreSQL:
// - `export --kms-key-id` / [export] kms_key_id: every object of an export is SSE-KMS with the
//   key (head-object with awscli, an independent client); a folder target is a usage error;
// - [[instances]] password_secret_arn: the password user logs in with a Secrets Manager secret in
//   both forms (RDS's JSON, plain text); a missing secret dead-letters the event with a cause that
//   names the ARN; the password appears in no output, status or export_info; the same for a
//   MySQL instance (engine = "mysql", MariaDB).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Mariadb, Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { makePipeline, publish, rdsSnsEvent, runDrain, status } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = Moto.shared();

function seed(database, grantTo) {
  pg.createDatabase(database);
  pg.psql(`CREATE TABLE t (id int, s text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 3000) g;
           ${grantTo ? `GRANT SELECT ON t TO ${grantTo};` : ''}`, database);
}

// A Secrets Manager secret on moto holding `text` (a string, or an object as RDS's JSON form); its ARN.
function createSecret(name, text) {
  const value = typeof text === 'string' ? text : JSON.stringify(text);
  return JSON.parse(moto.aws(['secretsmanager', 'create-secret', '--name', `snaplake-${name}-${process.pid}`,
    '--secret-string', value])).ARN;
}

// The environment of moto with no PostgreSQL password of libpq's own places.
function envWithoutPgPassword() {
  const env = moto.env();
  delete env.PGPASSWORD;
  delete env.PGPASSFILE;
  return env;
}

function headObject(bucket, key) {
  return JSON.parse(moto.aws(['s3api', 'head-object', '--bucket', bucket, '--key', key]));
}

function allKeys(bucket, prefix) {
  const listed = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix]) || '{}');
  return (listed.Contents ?? []).map((o) => o.Key);
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());
}

test('export --kms-key-id writes every object of the export as SSE-KMS with that key', () => {
  seed('kms_export');
  // Hex text Snappy cannot shrink: one part above the S3 store's 8 MiB part size, so that it goes
  // as a multipart upload (the key on CreateMultipartUpload).
  pg.psql(`CREATE TABLE big (s text); INSERT INTO big SELECT md5(g::text) FROM generate_series(1, 320000) g;`, 'kms_export');
  const bucket = `kms-export-${process.pid}`;
  moto.aws(['s3', 'mb', `s3://${bucket}`]);
  const key = JSON.parse(moto.aws(['kms', 'create-key'])).KeyMetadata.KeyId;
  // The documents and small parts are PUTs and conditional PUTs, the big part a multipart upload.
  const r = snaplake(['export', '--source', pg.uriFor('kms_export'), '--to', `s3://${bucket}/exports`,
    '--export-id', 'kms-test', '--kms-key-id', key], { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  const listed = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'exports/']));
  assert.ok(listed.Contents.some((o) => o.Key.includes('public.big/') && o.Size > 8 * 1024 * 1024),
    JSON.stringify(listed.Contents.map((o) => [o.Key, o.Size])));
  const keys = allKeys(bucket, 'exports/');
  assert.ok(keys.some((k) => k.endsWith('export_info_kms-test.json')), keys.join());
  assert.ok(keys.some((k) => k.includes('export_tables_info_')), keys.join());
  assert.ok(keys.some((k) => k.endsWith('.parquet')), keys.join());
  for (const k of keys) {
    const head = headObject(bucket, k);
    assert.equal(head.ServerSideEncryption, 'aws:kms', k);
    assert.ok(head.SSEKMSKeyId.endsWith(key), `${k}: ${head.SSEKMSKeyId}`);
  }
  // Without the flag, the same export is not encrypted with the key (the assertion above means
  // something).
  const plain = snaplake(['export', '--source', pg.uriFor('kms_export'), '--to', `s3://${bucket}/plain`,
    '--export-id', 'plain-test'], { env: moto.env() });
  assert.equal(plain.status, 0, plain.stderr);
  for (const k of allKeys(bucket, 'plain/')) assert.notEqual(headObject(bucket, k).ServerSideEncryption, 'aws:kms', k);
});

test('export --kms-key-id to a folder is a usage error (exit 2) and writes nothing', () => {
  const dir = path.join(process.env.SNAPLAKE_TEST_TMP ?? '/tmp', `kms-folder-${process.pid}`);
  const r = snaplake(['export', '--source', pg.uriFor('postgres'), '--to', dir, '--kms-key-id', 'alias/x']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--kms-key-id 'alias\/x': SSE-KMS needs an s3:\/\/ destination, and --to is/);
  assert.ok(!existsSync(dir), 'the export wrote something');
});

test('[export] kms_key_id (here SNAPLAKE_EXPORT_KMS_KEY_ID) on a folder is a configuration error naming the key', () => {
  const p = makePipeline({ instances: [{ id: 'kms-db', source: pg.uriFor('postgres') }] });
  const r = snaplake(['status', '--config', p.config], { env: { ...process.env, SNAPLAKE_EXPORT_KMS_KEY_ID: 'alias/x' } });
  assert.equal(r.status, 3, r.stderr);  // a configuration error
  assert.match(r.stderr, /\[export\] kms_key_id 'alias\/x': SSE-KMS needs an s3:\/\/ destination, and \[export\] to is/);
});

test('password_secret_arn: the login comes from Secrets Manager in both forms, and the password is shown nowhere', () => {
  seed('secret_plain', 'snaplake');
  seed('secret_json', 'snaplake');
  const password = pg.password;
  const env = envWithoutPgPassword();
  const plainArn = createSecret('plain', password);
  const jsonArn = createSecret('rds', { username: 'snaplake', password, engine: 'postgres' });
  const missingArn = `arn:aws:secretsmanager:eu-west-2:123456789012:secret:snaplake-missing-${process.pid}-AbCdEf`;
  const p = makePipeline({
    prefix: 'secrets-',
    instances: [
      { id: 'plain-db', source: pg.uriFor('secret_plain', 'snaplake'), extra: [`password_secret_arn = "${plainArn}"`] },
      // RDS's JSON form names the user: the URI need not.
      { id: 'json-db', source: pg.uriFor('secret_json', 'snaplake'), extra: [`password_secret_arn = "${jsonArn}"`] },
      { id: 'missing-db', source: pg.uriFor('secret_plain', 'snaplake'), extra: [`password_secret_arn = "${missingArn}"`] },
      // The control: the same user without a secret cannot log in (scram), so the two above did
      // log in with the secrets' passwords.
      { id: 'none-db', source: pg.uriFor('secret_plain', 'snaplake') },
    ],
  });
  for (const id of ['plain-db', 'json-db', 'missing-db', 'none-db']) {
    publish(p, rdsSnsEvent({ sourceId: `${id}-manual-20261201`, code: 'RDS-EVENT-0042' }));
  }
  // Two of the four instances are meant to dead-letter: the drain says so by exiting 10.
  const r = runDrain(p, [], env, 10);
  const runs = status(p);
  const byInstance = Object.fromEntries(runs.runs.map((run) => [run.instanceId, run]));
  const text = JSON.stringify(runs);
  assert.equal(byInstance['plain-db'].stage, 'landed', text);
  assert.equal(byInstance['json-db'].stage, 'landed', text);
  assert.notEqual(byInstance['none-db'].stage, 'landed', text);
  assert.match(text, new RegExp(`cannot read the Secrets Manager secret '${missingArn}'.*ResourceNotFoundException`));
  // Nowhere: not in the output, the status, nor any file the pipeline wrote.
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'password in the output');
  assert.ok(!text.includes(password), 'password in the status');
  for (const file of [...filesUnder(p.exports), ...filesUnder(path.join(p.dir, 'state'))]) {
    assert.ok(!readFileSync(file).includes(password), `password in ${file}`);
  }
});

test('password_secret_arn: a MySQL instance logs in with the secret, and the password is shown nowhere', () => {
  const db = Mariadb.shared();
  db.createDatabase('secret_mysql');
  db.sql('CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(40)); INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_2000;', 'secret_mysql');
  const password = db.password;
  const env = moto.env();
  delete env.MYSQL_PWD;
  const arn = createSecret('mysql', { username: 'snaplake', password, engine: 'mysql' });
  const source = db.uriFor('secret_mysql', 'snaplake');
  const p = makePipeline({
    prefix: 'secrets-mysql-',
    instances: [
      { id: 'mysql-db', engine: 'mysql', source, extra: [`password_secret_arn = "${arn}"`] },
      // The control: the same user without the secret (no MYSQL_PWD, no option file) is refused.
      { id: 'mysql-none', engine: 'mysql', source },
    ],
  });
  for (const id of ['mysql-db', 'mysql-none']) publish(p, rdsSnsEvent({ sourceId: `${id}-manual-20261201`, code: 'RDS-EVENT-0042' }));
  const r = runDrain(p, [], { ...env, HOME: p.dir }, 10);
  const runs = status(p);
  const byInstance = Object.fromEntries(runs.runs.map((run) => [run.instanceId, run]));
  const text = JSON.stringify(runs);
  assert.equal(byInstance['mysql-db'].stage, 'landed', text);
  assert.equal(byInstance['mysql-db'].rows, 2000, text);
  assert.notEqual(byInstance['mysql-none'].stage, 'landed', text);
  assert.match(text, /Access denied for user 'snaplake'/);
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'password in the output');
  assert.ok(!text.includes(password), 'password in the status');
  for (const file of [...filesUnder(p.exports), ...filesUnder(path.join(p.dir, 'state'))]) {
    assert.ok(!readFileSync(file).includes(password), `password in ${file}`);
  }
});

test('snaplake export --password-secret-arn logs in with the secret; --iam-auth is checked like the configuration', () => {
  seed('secret_cli', 'snaplake');
  const password = pg.password;
  const env = envWithoutPgPassword();
  const arn = createSecret('cli', { username: 'snaplake', password, engine: 'postgres' });
  const source = pg.uriFor('secret_cli', 'snaplake');
  const root = tempDir('secrets-cli-');
  const r = snaplake(['export', '--source', source, '--to', root, '--export-id', 'cli', '--password-secret-arn', arn, '--json'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).tables.map((t) => [t.target, t.rows]), [['secret_cli.public.t', 3000]]);
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'password in the output');
  for (const file of filesUnder(root)) assert.ok(!readFileSync(file).includes(password), `password in ${file}`);
  // The control: without the secret the same user is refused (exit 7).
  const refused = snaplake(['export', '--source', source, '--to', tempDir('secrets-cli-'), '--export-id', 'cli'], { env });
  assert.equal(refused.status, 7, refused.stderr);
  // A missing secret: a clear error naming it, before anything is exported.
  const missing = `arn:aws:secretsmanager:eu-west-2:123456789012:secret:snaplake-cli-missing-${process.pid}-AbCdEf`;
  const none = tempDir('secrets-cli-');
  const m = snaplake(['export', '--source', source, '--to', none, '--password-secret-arn', missing], { env });
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, new RegExp(`cannot read the Secrets Manager secret '${missing}'.*ResourceNotFoundException`));
  assert.deepEqual(readdirSync(none), []);
  // The rules of [[instances]] iam_auth, in the flags' names (exit 2, nothing written).
  const usage = (args, pattern) => {
    const to = tempDir('secrets-cli-');
    const u = snaplake(['export', '--to', to, ...args], { env });
    assert.equal(u.status, 2, u.stderr);
    assert.match(u.stderr, pattern);
    assert.deepEqual(readdirSync(to), []);
  };
  usage(['--source', source, '--iam-auth'], /invalid --source: --iam-auth needs TLS: add \?sslmode=require .*\(it has none\)/);
  usage(['--source', `${source}?sslmode=require`, '--iam-auth', '--password-secret-arn', arn], /invalid --iam-auth: use either --iam-auth or --password-secret-arn, not both/);
  usage(['--source', 'mysql://app@db.example:3306/shop?ssl-mode=REQUIRED', '--iam-auth'], /invalid --iam-auth: is not supported for engine "mysql" yet/);
});
