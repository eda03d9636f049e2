// `snaplake lambda export|land` against the loopback stand-in for the AWS Lambda Runtime API
// (tests/harness/lambda_runtime.mjs): it hands out one SQS batch per invocation and records the
// function's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { RuntimeApi, sqsRecord } from '../harness/lambda_runtime.mjs';
import { Postgres, tempDir } from '../harness/servers.mjs';
import { assertLandedLikePostgres, makePipeline, rdsSnsEvent, snaplakeAsync, status } from './pipeline_helpers.mjs';

const pg = Postgres.shared();

test('lambda export then lambda land: SQS batches with partial batch failures', async () => {
  pg.createDatabase('pipeline_lambda');
  pg.psql(`CREATE TABLE people (id bigint PRIMARY KEY, name text);
           INSERT INTO people SELECT g, 'p' || g FROM generate_series(1, 400) g;`, 'pipeline_lambda');
  const p = makePipeline({ instances: [{ id: 'social-care-db', source: pg.uriFor('pipeline_lambda') }] });
  const env = { ...process.env, AWS_LAMBDA_RUNTIME_API: '', SNAPLAKE_CONFIG: p.config };

  const exportApi = await RuntimeApi.start([{
    Records: [
      sqsRecord('11111111-aaaa', rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' })),
      sqsRecord('22222222-bbbb', '{"Type":"Notification","Message":"{\\"Event'),
      sqsRecord('33333333-cccc', rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'payroll-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' })),
    ],
  }]);
  try {
    const fn = snaplakeAsync(['lambda', 'export', '--max-invocations', '1'], { env: { ...env, AWS_LAMBDA_RUNTIME_API: exportApi.address } });
    const r = await fn.done;
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(exportApi.answers, [{ id: 'req-1', kind: 'response', body: { batchItemFailures: [{ itemIdentifier: '22222222-bbbb' }] }, errorType: undefined }]);
  } finally {
    await exportApi.close();
  }

  // The export-task message went to the tasks queue; hand the same contract to the land function.
  const s = status(p);
  assert.equal(s.queues.tasks.visible, 1);
  const exportId = s.runs[0].exportId;
  assert.equal(s.runs[0].stage, 'exported');
  assert.deepEqual(readdirSync(p.exports), [exportId]);
  const task = {
    ExportTaskIdentifier: exportId,
    ExportBucket: p.exports,
    Engine: 'postgres',
    InstanceId: 'social-care-db',
    ExportLocation: path.join(p.exports, exportId),
  };
  const landApi = await RuntimeApi.start([
    { Records: [sqsRecord('44444444-dddd', JSON.stringify(task)), sqsRecord('55555555-eeee', '{"ExportBucket":"b"}', '2')] },
  ]);
  try {
    const fn = snaplakeAsync(['lambda', 'land', '--config', p.config, '--max-invocations', '1'], { env: { ...env, AWS_LAMBDA_RUNTIME_API: landApi.address } });
    const r = await fn.done;
    assert.equal(r.status, 0, r.stderr);
    // The metrics, as CloudWatch Embedded Metric Format lines on stdout (docs/operations.md):
    // every stdout line is one, and the landing and its instance's last-landing time are there.
    const emf = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    for (const line of emf) {
      const [directive] = line._aws.CloudWatchMetrics;
      assert.equal(directive.Namespace, 'snaplake');
      assert.ok(Number.isInteger(line._aws.Timestamp));
      for (const d of directive.Dimensions[0]) assert.equal(typeof line[d], 'string', JSON.stringify(line));
      assert.equal(typeof line[directive.Metrics[0].Name], 'number', JSON.stringify(line));
    }
    const metric = (name, dims = {}) => emf.filter((l) => l._aws.CloudWatchMetrics[0].Metrics[0].Name === name &&
      Object.entries(dims).every(([k, v]) => l[k] === v));
    assert.equal(metric('snaplake_landings_total', { outcome: 'landed' }).length, 1);
    assert.equal(metric('snaplake_landed_rows_total')[0].snaplake_landed_rows_total, 400);
    assert.equal(metric('snaplake_last_landing_timestamp_seconds', { instance: 'social-care-db' }).length, 1);
    assert.equal(metric('snaplake_messages_total', { queue: 'tasks', outcome: 'done' }).length, 1);
    assert.deepEqual(landApi.answers.map((a) => [a.id, a.kind, a.body]),
      [['req-1', 'response', { batchItemFailures: [{ itemIdentifier: '55555555-eeee' }] }]]);
  } finally {
    await landApi.close();
  }
  await assertLandedLikePostgres(pg, p, 'pipeline_lambda', 'public.people', ['name']);
  assert.equal(status(p).runs[0].stage, 'landed');
});

test('lambda reports a configuration error as an init error', async () => {
  const api = await RuntimeApi.start([]);
  try {
    const fn = snaplakeAsync(['lambda', 'export', '--config', '/nonexistent/snaplake.toml', '--max-invocations', '1'],
      { env: { ...process.env, AWS_LAMBDA_RUNTIME_API: api.address } });
    const r = await fn.done;
    assert.equal(r.status, 3, r.stderr);
    assert.equal(api.answers.length, 1);
    assert.equal(api.answers[0].kind, 'init-error');
    assert.match(api.answers[0].body.errorMessage, /nonexistent\/snaplake\.toml/);
    assert.equal(api.answers[0].body.errorType, 'snaplake.configuration');
  } finally {
    await api.close();
  }
});

// A loopback stand-in for the two RDS answers moto cannot give (its snapshots are available and
// its export tasks complete at once): a snapshot still being created and an export task still
// running. Query protocol: a form-encoded POST with Action=…; answers in RDS's XML.
async function rdsStandIn() {
  const actions = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      actions.push(form.get('Action'));
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      if (form.get('Action') === 'DescribeDBSnapshots') {
        res.end(`<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><DBSnapshots><DBSnapshot>
          <DBSnapshotIdentifier>${form.get('DBSnapshotIdentifier')}</DBSnapshotIdentifier>
          <DBInstanceIdentifier>care-db</DBInstanceIdentifier><Status>creating</Status><PercentProgress>40</PercentProgress>
          <DBSnapshotArn>arn:aws:rds:eu-west-2:123456789012:snapshot:${form.get('DBSnapshotIdentifier')}</DBSnapshotArn>
          </DBSnapshot></DBSnapshots></DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>`);
      } else if (form.get('Action') === 'DescribeExportTasks') {
        res.end(`<DescribeExportTasksResponse><DescribeExportTasksResult><ExportTasks><ExportTask>
          <ExportTaskIdentifier>${form.get('ExportTaskIdentifier')}</ExportTaskIdentifier><Status>IN_PROGRESS</Status>
          <PercentProgress>35</PercentProgress><S3Bucket>rds-exports</S3Bucket>
          </ExportTask></ExportTasks></DescribeExportTasksResult></DescribeExportTasksResponse>`);
      } else {
        res.writeHead(400);
        res.end('<ErrorResponse><Error><Code>InvalidAction</Code><Message>not here</Message></Error></ErrorResponse>');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, actions, endpoint: `http://127.0.0.1:${server.address().port}` };
}

test('lambda export and land wait for RDS by re-queueing with a delay, not by failing the message', async () => {
  const rds = await rdsStandIn();
  const dir = tempDir('pipeline-lambda-rds-');
  const p = { dir, config: path.join(dir, 'snaplake.toml') };
  writeFileSync(p.config, `
[queue]
path = "state/queue.db"
max_receives = 3

[aws]
region = "eu-west-2"
endpoint_url = "${rds.endpoint}"

[[instances]]
id = "care-db"
engine = "rds"
iam_role_arn = "arn:aws:iam::123456789012:role/rds-s3-export"
kms_key_id = "k"
export_bucket = "rds-exports"
`);
  const env = {
    ...process.env, SNAPLAKE_CONFIG: p.config, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
  };
  const invoke = async (stage, records) => {
    const api = await RuntimeApi.start([{ Records: records }]);
    try {
      const fn = snaplakeAsync(['lambda', stage, '--max-invocations', '1'], { env: { ...env, AWS_LAMBDA_RUNTIME_API: api.address } });
      const r = await fn.done;
      assert.equal(r.status, 0, r.stderr);
      return api.answers;
    } finally {
      await api.close();
    }
  };
  try {
    // The snapshot is still being created: the event goes back on the events queue, delayed, and
    // the invocation succeeds (Lambda deletes the message it delivered).
    let answers = await invoke('export', [sqsRecord('aaaa-1111', rdsSnsEvent({ sourceId: 'care-db-manual-1', code: 'RDS-EVENT-0042' }))]);
    assert.deepEqual(answers.map((a) => [a.kind, a.body]), [['response', { batchItemFailures: [] }]]);
    let s = status(p);
    assert.equal(s.queues.events.delayed, 1);
    assert.equal(s.queues.events.visible + s.queues.events.dead, 0);
    assert.equal(s.runs[0].stage, 'pending');
    assert.match(s.notes[0].detail, /RDS snapshot 'care-db-manual-1' still creating \(40%\) \(check 1\)/);

    // The export task is still running: the task message goes back on the tasks queue, delayed.
    answers = await invoke('land', [sqsRecord('bbbb-2222', JSON.stringify({ ExportTaskIdentifier: 'care-export-1', ExportBucket: 'rds-exports' }))]);
    assert.deepEqual(answers.map((a) => [a.kind, a.body]), [['response', { batchItemFailures: [] }]]);
    s = status(p);
    assert.equal(s.queues.tasks.delayed, 1);
    assert.equal(s.queues.tasks.visible + s.queues.tasks.dead, 0);
    assert.equal(s.runs.find((r) => r.exportId === 'care-export-1').stage, 'waiting');
    assert.match(s.notes[0].detail, /RDS export task 'care-export-1' still IN_PROGRESS \(35%\)/);
    assert.deepEqual(rds.actions.filter((a) => a !== 'DescribeDBSnapshots' && a !== 'DescribeExportTasks'), []);
  } finally {
    rds.server.close();
  }
});
