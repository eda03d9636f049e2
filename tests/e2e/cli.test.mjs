// The command line's contract (docs/commands.md): a usage error exits 2 with one line
// `snaplake: <what>: <cause>`; an unknown command is named, with the closest one suggested;
// --help and --version exit 0 on stdout; the global flags may follow the command.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Postgres, snaplake, tempDir } from '../harness/servers.mjs';

const commands = 'export, land, run, snapshot, status, lambda, redrive';

function assertUsageError(args, line) {
  const r = snaplake(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  if (line instanceof RegExp) assert.match(lines[0], line);
  else assert.equal(lines[0], line);
}

test('an unknown command is named, with the closest one suggested', () => {
  assertUsageError(['exprot'], `snaplake: unknown command 'exprot': did you mean 'export'? (commands: ${commands})`);
  assertUsageError(['lnad', '--to', 'x'], `snaplake: unknown command 'lnad': did you mean 'land'? (commands: ${commands})`);
  assertUsageError(['frobnicate'], `snaplake: unknown command 'frobnicate' (commands: ${commands})`);
  assertUsageError([], `snaplake: no command given: use one of ${commands} (snaplake --help)`);
});

test('usage errors exit 2 with one line naming the command and the cause', () => {
  assertUsageError(['export'], 'snaplake: export: --source is required (snaplake export --help)');
  assertUsageError(['export', '--source', 'postgresql://h/d', '--to', 'x', '--compression', 'lz4'],
    /^snaplake: export: --compression: lz4 not in \{snappy,gzip,zstd,none\} \(snaplake export --help\)$/);
  assertUsageError(['export', '--source', 'postgresql://h/d', '--to', 'x', '--bogus'], /^snaplake: export: .*--bogus/);
  assertUsageError(['export', '--source', 'postgresql://h/d', '--to', 'x', '--jobs', 'many'], /^snaplake: export: .*--jobs = many/);
  assertUsageError(['land', '--export', 'x'], 'snaplake: land: --to is required (snaplake land --help)');
  assertUsageError(['lambda', 'copy'], /^snaplake: lambda: stage: copy not in \{export,land\}/);
  assertUsageError(['--log-format', 'xml', 'status', '--config', 'x'], /^snaplake: status: --log-format: xml not in \{text,json\}/);
});

test('--help and --version exit 0 and print on stdout', () => {
  const help = snaplake(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: snaplake \[OPTIONS\] SUBCOMMAND/);
  for (const c of commands.split(', ')) assert.match(help.stdout, new RegExp(`\\n  ${c} `));
  assert.match(help.stdout, /Exit codes: 0 success; 2 invalid input or usage/);
  const exportHelp = snaplake(['export', '--help']);
  assert.equal(exportHelp.status, 0, exportHelp.stderr);
  assert.match(exportHelp.stdout, /--source/);
  assert.match(exportHelp.stdout, /--compression-level/);
  const version = snaplake(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^snaplake \d+\.\d+\.\d+/);
});

test('the global flags are accepted after the command too', () => {
  const pg = Postgres.shared();
  const db = 'cli_global_flags';
  pg.createDatabase(db);
  pg.psql('CREATE TABLE t (v int); INSERT INTO t VALUES (1);', db);
  const root = tempDir('export-');
  for (const [i, args] of [['--log-format', 'json', '-v'], ['-v', '--log-format=json'], ['--verbose', '--log-format', 'json']].entries()) {
    const before = i === 1 ? args : [];
    const after = i === 1 ? [] : args;
    const r = snaplake([...before, 'export', '--source', pg.uriFor(db), ...after, '--to', root, '--export-id', `flags-${i}`]);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.level === 'info' && /snapshot .* taken at/.test(l.message)), r.stderr);
    assert.ok(lines.some((l) => l.level === 'debug' && /COPY \(SELECT/.test(l.message)), `-v gives debug lines: ${r.stderr}`);
  }
});
