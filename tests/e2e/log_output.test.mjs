// What snaplake writes for people and log collectors, whatever the names it handles hold:
// text lines never carry a raw control character (a table named "new<LF>line" cannot forge a log
// line, ESC[31m never reaches the terminal raw), and JSON lines keep their own text in
// "message" however the context is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { makePipeline, publish } from './pipeline_helpers.mjs';

const ESC = '\u001b';
const forged = '2026-01-01T00:00:00.000Z error forged line';
const textLine = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) /;

// Every line of a text log is one of ours: no raw control character, a timestamp and a level.
function assertTextLog(stderr, { lastIsError = false } = {}) {
  const lines = stderr.replace(/\n$/, '').split('\n');
  for (const [i, line] of lines.entries()) {
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(line), `raw control character in ${JSON.stringify(line)}`);
    if (lastIsError && i === lines.length - 1) assert.match(line, /^snaplake: /);
    else assert.match(line, textLine, `not a log line: ${JSON.stringify(line)}`);
  }
}

test('table names with a newline or ESC are escaped in text logs, the summary and the error line', () => {
  const pg = Postgres.shared();
  const db = 'log_output_names';
  pg.createDatabase(db);
  pg.psql(`CREATE TABLE public.U&"new\\000A${forged}" (v int); INSERT INTO public.U&"new\\000A${forged}" VALUES (1);
           CREATE TABLE public.U&"\\001B[31mred\\001B[0m" (v int); INSERT INTO public.U&"\\001B[31mred\\001B[0m" VALUES (2);`, db);
  const root = tempDir('export-');
  const r = snaplake(['-v', 'export', '--source', pg.uriFor(db), '--to', root, '--export-id', 'names']);
  assert.equal(r.status, 0, r.stderr);
  assertTextLog(r.stderr);
  // -v logs each COPY, naming its table: escaped, on the line of its own call.
  assert.ok(r.stderr.includes(`new\\n${forged}`), r.stderr);
  assert.ok(r.stderr.includes('\\x1b[31mred\\x1b[0m'), r.stderr);
  assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes(`\n${forged}`), r.stdout);
  assert.ok(r.stdout.includes(`${db}.public.new\\n${forged}`), r.stdout);
  assert.ok(r.stdout.includes(`${db}.public.\\x1b[31mred\\x1b[0m`), r.stdout);

  // The one-line error names what the user gave, escaped.
  const bad = snaplake(['export', '--source', pg.uriFor(db), '--to', root, '--only', `${db}.public.\u001b[2Jgone`]);
  assert.equal(bad.status, 8, bad.stderr);
  assertTextLog(bad.stderr, { lastIsError: true });
  assert.equal(bad.stderr.trim().split('\n').at(-1), `snaplake: --only '${db}.public.\\x1b[2Jgone' names no table of the source`);
});

test('an instance id with a newline or ESC is escaped in run logs and status text; status --json keeps it exact', () => {
  const p = makePipeline({ instances: [] });
  const evil = `evil\n${forged} ${ESC}[31m`;
  publish(p, JSON.stringify({ snaplake_event: 'snapshot', instance_id: evil, event_time: '2026-11-25T09:00:00Z' }));
  const run = snaplake(['run', '--config', p.config, '--drain']);
  assert.equal(run.status, 0, run.stderr);
  assertTextLog(run.stderr);
  assert.ok(run.stderr.includes(`instance 'evil\\n${forged} \\x1b[31m' not in`), run.stderr);

  const text = snaplake(['status', '--config', p.config]);
  assert.equal(text.status, 0, text.stderr);
  assert.ok(!text.stdout.includes(ESC) && !text.stdout.includes(`\n${forged}`), text.stdout);
  // The note's detail follows on its own lines, wrapped: joined again, it is whole.
  const unwrapped = text.stdout.replace(/\n {6,}/g, ' ');
  assert.ok(unwrapped.includes(`dropped SNAPLAKE-SNAPSHOT instance 'evil\\n${forged} \\x1b[31m' not in`), text.stdout);

  const json = snaplake(['status', '--config', p.config, '--json']);
  assert.equal(json.status, 0, json.stderr);
  assert.ok(!json.stdout.includes(ESC), 'JSON escapes control characters itself');
  const notes = JSON.parse(json.stdout).notes;
  assert.ok(notes.some((n) => n.outcome === 'dropped' && n.detail.includes(`instance '${evil}' not in`)), json.stdout);
});

test('JSON log lines of run keep their text in "message"; the SQS message id is message_id', () => {
  const p = makePipeline({ instances: [] });
  publish(p, '{"not": "an event"}');
  const run = snaplake(['--log-format', 'json', 'run', '--config', p.config, '--drain']);
  assert.equal(run.status, 10, run.stderr);  // drained, with a dead letter
  const lines = run.stderr.trim().split('\n').map((l) => JSON.parse(l));
  const failed = lines.filter((l) => l.message_id);
  assert.ok(failed.length > 0, run.stderr);
  for (const line of failed) {
    assert.notEqual(line.message, line.message_id, run.stderr);
    assert.match(line.message, /[a-z]+ [a-z]+/, 'the text of the line');
    assert.equal(line.context_message, undefined);
  }
  assert.ok(failed.some((l) => /not a snapshot event/.test(l.message)), run.stderr);
});
