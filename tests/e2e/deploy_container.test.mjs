// The container image for long exports (deploy/container/Containerfile, FROM scratch) is tested
// by its file tree: scripts/package-container-rootfs lays it out, and bubblewrap runs it as the
// image's root, read-only, with only /tmp writable, /proc, /dev and the loopback network, as the
// Containerfile's USER, with its ENV, ENTRYPOINT and CMD read from the Containerfile itself. The
// worker (`snaplake run --drain`) takes a snapshot event from SQS (moto), exports PostgreSQL to
// S3 and lands it; what landed is read with the aws CLI and compared with PostgreSQL by DuckDB.
// (This sandbox's podman needs flags a test should not depend on: docs/deploy-aws.md.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { awsBatch, awsCall, bucketName } from '../harness/aws.mjs';
import { spawnSandboxed } from '../harness/sandbox.mjs';
import { Moto, Postgres, root, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { assertLandedLikePostgres, rdsSnsEvent, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;

// The instructions of the Containerfile that say how the image runs.
function containerfile() {
  const text = readFileSync(path.join(root, 'deploy/container/Containerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const arg = (name) => lines.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
  const env = Object.fromEntries(arg('ENV').flatMap((l) => [...l.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])));
  const [uid, gid] = arg('USER')[0].split(':').map(Number);
  return { from: arg('FROM'), entrypoint: JSON.parse(arg('ENTRYPOINT')[0]), cmd: JSON.parse(arg('CMD')[0]), env, uid, gid, workdir: arg('WORKDIR')[0] };
}

test('the container image runs `snaplake run` as a non-root user from a scratch image with nothing but the package', { skip: !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set' }, async () => {
  const image = containerfile();
  assert.deepEqual(image.from, ['scratch']);
  assert.ok(image.uid > 0 && image.gid > 0, 'USER is not root');
  assert.deepEqual(image.entrypoint.slice(1), ['--library-path', '/opt/snaplake/lib', '/opt/snaplake/bin/snaplake', 'run']);

  const rootfs = path.join(tempDir('container-'), 'rootfs');
  execFileSync(path.join(root, 'scripts/package-container-rootfs'), ['--binary', snaplakeBin, rootfs], { stdio: ['ignore', 'ignore', 'inherit'] });
  assert.equal(readlinkSync(path.join(rootfs, 'opt/snaplake/loader')).startsWith('lib/ld-linux'), true);
  assert.equal(statSync(path.join(rootfs, 'tmp')).mode & 0o7777, 0o1777);
  assert.match(readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8'), new RegExp(`^snaplake:x:${image.uid}:${image.gid}:`, 'm'));
  // No shell, no program besides snaplake and its loader.
  assert.throws(() => lstatSync(path.join(rootfs, 'bin/sh')));
  const programs = execFileSync('find', [rootfs, '-type', 'f', '-perm', '-u+x'], { encoding: 'utf8' }).trim().split('\n').map((f) => path.relative(rootfs, f)).sort();
  assert.deepEqual(programs.filter((f) => !f.startsWith('opt/snaplake/lib/')), ['opt/snaplake/bin/snaplake']);

  pg.createDatabase('deploy_container');
  pg.psql(`CREATE TABLE people (id bigint PRIMARY KEY, name text, born date);
           INSERT INTO people SELECT g, 'person ' || g, DATE '1980-01-01' + g FROM generate_series(1, 1500) g;`, 'deploy_container');
  const exportsBucket = bucketName('container-exports');
  const rawZone = bucketName('container-raw-zone');
  const tag = bucketName('container');
  const made = awsBatch(moto, [
    ...[exportsBucket, rawZone].map((Bucket) => ({ service: 's3', method: 'create_bucket', args: { Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } } })),
    ...['events', 'tasks'].map((q) => ({ service: 'sqs', method: 'create_queue', args: { QueueName: `${tag}-${q}` } })),
  ]);
  assert.deepEqual(made.filter((r) => r?.error), []);
  const [events, tasks] = [made[2].QueueUrl, made[3].QueueUrl];
  awsCall(moto, 'sqs', 'send_message', {
    QueueUrl: events,
    MessageBody: rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }),
  });

  // The configuration, its folder mounted read-only where the image's CMD looks for it.
  const configInside = image.cmd[image.cmd.indexOf('--config') + 1];
  const configDir = tempDir('container-config-');
  writeFileSync(path.join(configDir, path.basename(configInside)), `${sqsQueueToml({ events, tasks }, { visibility: '60s' })}
[export]
to = "s3://${exportsBucket}/exports"

[landing]
to = "s3://${rawZone}"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "social-care-db"
source = "${pg.uriFor('deploy_container')}"
`);
  // The image's top-level folders, read-only, on bwrap's empty root (which holds the mount
  // points of /proc and /dev that a scratch image lacks); /tmp is the sandbox's own.
  const tree = readdirSync(rootfs).filter((n) => n !== 'tmp').map((n) => [path.join(rootfs, n), `/${n}`]);
  const run = spawnSandboxed([...image.entrypoint, ...image.cmd, '--drain'], {
    mounts: [...tree, [configDir, path.dirname(configInside)]],
    tmp: tempDir('container-tmp-'),
    uid: image.uid,
    gid: image.gid,
    chdir: image.workdir,
    env: {
      ...image.env,
      AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-2', AWS_ENDPOINT_URL: moto.endpoint,
    },
  });
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /drained: 2 messages done, 0 retried, 0 dead-lettered/);

  const local = tempDir('container-lake-');
  moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${rawZone}/`, local]);
  await assertLandedLikePostgres(pg, { lake: local }, 'deploy_container', 'public.people', ['name', 'born']);
});
