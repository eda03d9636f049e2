// snaplake's deployment packages, run where nothing of this machine is visible.
//
// A sandbox is bubblewrap (bwrap) with an empty root in which only these exist:
//   /var/task   the unzipped Lambda package, read-only (or any tree, mounted where asked)
//   /bin/sh     a static busybox, read-only: the one thing the package's bootstrap needs besides
//               itself (Lambda's provided.al2023 promises a /bin/sh); no library comes with it
//   /tmp        a fresh folder of the test, writable (Lambda's only writable place)
//   /proc, /dev bwrap's own (a new /proc of the sandbox's pid namespace, a minimal /dev)
// and the host's network namespace (no --unshare-net), so the loopback servers of the tests are
// reachable. No /etc, no /lib, no /usr: a library the package lacks cannot be found.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { root, snaplakeBin, tempDir } from './servers.mjs';

// Debian's busybox-static (scripts/deps.sh): statically linked, so it brings no library along.
export const staticShell = '/bin/busybox';

// Lambda runs functions as this user (sbx_user1051), not root.
export const lambdaUid = 993;
export const lambdaGid = 990;

// The Lambda package of the binary under test (scripts/package-lambda --binary), built once per
// test run and configuration file: { zip, size, taskRoot } where taskRoot is the unzipped tree.
export function lambdaPackage({ config } = {}) {
  const base = process.env.SNAPLAKE_TEST_TMP ?? tempDir('lambda-package-');
  const hash = createHash('sha256').update(snaplakeBin).update(config ?? '').digest('hex').slice(0, 12);
  const dir = path.join(base, `lambda-package-${hash}`);
  if (!existsSync(path.join(dir, 'task'))) {
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const args = ['--binary', snaplakeBin, '--out', work];
    if (config !== undefined) {
      writeFileSync(path.join(work, 'snaplake.toml'), config);
      args.push('--config', path.join(work, 'snaplake.toml'));
    }
    const out = execFileSync(path.join(root, 'scripts/package-lambda'), args, { encoding: 'utf8' }).trim().split('\n');
    const zip = out.at(-1);
    mkdirSync(path.join(work, 'task'));
    execFileSync('unzip', ['-q', zip, '-d', path.join(work, 'task')]);
    writeFileSync(path.join(work, 'summary'), out.at(-2));
    renameSync(work, dir);
  }
  return {
    zip: path.join(dir, 'snaplake-lambda.zip'),
    summary: readFileSync(path.join(dir, 'summary'), 'utf8'),
    taskRoot: path.join(dir, 'task'),
  };
}

// bwrap's arguments for a sandbox: `mounts` are [hostPath, sandboxPath] pairs mounted read-only,
// `tmp` the host folder seen as /tmp, `env` the whole environment, `uid`/`gid` the user inside.
export function sandboxArgs({ mounts, tmp, env = {}, uid = lambdaUid, gid = lambdaGid, chdir = '/' }) {
  const args = ['--unshare-all', '--share-net', '--unshare-user', '--uid', String(uid), '--gid', String(gid),
    '--die-with-parent', '--new-session', '--clearenv'];
  for (const [host, inside] of mounts) args.push('--ro-bind', host, inside);
  args.push('--bind', tmp, '/tmp', '--proc', '/proc', '--dev', '/dev');
  for (const [name, value] of Object.entries(env)) args.push('--setenv', name, String(value));
  args.push('--chdir', chdir);
  return args;
}

// Runs argv in a sandbox (see sandboxArgs); resolves { status, signal, stdout, stderr }.
export function spawnSandboxed(argv, options) {
  const child = spawn('bwrap', [...sandboxArgs(options), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

// The environment Lambda gives a function of the provided.al2023 runtime (its documented
// variables; LD_LIBRARY_PATH too, which the bootstrap's explicit loader must override), plus
// `extra` (the function's own variables, credentials, endpoints).
export function lambdaEnvironment({ handler, runtimeApi, functionName = `snaplake-${handler}`, extra = {} }) {
  return {
    _HANDLER: handler,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    AWS_EXECUTION_ENV: 'AWS_Lambda_provided.al2023',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3538',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/25/[$LATEST]0123456789abcdef',
    AWS_REGION: 'eu-west-2',
    AWS_DEFAULT_REGION: 'eu-west-2',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    ...extra,
  };
}

// A Lambda function of the package: its bootstrap in a sandbox, serving invocations of the
// Runtime API `api` until stop(). `tmp` is its /tmp; `mounts` adds read-only [host, inside] pairs.
export function lambdaFunction({ taskRoot, tmp, handler, api, env = {}, mounts = [], functionName }) {
  const run = spawnSandboxed(['/var/task/bootstrap'], {
    mounts: [[taskRoot, '/var/task'], [staticShell, '/bin/sh'], ...mounts],
    tmp,
    env: lambdaEnvironment({ handler, runtimeApi: api.address, functionName, extra: env }),
    chdir: '/var/task',
  });
  return {
    ...run,
    // Lambda ends a function's process when it no longer needs it.
    async stop() {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      return run.done;
    },
  };
}
