// The Lambda package (scripts/package-lambda) is self-contained: unzipped into an otherwise empty
// root (tests/harness/sandbox.mjs: the package at /var/task, a static /bin/sh, /tmp, /proc, /dev,
// the loopback network), as Lambda's user, its bootstrap serves the export and the land function
// through a loopback Runtime API fed by a stand-in for Lambda's SQS event source
// (tests/harness/lambda_runtime.mjs), against PostgreSQL and moto. S3 is reached over HTTPS, as
// on AWS, verified with a CA bundle where Amazon Linux keeps it. What landed is read with the aws
// CLI and compared with PostgreSQL by DuckDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { awsBatch, awsCall, bucketName, listKeys } from '../harness/aws.mjs';
import { drainQueue, queueCounts, RuntimeApi } from '../harness/lambda_runtime.mjs';
import { lambdaFunction, lambdaPackage, spawnSandboxed, staticShell } from '../harness/sandbox.mjs';
import { Moto, Postgres, root, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { startTlsProxy } from '../harness/tls_proxy.mjs';
import { assertLandedLikePostgres, rdsSnsEvent, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;
const skip = !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set';

// Where Amazon Linux 2023 keeps its CA bundle (Debian's libcurl looks elsewhere by itself).
const amazonLinuxCaBundle = '/etc/pki/tls/certs/ca-bundle.crt';

test('the zip holds the bootstrap, the binary, every library ldd names and the loader, reproducibly', async () => {
  const pkg = lambdaPackage();
  const files = execFileSync('unzip', ['-Z1', pkg.zip], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(files, [...files].sort(), 'entries are sorted');
  assert.ok(files.includes('bootstrap') && files.includes('bin/snaplake'));
  const ldd = execFileSync('ldd', [snaplakeBin], { encoding: 'utf8' });
  const libraries = [...ldd.matchAll(/^\s*(\S+) => \//gm)].map((m) => m[1]);
  assert.ok(libraries.length > 20, `ldd names ${libraries.length} libraries`);
  for (const lib of [...libraries, path.basename(ldd.match(/^\s*(\/\S*ld-linux\S*)/m)[1])]) {
    assert.ok(files.includes(`lib/${lib}`), `lib/${lib} is in the zip`);
  }
  const bootstrap = readFileSync(path.join(pkg.taskRoot, 'bootstrap'), 'utf8');
  assert.match(bootstrap, /^#!\/bin\/sh\n/);
  assert.equal(statSync(path.join(pkg.taskRoot, 'bootstrap')).mode & 0o777, 0o755);
  // The packaged binary has no debug sections left.
  const sections = execFileSync('readelf', ['-S', '-W', path.join(pkg.taskRoot, 'bin/snaplake')], { encoding: 'utf8' });
  assert.doesNotMatch(sections, /\.debug_/);
  assert.match(pkg.summary, /^snaplake-lambda\.zip: \d+ bytes/);

  // In the sandbox the host's loader and libraries are out of sight: the binary started as it
  // is (its ELF interpreter /lib64/ld-linux-…) cannot start; through the packaged loader it runs.
  const sandbox = { mounts: [[pkg.taskRoot, '/var/task'], [staticShell, '/bin/sh']], tmp: tempDir('pkg-hidden-tmp-') };
  const direct = await spawnSandboxed(['/var/task/bin/snaplake', '--version'], sandbox).done;
  assert.notEqual(direct.status, 0);
  assert.match(direct.stderr, /No such file or directory/);
  const loader = readdirSync(path.join(pkg.taskRoot, 'lib')).find((f) => f.startsWith('ld-linux'));
  const packaged = await spawnSandboxed([`/var/task/lib/${loader}`, '--library-path', '/var/task/lib', '/var/task/bin/snaplake', '--version'], sandbox).done;
  assert.equal(packaged.status, 0, packaged.stderr);
  assert.match(packaged.stdout, /^snaplake /);
  // The bootstrap refuses a Handler that is no stage, naming it.
  const wrongHandler = await spawnSandboxed(['/var/task/bootstrap'], { ...sandbox, env: { LAMBDA_TASK_ROOT: '/var/task', _HANDLER: 'index.handler' } }).done;
  assert.equal(wrongHandler.status, 3);
  assert.match(wrongHandler.stderr, /Handler must be 'export' or 'land', not 'index.handler'/);

  // The same binary packaged again gives the same bytes.
  const again = tempDir('lambda-package-again-');
  const out = execFileSync(path.join(root, 'scripts/package-lambda'), ['--binary', snaplakeBin, '--out', again], { encoding: 'utf8' });
  assert.equal(out.trim().split('\n').at(-1), path.join(again, 'snaplake-lambda.zip'));
  const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
  assert.equal(sha(path.join(again, 'snaplake-lambda.zip')), sha(pkg.zip));
});

test('the package alone exports from PostgreSQL and lands in the raw zone as two Lambda functions', { skip }, async () => {
  pg.createDatabase('deploy_package');
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text, born date);
    INSERT INTO people SELECT g, 'person ' || g, DATE '1970-01-01' + g FROM generate_series(1, 700) g;
    CREATE SCHEMA care;
    CREATE TABLE care.visits (id int PRIMARY KEY, person_id bigint, cost numeric(10,2), note text);
    INSERT INTO care.visits SELECT g, g % 700 + 1, g * 1.25, CASE WHEN g % 9 = 0 THEN NULL ELSE 'note ' || g END
      FROM generate_series(1, 900) g;`, 'deploy_package');

  const pkg = lambdaPackage();
  const exportsBucket = bucketName('pkg-exports');
  const rawZone = bucketName('pkg-raw-zone');
  const tag = bucketName('pkg');
  const rawZoneKey = awsCall(moto, 'kms', 'create_key', { Description: 'raw zone' }).KeyMetadata.Arn;
  const made = awsBatch(moto, [
    ...[exportsBucket, rawZone].map((Bucket) => ({ service: 's3', method: 'create_bucket', args: { Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } } })),
    ...['events-dlq', 'tasks-dlq'].map((q) => ({ service: 'sqs', method: 'create_queue', args: { QueueName: `${tag}-${q}` } })),
  ]);
  assert.deepEqual(made.filter((r) => r?.error), []);
  const dlqArn = (url) => awsCall(moto, 'sqs', 'get_queue_attributes', { QueueUrl: url, AttributeNames: ['QueueArn'] }).Attributes.QueueArn;
  const queue = (name, dlqUrl) => awsCall(moto, 'sqs', 'create_queue', {
    QueueName: `${tag}-${name}`,
    Attributes: { VisibilityTimeout: '60', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn(dlqUrl), maxReceiveCount: 2 }) },
  }).QueueUrl;
  const urls = { eventsDlq: made[2].QueueUrl, tasksDlq: made[3].QueueUrl };
  urls.events = queue('events', urls.eventsDlq);
  urls.tasks = queue('tasks', urls.tasksDlq);

  // S3 over HTTPS: the functions verify the proxy's certificate with the bundle at Amazon
  // Linux's place. Without it, TLS fails (below).
  const tls = await startTlsProxy(moto.endpoint);
  const config = `${sqsQueueToml({ events: urls.events, tasks: urls.tasks }, { maxReceives: 2, visibility: '60s' })}path = "state/queue.db"

[export]
to = "s3://${exportsBucket}/snaplake"

[landing]
to = "s3://${rawZone}"
service_area = "unrestricted"
kms_key_id = "${rawZoneKey}"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "social-care-db"
source = "${pg.uriFor('deploy_package')}"
`;
  const functionEnv = {
    SNAPLAKE_CONFIG: '/tmp/snaplake.toml',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing-session',
    AWS_ENDPOINT_URL_S3: tls.url,
  };
  // Each function has its own /tmp, as on Lambda; the configuration sits there.
  const start = async (handler) => {
    const tmp = tempDir(`pkg-${handler}-tmp-`);
    writeFileSync(path.join(tmp, 'snaplake.toml'), config);
    const api = await RuntimeApi.start();
    const fn = lambdaFunction({ taskRoot: pkg.taskRoot, tmp, handler, api, env: functionEnv, mounts: [[tls.caFile, amazonLinuxCaBundle]] });
    return { api, fn };
  };

  const exportFn = await start('export');
  const landFn = await start('land');
  try {
    // A backup announced by RDS through SNS, and a malformed body, on the events queue.
    const event = rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' });
    const sent = awsBatch(moto, [event, '{"Type":"Notification","Message":"{\\"Event'].map((MessageBody) => (
      { service: 'sqs', method: 'send_message', args: { QueueUrl: urls.events, MessageBody } })));
    const [goodId, badId] = sent.map((s) => s.MessageId);

    // The export function: one batch with both. A retry cannot mend the malformed one, so the
    // function dead-letters it itself, with its cause (pipeline/failure_policy.h), and reports
    // nothing failed; the good one is exported.
    const exportPolls = await drainQueue(moto, exportFn.api, { queueUrl: urls.events });
    assert.equal(exportPolls[0].received, 2, exportFn.fn.output().stderr);
    assert.ok(exportPolls.every((p) => p.answer.kind === 'response' && p.failed.length === 0),
      `export polls: ${JSON.stringify(exportPolls.map((p) => p.answer))}\n${exportFn.fn.output().stderr}`);
    assert.deepEqual(queueCounts(moto, urls.events), { visible: 0, inFlight: 0, delayed: 0 });
    const dead = awsCall(moto, 'sqs', 'receive_message', { QueueUrl: urls.eventsDlq, VisibilityTimeout: 0, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] });
    assert.deepEqual(dead.Messages.map((m) => m.Body), ['{"Type":"Notification","Message":"{\\"Event']);
    assert.match(dead.Messages[0].MessageAttributes['snaplake-cause'].StringValue, /malformed message/);
    assert.notEqual(goodId, badId);

    // The export is complete in the export bucket, and its task waits on the tasks queue.
    assert.equal(queueCounts(moto, urls.tasks).visible, 1);
    const exportKeys = listKeys(moto, exportsBucket, 'snaplake/').map((o) => o.key);
    const infoKey = exportKeys.find((k) => /export_info_.*\.json$/.test(k));
    assert.ok(infoKey, `an export_info in ${exportKeys}`);
    const info = JSON.parse(awsCall(moto, 's3', 'get_object', { Bucket: exportsBucket, Key: infoKey }).Body);
    assert.equal(info.status, 'COMPLETE');
    assert.ok(tls.requests > 0, 'S3 was reached through the TLS proxy');

    // The land function takes the task from the queue and lands it.
    const landPolls = await drainQueue(moto, landFn.api, { queueUrl: urls.tasks });
    assert.equal(landPolls.length, 1, landFn.fn.output().stderr);
    assert.deepEqual(landPolls[0].answer.body, { batchItemFailures: [] }, landFn.fn.output().stderr);
    assert.deepEqual(queueCounts(moto, urls.tasks), { visible: 0, inFlight: 0, delayed: 0 });
  } finally {
    for (const f of [exportFn, landFn]) {
      await f.fn.stop();
      await f.api.close();
    }
    await tls.close();
  }

  // What landed, seen by the aws CLI: every table has _SUCCESS, every object is SSE-KMS with the
  // raw zone's key and was written with the reference's ACL.
  const landed = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', rawZone, '--output', 'json'])).Contents.map((o) => o.Key);
  const markers = landed.filter((k) => k.endsWith('/_SUCCESS'));
  assert.deepEqual(markers.map((k) => k.split('/').slice(1, 3).join('/')).sort(),
    ['deploy_package/care.visits', 'deploy_package/public.people']);
  assert.ok(landed.some((k) => k.startsWith('_snaplake/landings/')));
  const parquet = landed.find((k) => k.endsWith('.parquet'));
  const head = JSON.parse(moto.aws(['s3api', 'head-object', '--bucket', rawZone, '--key', parquet, '--output', 'json']));
  assert.equal(head.ServerSideEncryption, 'aws:kms');
  assert.equal(head.SSEKMSKeyId, rawZoneKey);

  const local = tempDir('pkg-raw-zone-');
  moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${rawZone}/`, local]);
  await assertLandedLikePostgres(pg, { lake: local }, 'deploy_package', 'public.people', ['name', 'born']);
  await assertLandedLikePostgres(pg, { lake: local }, 'deploy_package', 'care.visits', ['person_id', 'cost', 'note']);
});

test('the packaged binary verifies HTTPS endpoints: no CA bundle, or one without their CA, is refused', { skip }, async () => {
  const pkg = lambdaPackage();
  const loader = readdirSync(path.join(pkg.taskRoot, 'lib')).find((f) => f.startsWith('ld-linux'));
  const tls = await startTlsProxy(moto.endpoint);
  const stranger = await startTlsProxy(moto.endpoint); // only its certificate is used
  const exportTo = (extraMounts, extraEnv) => spawnSandboxed([`/var/task/lib/${loader}`, '--library-path', '/var/task/lib',
    '/var/task/bin/snaplake', 'export', '--source', pg.uriFor('postgres'), '--to', `s3://${bucketName('pkg-tls')}/x`], {
    mounts: [[pkg.taskRoot, '/var/task'], [staticShell, '/bin/sh'], ...extraMounts],
    tmp: tempDir('pkg-tls-tmp-'),
    env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-2', AWS_ENDPOINT_URL_S3: tls.url, ...extraEnv },
  }).done;
  try {
    // Lambda without the bootstrap's SSL_CERT_FILE: libcurl's built-in Debian path is missing.
    let r = await exportTo([], {});
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stderr, /Problem with the SSL CA cert/);
    // A bundle that does not hold the endpoint's CA.
    r = await exportTo([[stranger.caFile, amazonLinuxCaBundle]], { SSL_CERT_FILE: amazonLinuxCaBundle });
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stderr, /SSL peer certificate or SSH remote key was not OK/);
    assert.equal(tls.requests, 0);
  } finally {
    await tls.close();
    await stranger.close();
  }
});
