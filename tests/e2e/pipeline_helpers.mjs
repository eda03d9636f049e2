// Shared pieces of the pipeline's end-to-end tests (pipeline_*.test.mjs): a configuration on
// embedded defaults (SQLite queue, local folders), events in the exact form AWS delivers them,
// and checks of what landed, read back with DuckDB and compared with PostgreSQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { duckdbQuery } from '../harness/readers.mjs';

// Events are recent, as a live one is: the native engine drops an event older than [export]
// max_event_age (a day by default) rather than export today's data as that snapshot. The base is
// half an hour ago, on a whole minute; eventTime(m) is m minutes after it.
export const eventBase = new Date(Math.floor(Date.now() / 60000) * 60000 - 30 * 60000);
export const eventTime = (minutes = 0, ms = 3511) => new Date(eventBase.getTime() + minutes * 60000 + ms);
// As RDS's notifications say it: '2026-11-25 09:14:03.511' (UTC).
export const rdsTime = (date) => date.toISOString().replace('T', ' ').replace('Z', '');
// As an export id carries it: '20261125t091403'.
export const idStamp = (date) => date.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();

// An RDS event notification as SQS receives it from an SNS subscription (no raw delivery): the
// SNS envelope whose Message is the RDS event as a JSON string.
export function rdsSnsEvent({ sourceType = 'db-snapshot', sourceId, code = 'RDS-EVENT-0042',
  message = 'Manual snapshot created', time = rdsTime(eventTime()) }) {
  const link = sourceType === 'db-instance' ? `dbinstance:id=${sourceId}` : `snapshot:id=${sourceId}`;
  const arnKind = sourceType === 'db-instance' ? 'db' : 'snapshot';
  const rds = {
    'Event Source': sourceType,
    'Event Time': time,
    'Identifier Link': `https://console.aws.amazon.com/rds/home?region=eu-west-2#${link}`,
    'Source ID': sourceId,
    'Source ARN': `arn:aws:rds:eu-west-2:123456789012:${arnKind}:${sourceId}`,
    'Event ID': `http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#${code}`,
    'Event Message': message,
  };
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '2f6f8b5c-1d0a-5f43-9d3e-6f1d2c3b4a59',
    TopicArn: 'arn:aws:sns:eu-west-2:123456789012:rds-snapshot-events',
    Subject: 'RDS Notification Message',
    Message: JSON.stringify(rds),
    Timestamp: new Date(Date.parse(`${time.replace(' ', 'T')}Z`) + 591).toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
    SigningCertURL: 'https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem',
    UnsubscribeURL: 'https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-2:123456789012:rds-snapshot-events:b1d4a2e3',
  });
}

// A pipeline folder with snaplake.toml; instances: [{ id, source, engine (default postgres), extra: [more key lines] }]; the leases of export and
// landing attempts when given (e.g. '3s', so that a duplicate's wait is short in a test).
export function makePipeline({ instances, visibility = '20s', maxReceives = 3, prefix = 'pipeline-',
  exportLease, landingLease }) {
  const dir = tempDir(prefix);
  const lines = [
    '[queue]',
    'path = "state/queue.db"',
    `visibility_timeout = "${visibility}"`,
    `max_receives = ${maxReceives}`,
    '',
    '[export]',
    'to = "exports"',
    'jobs = 2',
    ...(exportLease ? [`lease = "${exportLease}"`] : []),
    '',
    '[landing]',
    'to = "lake"',
    ...(landingLease ? [`lease = "${landingLease}"`] : []),
    '',
  ];
  for (const i of instances) {
    lines.push('[[instances]]', `id = "${i.id}"`, `engine = "${i.engine ?? 'postgres'}"`, `source = "${i.source}"`,
      ...(i.extra ?? []), '');
  }
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, lines.join('\n'));
  return { dir, config, exports: path.join(dir, 'exports'), lake: path.join(dir, 'lake') };
}

// Puts one message body on the events queue, as it is.
export function publish(p, body) {
  const file = path.join(p.dir, `message-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, body);
  const r = snaplake(['snapshot', '--config', p.config, '--message-file', file]);
  assert.equal(r.status, 0, r.stderr);
}

export function status(p) {
  const r = snaplake(['status', '--config', p.config, '--json', '--limit', '100']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// expected: the exit status; 10 when the run dead-letters (docs/commands.md, "Exit codes").
export function runDrain(p, extra = [], env = process.env, expected = 0) {
  const r = snaplake(['run', '--config', p.config, '--drain', ...extra], { env });
  assert.equal(r.status, expected, `snaplake run exited ${r.status}: ${r.stderr}`);
  return r;
}

// Runs snaplake without blocking the event loop; resolves { status, signal, stdout, stderr }.
export function snaplakeAsync(args, options = {}) {
  const child = spawn(snaplakeBin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  // 'close', not 'exit': only then have the pipes delivered everything the process wrote.
  const done = new Promise((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

// Every partition folder under lake that has _SUCCESS: { '<db>/<schema>.<table>': folder }.
export function landedPartitions(lake, serviceArea = 'unrestricted') {
  const out = {};
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === '_SUCCESS') {
        const rel = path.relative(path.join(lake, serviceArea), d).split(path.sep);
        const key = `${rel[0]}/${rel[1]}`;
        assert.equal(out[key], undefined, `two landed partitions for ${key}`);
        out[key] = d;
      }
    }
  };
  if (existsSync(path.join(lake, serviceArea))) walk(path.join(lake, serviceArea));
  return out;
}

export function parquetFiles(folder) {
  return readdirSync(folder).filter((f) => f.endsWith('.parquet')).sort();
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// One table's fingerprint read from Parquet by DuckDB: count, sum of id, and every value of the
// other columns in id order, as text.
export async function duckdbFingerprint(folder, columns) {
  const glob = sqlString(path.join(folder, '*.parquet'));
  const agg = columns.map((c) => `string_agg(coalesce(CAST("${c}" AS VARCHAR), '<null>'), '|' ORDER BY id)`).join(', ');
  const { rows } = await duckdbQuery(
    `SELECT count(*)::BIGINT, coalesce(sum(id), 0)::BIGINT, ${agg} FROM read_parquet(${glob})`);
  return rows[0].map((v) => (typeof v === 'bigint' ? Number(v) : v));
}

// The same fingerprint computed by PostgreSQL from the source table.
export function pgFingerprint(pg, database, table, columns) {
  const agg = columns.map((c) => `string_agg(coalesce("${c}"::text, '<null>'), '|' ORDER BY id)`).join(', ');
  const out = pg.psql(`SELECT count(*), coalesce(sum(id), 0), ${agg} FROM ${table}`, database).trimEnd();
  const fields = out.split('|');
  // psql -A separates columns with '|' too: split into count, sum and the aggregates in order.
  const count = Number(fields[0]);
  const sum = Number(fields[1]);
  const rest = out.slice(fields[0].length + fields[1].length + 2);
  return { count, sum, rest };
}

// Asserts that table `table` (schema.table) of `database` landed exactly once with exactly the
// rows PostgreSQL has.
export async function assertLandedLikePostgres(pg, p, database, table, columns) {
  const partitions = landedPartitions(p.lake);
  const folder = partitions[`${database}/${table}`];
  assert.ok(folder, `${database}/${table} has no landed partition with _SUCCESS (have: ${Object.keys(partitions)})`);
  const [count, sum, ...aggs] = await duckdbFingerprint(folder, columns);
  const expected = pgFingerprint(pg, database, table, columns);
  assert.equal(count, expected.count, `${table}: row count`);
  assert.equal(sum, expected.sum, `${table}: sum of id`);
  assert.equal(aggs.join('|'), expected.rest, `${table}: values`);
  return { folder, count };
}

export function readJson(file) { return JSON.parse(readFileSync(file, 'utf8')); }

// The [queue] section of a configuration on SQS (moto): the queue URLs given (events, tasks,
// eventsDlq, tasksDlq), max_receives, and the visibility timeout when one is given.
export function sqsQueueToml(urls, { maxReceives = 3, visibility } = {}) {
  const lines = ['[queue]', 'backend = "sqs"'];
  for (const [key, name] of [['events', 'events_url'], ['tasks', 'tasks_url'],
    ['eventsDlq', 'events_dlq_url'], ['tasksDlq', 'tasks_dlq_url']]) {
    if (urls[key]) lines.push(`${name} = "${urls[key]}"`);
  }
  lines.push(`max_receives = ${maxReceives}`);
  if (visibility) lines.push(`visibility_timeout = "${visibility}"`);
  return lines.join('\n') + '\n';
}
