// One AWS session for every client of a pipeline (src/pipeline/session.h): a recording proxy in
// front of moto sees every request of an SQS + S3 pipeline run (queues, the export bucket, the
// raw-zone bucket, the notification) signed for the region [aws] names, although AWS_REGION says
// another, and sent to the endpoint [aws] names, although AWS_ENDPOINT_URL says another. Before,
// S3 and the notification took the AWS variables: on real AWS a pipeline configured for one
// region signed its S3 requests for another, which moto never checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import * as aws from '../harness/aws.mjs';
import { FaultProxy } from '../harness/faultproxy.mjs';
import { Moto, Postgres, tempDir } from '../harness/servers.mjs';
import { rdsSnsEvent, snaplakeAsync, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = Moto.shared();
const REGION = 'eu-west-3';

test('every request of an SQS + S3 pipeline run is signed for [aws] region and sent to [aws] endpoint_url', async () => {
  pg.createDatabase('aws_session');
  pg.psql('CREATE TABLE people (id int PRIMARY KEY, name text); INSERT INTO people SELECT g, md5(g::text) FROM generate_series(1, 500) g;', 'aws_session');
  // moto keeps SQS queues per region: make them in the configured one.
  const inRegion = { ...moto, env: (extra = {}) => moto.env({ AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION, ...extra }) };
  const [exportsBucket, lakeBucket] = [aws.bucketName('session-exports'), aws.bucketName('session-raw')];
  aws.createBuckets(moto, [exportsBucket, lakeBucket]);
  const queue = (name) => aws.awsCall(inRegion, 'sqs', 'create_queue', { QueueName: `${name}-${process.pid}` }).QueueUrl;
  const urls = { events: queue('session-events'), tasks: queue('session-tasks'), eventsDlq: queue('session-events-dlq'), tasksDlq: queue('session-tasks-dlq') };
  const notices = queue('session-notices');

  const proxy = await FaultProxy.start(moto.endpoint);
  try {
    const dir = tempDir('aws-session-');
    const config = path.join(dir, 'snaplake.toml');
    writeFileSync(config, `${sqsQueueToml(urls)}
[export]
to = "s3://${exportsBucket}/exports"

[landing]
to = "s3://${lakeBucket}"
notify = "sqs:${notices}"

[aws]
region = "${REGION}"
endpoint_url = "${proxy.url}"

[[instances]]
id = "session-db"
source = "${pg.uriFor('aws_session')}"
`);
    // The AWS variables say another region and point straight at moto: the configuration wins.
    const env = moto.env({ AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-2', AWS_ENDPOINT_URL: moto.endpoint });
    aws.awsCall(inRegion, 'sqs', 'send_message', {
      QueueUrl: urls.events,
      MessageBody: rdsSnsEvent({ sourceId: 'rds:session-db-2026-12-01-10-00', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' }),
    });
    // Asynchronously: the proxy runs in this process, and must go on answering meanwhile.
    const r = await snaplakeAsync(['run', '--config', config, '--drain'], { env }).done;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /drained: 2 messages done, 0 retried, 0 dead-lettered/);
    const s = await snaplakeAsync(['status', '--config', config, '--json'], { env }).done;
    assert.equal(JSON.parse(s.stdout).runs[0].stage, 'landed');

    const byService = {};
    for (const entry of proxy.log) {
      assert.equal(entry.region, REGION, `${entry.method} ${entry.url} (${entry.target ?? entry.service}) was signed for ${entry.region}`);
      byService[entry.service] = (byService[entry.service] ?? 0) + 1;
    }
    // Every kind of client went through the proxy: SQS (queues and the notification) and S3.
    assert.ok(byService.sqs >= 6, JSON.stringify(byService));
    assert.ok(byService.s3 >= 10, JSON.stringify(byService));
    assert.deepEqual(Object.keys(byService).sort(), ['s3', 'sqs']);
    const notified = aws.awsCall(inRegion, 'sqs', 'receive_message', { QueueUrl: notices, WaitTimeSeconds: 0 });
    assert.equal((notified.Messages ?? []).length, 1, 'the landing notice arrived');
  } finally {
    await proxy.close();
  }
});
