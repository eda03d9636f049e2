// Run state every worker shares (docs/run-state.md), against moto: an SQS + S3 pipeline served by
// two `snaplake run` processes, each with its own working directory and configuration file (two
// "hosts", nothing local in common), a manual `snaplake land --config` from a third, and
// `snaplake status` from that third directory showing the same runs, causes and dead letters as
// from the first. Looking at status changes nothing: the dead letter's ApproximateReceiveCount,
// read with the aws CLI before and after two looks, grows only by the aws CLI's own receive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { rdsSnsEvent, snaplakeAsync, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;

test('SQS + S3: two hosts and a manual landing share one run state; looking at it changes no dead letter', { skip: !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set' }, async () => {
  for (const db of ['shared_state_care', 'shared_state_payroll']) {
    pg.createDatabase(db);
    pg.psql(`CREATE TABLE people (id bigint PRIMARY KEY, name text);
             INSERT INTO people SELECT g, 'p' || g FROM generate_series(1, 300) g;`, db);
  }
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const exportsBucket = `shared-state-exports-${tag}`;
  const lakeBucket = `shared-state-lake-${tag}`;
  for (const b of [exportsBucket, lakeBucket]) {
    moto.aws(['s3api', 'create-bucket', '--bucket', b, '--create-bucket-configuration', 'LocationConstraint=eu-west-2']);
  }
  const queue = (name) => JSON.parse(moto.aws(['sqs', 'create-queue', '--queue-name', `${name}-${tag}`, '--output', 'json'])).QueueUrl;
  const urls = { events: queue('ss-events'), tasks: queue('ss-tasks'), eventsDlq: queue('ss-events-dlq'), tasksDlq: queue('ss-tasks-dlq') };

  // Three hosts: the same settings, each file in its own folder, each process started there.
  const configText = `${sqsQueueToml(urls, { visibility: '60s' })}path = "state/queue.db"

[export]
to = "s3://${exportsBucket}/snaplake"

[landing]
to = "s3://${lakeBucket}"
service_area = "unrestricted"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "care-db"
source = "${pg.uriFor('shared_state_care')}"

[[instances]]
id = "payroll-db"
source = "${pg.uriFor('shared_state_payroll')}"
`;
  const host = (name) => {
    const dir = tempDir(`shared-state-${name}-`);
    writeFileSync(path.join(dir, 'snaplake.toml'), configText);
    return { dir, config: path.join(dir, 'snaplake.toml') };
  };
  const [a, b, c] = [host('a'), host('b'), host('c')];
  const status = (h) => {
    const r = snaplake(['status', '--config', h.config, '--json'], { env: moto.env(), cwd: h.dir });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  const send = (body) => JSON.parse(moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body', body, '--output', 'json'])).MessageId;
  send(rdsSnsEvent({ sourceId: 'rds:care-db-2026-11-25-09-10', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' }));
  send(rdsSnsEvent({ sourceId: 'rds:payroll-db-2026-11-25-09-12', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' }));
  const badId = send('{"Type":"Notification","Message":"{\\"Event Sour');

  // Both hosts export at once, each from its own directory.
  const exporters = [a, b].map((h) => snaplakeAsync(['run', '--config', h.config, '--stage', 'export', '--drain'], { env: moto.env(), cwd: h.dir }));
  const exported = await Promise.all(exporters.map((e) => e.done));
  // The host that took the malformed message dead-lettered it, and its drain says so (exit 10);
  // the other host may say so too, since a drain counts the dead-letter queue's growth during
  // its run, whoever made it (docs/commands.md, "run --drain").
  const statuses = exported.map((r) => r.status);
  assert.ok(statuses.includes(10) && statuses.every((x) => x === 0 || x === 10), `${statuses}\n${exported.map((r) => r.stderr).join('\n')}`);

  // Host C takes one task off the queue and lands it by hand; host B lands the other.
  const taken = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.tasks, '--visibility-timeout', '60', '--output', 'json'])).Messages[0];
  const task = JSON.parse(taken.Body);
  moto.aws(['sqs', 'delete-message', '--queue-url', urls.tasks, '--receipt-handle', taken.ReceiptHandle]);
  assert.equal(status(c).runs.find((r) => r.exportId === task.ExportTaskIdentifier).stage, 'exported');
  const manual = snaplake(['land', '--export', task.ExportLocation, '--to', `s3://${lakeBucket}`, '--config', c.config],
    { env: moto.env(), cwd: c.dir });
  assert.equal(manual.status, 0, manual.stderr);
  const landed = await snaplakeAsync(['run', '--config', b.config, '--stage', 'land', '--drain'], { env: moto.env(), cwd: b.dir }).done;
  assert.equal(landed.status, 0, landed.stderr);
  assert.match(landed.stdout, /drained: 1 messages done, 0 retried, 0 dead-lettered/);

  // Nothing was written beside the configurations: run state is in the export bucket.
  const statusKeys = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', exportsBucket, '--prefix', 'snaplake/_snaplake/status/', '--output', 'json'])).Contents.map((o) => o.Key);
  assert.ok(statusKeys.some((k) => k.startsWith('snaplake/_snaplake/status/runs/')), statusKeys.join('\n'));
  assert.ok(statusKeys.some((k) => k.startsWith('snaplake/_snaplake/status/dead-letters/')), statusKeys.join('\n'));

  // Host C sees what A and B did, and the same as A sees.
  const fromC = status(c);
  assert.equal(fromC.state, `s3://${exportsBucket}/snaplake/_snaplake/status`);
  assert.deepEqual(fromC.runs.map((r) => [r.instanceId, r.stage]).sort(), [['care-db', 'landed'], ['payroll-db', 'landed']]);
  for (const r of fromC.runs) {
    assert.equal(r.tables, 1);
    assert.equal(r.rows, 300);
    assert.equal(r.exportLocation, `s3://${exportsBucket}/snaplake/${r.exportId}`);
  }
  assert.equal(fromC.deadLetters.length, 1);
  assert.equal(fromC.deadLetters[0].messageId, badId);
  assert.equal(fromC.deadLetters[0].queue, 'events');
  assert.match(fromC.deadLetters[0].cause, /^invalid input: malformed message/);
  assert.equal(fromC.deadLetters[0].body, '{"Type":"Notification","Message":"{\\"Event Sour');
  assert.equal(fromC.queues.events.dead, 1);
  assert.ok(fromC.notes.some((n) => n.outcome === 'dead-lettered' && n.messageId === badId));
  const fromA = status(a);
  const comparable = (s) => ({ runs: s.runs, deadLetters: s.deadLetters, queues: s.queues });
  assert.deepEqual(comparable(fromA), comparable(fromC));

  // The dead letter's receive count, read with the aws CLI (its receive raises it by one), does
  // not move for two looks of status in between.
  const receiveCount = () => {
    const m = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.eventsDlq, '--visibility-timeout', '0',
      '--attribute-names', 'ApproximateReceiveCount', '--output', 'json'])).Messages;
    assert.equal(m.length, 1);
    assert.equal(m[0].Body, fromC.deadLetters[0].body);
    return Number(m[0].Attributes.ApproximateReceiveCount);
  };
  const before = receiveCount();
  status(c);
  status(a);
  const after = receiveCount();
  assert.equal(after, before + 1, `status received from the dead-letter queue: ${before} -> ${after}`);

  // Redriven from another host by the id status shows: it is back in the events queue, and no
  // host's status lists it any more (the record went with it).
  const redriven = snaplake(['redrive', '--config', a.config, '--id', badId], { env: moto.env(), cwd: a.dir });
  assert.equal(redriven.status, 0, redriven.stderr);
  assert.match(redriven.stdout, /^events: 1 redriven$/m);
  const afterRedrive = status(c);
  assert.deepEqual(afterRedrive.deadLetters, []);
  assert.equal(afterRedrive.queues.events.dead, 0);
  assert.equal(afterRedrive.queues.events.visible, 1);
  const back = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.events, '--output', 'json'])).Messages;
  assert.equal(back.length, 1);
  assert.equal(back[0].Body, fromC.deadLetters[0].body);
  const deadKeys = (JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', exportsBucket, '--prefix', 'snaplake/_snaplake/status/dead-letters/', '--output', 'json'])).Contents ?? []);
  assert.deepEqual(deadKeys, []);
});
