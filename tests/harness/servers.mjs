// Test-side access to the throwaway servers that scripts/test starts (and to private ones a
// test starts for itself, e.g. to restart or break them). Wraps pg.sh, mariadb.sh and moto.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = process.env.SNAPLAKE_ROOT ?? path.resolve(here, '../..');
export const snaplakeBin = process.env.SNAPLAKE_BIN ?? path.join(root, 'build/snaplake');

// A fresh temporary folder under the test run's folder.
export function tempDir(prefix = 'case-') {
  const base = process.env.SNAPLAKE_TEST_TMP ?? tmpdir();
  return mkdtempSync(path.join(base, prefix));
}

export class Postgres {
  constructor(dir, uri) {
    this.dir = dir;
    this.uri = uri; // superuser URI, database "postgres"
  }

  // The shared server of this test run (started by scripts/test), or a private one.
  static shared() {
    if (process.env.SNAPLAKE_TEST_PG_URI) {
      return new Postgres(process.env.SNAPLAKE_TEST_PG_DIR, process.env.SNAPLAKE_TEST_PG_URI);
    }
    if (!Postgres._own) Postgres._own = Postgres.start();
    return Postgres._own;
  }

  // A private server for a test that must restart or stop it; call stop() when done.
  static start() {
    const dir = tempDir('pg-');
    const uri = execFileSync(path.join(here, 'pg.sh'), ['start', dir], { encoding: 'utf8' }).trim();
    const pg = new Postgres(dir, uri);
    pg.owned = true;
    return pg;
  }

  get port() { return Number(readFileSync(path.join(this.dir, 'port'), 'utf8').trim()); }
  get password() { return readFileSync(path.join(this.dir, 'password'), 'utf8').trim(); }

  // URI of another database (and optionally another user) on this server.
  uriFor(database, user = 'postgres') {
    return `postgresql://${user}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  // Runs SQL with psql (ON_ERROR_STOP); returns stdout (unaligned, tuples only).
  psql(sql, database = 'postgres') {
    const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', this.uriFor(database)],
      { input: sql, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout;
  }

  // Creates a fresh database (dropping one of that name) and returns its URI.
  createDatabase(name) {
    this.psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE); CREATE DATABASE "${name}";`);
    return this.uriFor(name);
  }

  restart() { execFileSync(path.join(here, 'pg.sh'), ['restart', this.dir]); }
  stop() { execFileSync(path.join(here, 'pg.sh'), ['stop', this.dir]); }
}

export class Mariadb {
  constructor(dir, uri) {
    this.dir = dir;
    this.uri = uri; // admin URI (root, no database)
  }

  // The shared server of this test run (started by scripts/test), or a private one.
  static shared() {
    if (process.env.SNAPLAKE_TEST_MYSQL_URI) {
      return new Mariadb(process.env.SNAPLAKE_TEST_MYSQL_DIR, process.env.SNAPLAKE_TEST_MYSQL_URI);
    }
    if (!Mariadb._own) Mariadb._own = Mariadb.start();
    return Mariadb._own;
  }

  // A private server for a test that must restart or stop it; call stop() when done.
  static start() {
    const dir = tempDir('mariadb-');
    const uri = execFileSync(path.join(here, 'mariadb.sh'), ['start', dir], { encoding: 'utf8' }).trim();
    const server = new Mariadb(dir, uri);
    server.owned = true;
    return server;
  }

  get port() { return Number(readFileSync(path.join(this.dir, 'port'), 'utf8').trim()); }
  get password() { return readFileSync(path.join(this.dir, 'password'), 'utf8').trim(); }

  // URI of a database (and optionally another user) on this server.
  uriFor(database = '', user = 'root') {
    return `mysql://${user}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  // Runs SQL with the mariadb client as root (batch mode, no column names, stops at the first
  // error); returns stdout: one line per row, tab-separated, NULL as "NULL", special characters
  // escaped as the client's --batch does (\t, \n, \\, \0). The session is in UTC.
  sql(sql, database = '') {
    const args = ['--no-defaults', '-h', '127.0.0.1', '-P', String(this.port), '-u', 'root',
      '--batch', '--skip-column-names', '--default-character-set=utf8mb4',
      "--init-command=SET time_zone = '+00:00'"];
    if (database) args.push(database);
    const r = spawnSync('mariadb', args, { input: sql, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`mariadb failed: ${r.stderr}`);
    return r.stdout;
  }

  // Creates a fresh database (dropping one of that name) and returns its URI.
  createDatabase(name) {
    const quoted = '`' + name.replaceAll('`', '``') + '`';
    this.sql(`DROP DATABASE IF EXISTS ${quoted}; CREATE DATABASE ${quoted};`);
    return this.uriFor(name);
  }

  restart() { execFileSync(path.join(here, 'mariadb.sh'), ['restart', this.dir]); }
  stop() { execFileSync(path.join(here, 'mariadb.sh'), ['stop', this.dir]); }
}

export class Moto {
  constructor(dir, endpoint) {
    this.dir = dir;
    this.endpoint = endpoint;
  }

  static shared() {
    if (process.env.SNAPLAKE_TEST_S3_ENDPOINT) return new Moto(null, process.env.SNAPLAKE_TEST_S3_ENDPOINT);
    if (!Moto._own) Moto._own = Moto.start();
    return Moto._own;
  }

  // A private moto; with authAfter=N it verifies signatures after its first N calls.
  static start(authAfter) {
    const dir = tempDir('moto-');
    const args = ['start', dir];
    if (authAfter !== undefined) args.push(String(authAfter));
    const endpoint = execFileSync(path.join(here, 'moto.sh'), args, { encoding: 'utf8' }).trim();
    return new Moto(dir, endpoint);
  }

  stop() { if (this.dir) execFileSync(path.join(here, 'moto.sh'), ['stop', this.dir]); }

  // Environment for snaplake or awscli talking to this moto.
  env(extra = {}) {
    return {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-west-2',
      AWS_DEFAULT_REGION: 'eu-west-2',
      AWS_ENDPOINT_URL: this.endpoint,
      ...extra,
    };
  }

  // Runs the aws CLI against this moto; returns stdout.
  aws(args, extraEnv = {}) {
    const r = spawnSync('aws', ['--endpoint-url', this.endpoint, ...args],
      { env: this.env(extraEnv), encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }
}

// Runs snaplake; returns { status, stdout, stderr }.
export function snaplake(args, options = {}) {
  const r = spawnSync(snaplakeBin, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
