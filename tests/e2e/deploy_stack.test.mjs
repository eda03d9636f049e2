// deploy/cloudformation/snaplake.yaml, deployed on moto: the zip uploaded, the stack created with
// `aws cloudformation create-stack`, its outputs read, and a snapshot run through the stack's
// own topic or EventBridge rule, queues and buckets to _SUCCESS. moto creates the functions and
// their event source mappings but cannot run a function's code (that needs Docker), so the
// functions run as the package of deploy_package.test.mjs (tests/harness/sandbox.mjs) with the
// Handler and the environment the stack gave them, and the test plays Lambda's SQS poller
// (tests/harness/lambda_runtime.mjs) with the mappings' batch size. moto's own mappings are
// disabled first: without Docker, moto would receive each message, fail to invoke and put it
// back, raising its receive count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { awsBatch, awsCall, bucketName, listKeys } from '../harness/aws.mjs';
import { drainQueue, queueCounts, RuntimeApi } from '../harness/lambda_runtime.mjs';
import { lambdaFunction, lambdaPackage } from '../harness/sandbox.mjs';
import { Moto, Postgres, root, tempDir } from '../harness/servers.mjs';
import { assertLandedLikePostgres, rdsSnsEvent } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;
const skip = !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set';
const templateFile = path.join(root, 'deploy/cloudformation/snaplake.yaml');

test('the template passes cfn-lint', () => {
  const r = execFileSync('cfn-lint', ['--format', 'parseable', templateFile], { encoding: 'utf8' });
  assert.equal(r.trim(), '');
});

// The template's resources: [{ id, type, condition }] (every resource is `  Id:`, then
// `    Type: AWS::…`, then its `    Condition:` if it has one, in this template).
function templateResources() {
  const text = readFileSync(templateFile, 'utf8');
  const body = text.slice(text.indexOf('\nResources:\n'), text.indexOf('\nOutputs:\n'));
  return [...body.matchAll(/^ {2}(\w+):\n {4}Type: (AWS::\S+)\n(?: {4}Condition: (\w+)\n)?/gm)]
    .map((m) => ({ id: m[1], type: m[2], condition: m[3] }));
}

async function createStack(stack, parameters) {
  cfn(['create-stack', '--stack-name', stack, '--template-body', `file://${templateFile}`,
    '--capabilities', 'CAPABILITY_NAMED_IAM',
    // The JSON form: a value may hold JSON itself (Instances), which the shorthand cannot quote.
    '--parameters', JSON.stringify(Object.entries(parameters).map(([k, v]) => ({ ParameterKey: k, ParameterValue: String(v) })))]);
  moto.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', stack]);
  const described = cfn(['describe-stacks', '--stack-name', stack]).Stacks[0];
  assert.equal(described.StackStatus, 'CREATE_COMPLETE');
  const created = Object.fromEntries(cfn(['describe-stack-resources', '--stack-name', stack]).StackResources
    .filter((r) => r.LogicalResourceId && r.PhysicalResourceId).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]));
  return { outputs: Object.fromEntries(described.Outputs.map((o) => [o.OutputKey, o.OutputValue])), created };
}

// The zip in a bucket of its own, where the stack's CodeBucket and CodeKey find it.
function uploadCode(bucket, key, zip) {
  const r = awsBatch(moto, [
    { service: 's3', method: 'create_bucket', args: { Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } } },
    { service: 's3', method: 'put_object', args: { Bucket: bucket, Key: key, BodyFile: zip } },
  ]);
  assert.deepEqual(r.filter((x) => x?.error), []);
}

// A role's inline policy as moto keeps it (the Fn::If branches resolved; a Python rendering,
// not JSON): enough to look for an action.
const policy = (role, name) => String(awsCall(moto, 'iam', 'get_role_policy', { RoleName: role, PolicyName: name }).PolicyDocument);

function deleteStack(stack) {
  cfn(['delete-stack', '--stack-name', stack]);
  moto.aws(['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', stack]);
}

const cfn = (args) => JSON.parse(moto.aws(['cloudformation', ...args, '--output', 'json']) || '{}');

async function deployAndRun(t, { name, parameters, instanceDb, publish, landingBucket, landingKey, snapshotRule, glueDatabase }) {
  // The zip alone: the functions' configuration is their environment, the instance included
  // (the Instances parameter, SNAPLAKE_INSTANCES).
  const pkg = lambdaPackage({});
  const codeBucket = bucketName('stack-code');
  const codeKey = `snaplake-lambda-${createHash('sha256').update(readFileSync(pkg.zip)).digest('hex').slice(0, 16)}.zip`;
  uploadCode(codeBucket, codeKey, pkg.zip);

  const stack = `${name}-${process.pid}`;
  // The Glue database the platform owns (snaplake registers tables in it, never creates it).
  if (glueDatabase) awsCall(moto, 'glue', 'create_database', { DatabaseInput: { Name: glueDatabase } });
  const { outputs: out, created } = await createStack(stack, {
    CodeBucket: codeBucket, CodeKey: codeKey,
    Instances: JSON.stringify([{ id: 'social-care-db', source: pg.uriFor(instanceDb) }]), ...parameters,
    ...(glueDatabase ? { GlueDatabase: glueDatabase } : {}),
  });
  for (const key of ['EventsQueueUrl', 'TasksQueueUrl', 'ExportBucketName', 'ExportFunctionName', 'LandFunctionName', 'RdsEventsTopicArn']) {
    assert.ok(out[key], `output ${key}`);
  }

  try {
    // What moto made of each resource.
    const missing = templateResources().filter((r) => !created[r.id]);
    t.diagnostic(`${stack}: moto created ${Object.keys(created).length} resources; not created: ${
      missing.map((r) => `${r.id} (${r.type}${r.condition ? `, condition ${r.condition}` : ''})`).join(', ')}`);
    for (const id of ['DataKey', 'ExportBucket', 'EventsQueue', 'EventsDeadLetterQueue', 'TasksQueue', 'TasksDeadLetterQueue',
      'RdsEventsTopic', 'SnapshotEventsRule', 'ExportCompletedRule', 'ExportFunctionRole', 'LandFunctionRole',
      'ExportFunction', 'LandFunction', 'ExportEventSource', 'LandEventSource']) {
      assert.ok(created[id], `moto created ${id}`);
    }

    // The stack as moto keeps it, read in one batch.
    const [eventsQueue, eventsDlq, tasksQueue, tasksDlq, encryption, exportConfig, landConfig, esms, snapshots, completed,
      exportPolicy, landPolicy] = awsBatch(moto, [
      ...['EventsQueueUrl', 'EventsDeadLetterQueueUrl', 'TasksQueueUrl', 'TasksDeadLetterQueueUrl'].map((k) => (
        { service: 'sqs', method: 'get_queue_attributes', args: { QueueUrl: out[k], AttributeNames: ['All'] } })),
      { service: 's3', method: 'get_bucket_encryption', args: { Bucket: out.ExportBucketName } },
      ...['ExportFunctionName', 'LandFunctionName'].map((k) => ({ service: 'lambda', method: 'get_function_configuration', args: { FunctionName: out[k] } })),
      { service: 'lambda', method: 'list_event_source_mappings', args: {} },
      ...['snapshots', 'export-completed'].map((n) => ({ service: 'events', method: 'describe_rule', args: { Name: `${stack}-${n}` } })),
      { service: 'iam', method: 'get_role_policy', args: { RoleName: `${stack}-export-function`, PolicyName: 'export' } },
      { service: 'iam', method: 'get_role_policy', args: { RoleName: `${stack}-land-function`, PolicyName: 'land' } },
    ]);

    // The queues' dead-letter queues and visibility, the export bucket's key. SQS allows one
    // receive more than snaplake's max_receives (for the function to record a message that
    // only ever crashed or timed out).
    for (const [queue, dlq] of [[eventsQueue, eventsDlq], [tasksQueue, tasksDlq]]) {
      assert.deepEqual(JSON.parse(queue.Attributes.RedrivePolicy),
        { deadLetterTargetArn: dlq.Attributes.QueueArn, maxReceiveCount: Number(parameters.MaxReceiveCount ?? 4) + 1 });
      assert.equal(queue.Attributes.VisibilityTimeout, '5400');
    }
    assert.deepEqual(encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault,
      { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: out.DataKeyArn });

    // Without EnableRdsEngine and SubnetIds, the roles hold no rds, iam or ec2 action (moto keeps
    // inline policies with the Fn::If branches resolved, in a Python rendering, not as JSON).
    for (const p of [exportPolicy, landPolicy]) assert.doesNotMatch(String(p.PolicyDocument), /'(rds|iam|ec2):/);
    // With GlueDatabase, the land role may register in that database only; without, no glue action.
    assert.doesNotMatch(String(exportPolicy.PolicyDocument), /'glue:/);
    if (glueDatabase) {
      assert.match(String(landPolicy.PolicyDocument), /'glue:BatchCreatePartition'/);
      assert.match(String(landPolicy.PolicyDocument), new RegExp(`table/${glueDatabase}/\\*`));
    } else {
      assert.doesNotMatch(String(landPolicy.PolicyDocument), /'glue:/);
    }

    // The functions: the runtime, the Handler that picks the stage, 15 minutes; their mappings
    // take one message at a time from the right queue and report batch item failures. Then
    // moto's mappings are switched off (see the top).
    const functions = { export: exportConfig, land: landConfig };
    for (const [stage, f] of Object.entries(functions)) {
      assert.equal(f.Runtime, 'provided.al2023');
      assert.equal(f.Handler, stage);
      assert.equal(f.Timeout, 900);
    }
    const mappings = esms.EventSourceMappings.filter((m) => [exportConfig, landConfig].some((f) => f.FunctionArn === m.FunctionArn));
    const mappingOf = (stage) => mappings.find((m) => m.FunctionArn === functions[stage].FunctionArn);
    assert.equal(mappings.length, 2);
    assert.equal(mappingOf('export').EventSourceArn, eventsQueue.Attributes.QueueArn);
    assert.equal(mappingOf('land').EventSourceArn, tasksQueue.Attributes.QueueArn);
    for (const m of mappings) {
      assert.deepEqual(m.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.equal(m.BatchSize, 1);
    }
    const disabled = awsBatch(moto, mappings.map((m) => ({ service: 'lambda', method: 'update_event_source_mapping', args: { UUID: m.UUID, Enabled: false } })));
    assert.deepEqual(disabled.filter((r) => r?.error), []);

    // The rules' states follow EventRoute and ForwardExportCompletion. (moto keeps a rule's
    // State but delivers the events of disabled rules too, so the test sends only by the
    // stack's route.)
    assert.equal(snapshots.State, snapshotRule);
    assert.equal(completed.State, 'DISABLED');
    assert.deepEqual(JSON.parse(snapshots.EventPattern).detail.EventID,
      ['RDS-EVENT-0042', 'RDS-EVENT-0091', 'RDS-EVENT-0075', 'RDS-EVENT-0169']);
    assert.deepEqual(JSON.parse(completed.EventPattern).detail.EventID, ['RDS-EVENT-0161']);

    // The snapshot event arrives by the stack's route.
    publish(out);
    assert.equal(queueCounts(moto, out.EventsQueueUrl).visible, 1, 'one event on the events queue');

    // The functions, as Lambda would run them: the stack's Handler and environment.
    const start = async (stage) => {
      const api = await RuntimeApi.start();
      const env = Object.fromEntries(Object.entries(functions[stage].Environment.Variables).map(([k, v]) => [k, String(v)]));
      const tmp = tempDir(`stack-${stage}-tmp-`);
      const fn = lambdaFunction({
        taskRoot: pkg.taskRoot, tmp, handler: functions[stage].Handler, api, functionName: functions[stage].FunctionName,
        env: { ...env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing', AWS_ENDPOINT_URL: moto.endpoint },
      });
      return { api, fn, tmp };
    };
    const exportFn = await start('export');
    const landFn = await start('land');
    try {
      const exported = await drainQueue(moto, exportFn.api, { queueUrl: out.EventsQueueUrl, batchSize: mappingOf('export').BatchSize });
      assert.equal(exported.length, 1, exportFn.fn.output().stderr);
      assert.deepEqual(exported[0].answer.body, { batchItemFailures: [] }, exportFn.fn.output().stderr);
      assert.equal(queueCounts(moto, out.TasksQueueUrl).visible, 1);
      const landed = await drainQueue(moto, landFn.api, { queueUrl: out.TasksQueueUrl, batchSize: mappingOf('land').BatchSize });
      assert.equal(landed.length, 1, landFn.fn.output().stderr);
      assert.deepEqual(landed[0].answer.body, { batchItemFailures: [] }, landFn.fn.output().stderr);
      // Run state in the export bucket, which every host and both functions reach
      // (docs/run-state.md); nothing local, not even under /tmp.
      assert.ok(!existsSync(path.join(landFn.tmp, 'snaplake/status.db')));
      const runKeys = listKeys(moto, out.ExportBucketName).map((o) => o.key).filter((k) => k.startsWith('exports/_snaplake/status/runs/'));
      assert.equal(runKeys.length, 1, runKeys.join(' '));
      const run = JSON.parse(awsCall(moto, 's3', 'get_object', { Bucket: out.ExportBucketName, Key: runKeys[0] }).Body);
      assert.equal(run.stage, 'landed');
    } finally {
      for (const f of [exportFn, landFn]) {
        await f.fn.stop();
        await f.api.close();
      }
    }
    for (const url of [out.EventsQueueUrl, out.TasksQueueUrl, out.EventsDeadLetterQueueUrl, out.TasksDeadLetterQueueUrl]) {
      assert.deepEqual(queueCounts(moto, url), { visible: 0, inFlight: 0, delayed: 0 }, url);
    }

    // The export in the stack's export bucket, under its prefix, with the stack's key.
    const exportKeys = listKeys(moto, out.ExportBucketName).map((o) => o.key);
    assert.ok(exportKeys.length > 0 && exportKeys.every((k) => k.startsWith('exports/')), exportKeys.join(' '));
    const exportFile = exportKeys.find((k) => k.endsWith('.parquet'));
    const exportHead = awsCall(moto, 's3', 'head_object', { Bucket: out.ExportBucketName, Key: exportFile });
    assert.equal(exportHead.ServerSideEncryption, 'aws:kms');
    assert.equal(exportHead.SSEKMSKeyId, out.DataKeyArn);

    // The landing: _SUCCESS for every table, the landing key, read back with the aws CLI and
    // compared with PostgreSQL by DuckDB.
    const bucket = landingBucket ?? out.LandingRoot.replace('s3://', '');
    assert.equal(out.LandingRoot, `s3://${bucket}`);
    const keys = listKeys(moto, bucket).map((o) => o.key);
    assert.deepEqual(keys.filter((k) => k.endsWith('/_SUCCESS')).map((k) => k.split('/').slice(0, 3).join('/')).sort(),
      [`unrestricted/${instanceDb}/care.visits`, `unrestricted/${instanceDb}/public.people`]);
    const landedHead = awsCall(moto, 's3', 'head_object', { Bucket: bucket, Key: keys.find((k) => k.endsWith('.parquet')) });
    assert.equal(landedHead.SSEKMSKeyId, landingKey ?? out.DataKeyArn);
    const local = tempDir('stack-lake-');
    moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${bucket}/`, local]);
    await assertLandedLikePostgres(pg, { lake: local }, instanceDb, 'public.people', ['name']);
    await assertLandedLikePostgres(pg, { lake: local }, instanceDb, 'care.visits', ['person_id', 'note']);

    if (glueDatabase) {
      // Registered by the land function with the stack's environment: each table, named as the
      // crawler would, located in the raw zone, with the landing's partition.
      for (const [table, folder] of [['public_people', 'public.people'], ['care_visits', 'care.visits']]) {
        const got = awsCall(moto, 'glue', 'get_table', { DatabaseName: glueDatabase, Name: table }).Table;
        assert.equal(got.StorageDescriptor.Location, `s3://${bucket}/unrestricted/${instanceDb}/${folder}/`);
        assert.deepEqual(got.PartitionKeys.map((k) => k.Name), ['import_year', 'import_month', 'import_day', 'import_date']);
        const partitions = awsCall(moto, 'glue', 'get_partitions', { DatabaseName: glueDatabase, TableName: table }).Partitions;
        assert.equal(partitions.length, 1, `${table}: ${JSON.stringify(partitions)}`);
      }
    }
  } finally {
    deleteStack(stack);
  }
}

function loadDatabase(name) {
  pg.createDatabase(name);
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text);
    INSERT INTO people SELECT g, 'person ' || g FROM generate_series(1, 500) g;
    CREATE SCHEMA care;
    CREATE TABLE care.visits (id int PRIMARY KEY, person_id bigint, note text);
    INSERT INTO care.visits SELECT g, g % 500 + 1, 'note ' || g FROM generate_series(1, 800) g;`, name);
}

// An automated snapshot announced on EventBridge's default bus, as RDS sends it.
// A recent snapshot: the native engine drops an event older than [export] max_event_age.
function putSnapshotEvent() {
  const id = 'rds:social-care-db-2026-11-25-09-10';
  const r = awsCall(moto, 'events', 'put_events', {
    Entries: [{
      Source: 'aws.rds', DetailType: 'RDS DB Snapshot Event', Resources: [`arn:aws:rds:eu-west-2:123456789012:snapshot:${id}`],
      Detail: JSON.stringify({
        EventCategories: ['creation'], SourceType: 'SNAPSHOT', SourceArn: `arn:aws:rds:eu-west-2:123456789012:snapshot:${id}`,
        Date: new Date().toISOString(), SourceIdentifier: id, Message: 'Automated snapshot created', EventID: 'RDS-EVENT-0091',
      }),
    }],
  });
  assert.equal(r.FailedEntryCount, 0);
}

test('the stack on moto, the reference route: RDS event subscription → SNS → events queue → export → tasks → land in a raw zone named by parameters', { skip }, async (t) => {
  loadDatabase('deploy_stack');
  // The raw-zone bucket and its key, which the data platform's account would own.
  const rawZone = bucketName('stack-raw-zone');
  moto.aws(['s3api', 'create-bucket', '--bucket', rawZone, '--create-bucket-configuration', 'LocationConstraint=eu-west-2']);
  const rawZoneKey = awsCall(moto, 'kms', 'create_key', { Description: 'raw zone' }).KeyMetadata.Arn;
  await deployAndRun(t, {
    name: 'snaplake-sns',
    instanceDb: 'deploy_stack',
    parameters: { InstanceIds: 'social-care-db,payroll-db', RawZoneBucketName: rawZone, RawZoneKmsKeyArn: rawZoneKey },
    glueDatabase: `raw_zone_${process.pid}`,
    landingBucket: rawZone,
    landingKey: rawZoneKey,
    snapshotRule: 'DISABLED',
    publish: (out) => {
      // RDS publishes the backup to the topic (moto creates no RDS event subscription); SNS
      // delivers it to the events queue in its envelope.
      const rds = JSON.parse(JSON.parse(rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' })).Message);
      awsCall(moto, 'sns', 'publish', { TopicArn: out.RdsEventsTopicArn, Subject: 'RDS Notification Message', Message: JSON.stringify(rds) });
    },
  });
});

test('the stack on moto with its defaults and the EventBridge route: its own landing bucket, encrypted with its key', { skip }, async (t) => {
  loadDatabase('deploy_stack');
  await deployAndRun(t, {
    name: 'snaplake-eb',
    instanceDb: 'deploy_stack',
    parameters: { EventRoute: 'eventbridge' },
    snapshotRule: 'ENABLED',
    publish: () => putSnapshotEvent(),
  });
});

test('the stack on moto with the rds engine and a VPC: the export role RDS uses, and the rds and VPC statements', { skip }, async () => {
  const pkg = lambdaPackage();
  const codeBucket = bucketName('stack-code');
  uploadCode(codeBucket, 'snaplake-lambda.zip', pkg.zip);
  const vpc = awsCall(moto, 'ec2', 'create_vpc', { CidrBlock: '10.20.0.0/16' }).Vpc.VpcId;
  const subnet = awsCall(moto, 'ec2', 'create_subnet', { VpcId: vpc, CidrBlock: '10.20.1.0/24' }).Subnet.SubnetId;
  const group = awsCall(moto, 'ec2', 'create_security_group', { VpcId: vpc, GroupName: bucketName('sg'), Description: 'snaplake' }).GroupId;
  const stack = `snaplake-rds-${process.pid}`;
  const { outputs: out, created } = await createStack(stack, {
    CodeBucket: codeBucket, CodeKey: 'snaplake-lambda.zip', EnableRdsEngine: 'true', SubnetIds: subnet, SecurityGroupIds: group,
  });
  try {
    assert.ok(created.RdsExportRole);
    assert.equal(out.RdsExportRoleArn, `arn:aws:iam::123456789012:role/${stack}-rds-export`);
    const trust = awsCall(moto, 'iam', 'get_role', { RoleName: `${stack}-rds-export` }).Role.AssumeRolePolicyDocument;
    assert.equal(trust.Statement[0].Principal.Service, 'export.rds.amazonaws.com');
    const exportPolicy = policy(`${stack}-export-function`, 'export');
    for (const action of ['rds:DescribeDBSnapshots', 'rds:StartExportTask', 'rds:DescribeExportTasks', 'iam:PassRole', 'kms:CreateGrant', 'ec2:CreateNetworkInterface']) {
      assert.ok(exportPolicy.includes(action), `the export role may ${action}`);
    }
    assert.ok(policy(`${stack}-land-function`, 'land').includes('rds:DescribeExportTasks'));
    const f = awsCall(moto, 'lambda', 'get_function_configuration', { FunctionName: out.ExportFunctionName });
    assert.deepEqual(f.VpcConfig.SubnetIds, [subnet]);
    assert.deepEqual(f.VpcConfig.SecurityGroupIds, [group]);
  } finally {
    deleteStack(stack);
  }
});
