// `snaplake run --listen`: the operations endpoints under a real run (docs/operations.md). The
// pipeline exports and lands one database and dead-letters the event of an unreachable one while
// a test scrapes /metrics — during the run and after it — parses the Prometheus text exposition
// with a small parser of its own, and checks the values against what happened (the counts, the
// rows PostgreSQL has, the last-landing time, the queue depths). Debian's chromium loads the
// status page headless: the DOM shows the runs and the dead letter with its whole cause, and a
// screenshot is saved in the test's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Postgres, snaplake } from '../harness/servers.mjs';
import { makePipeline, publish, rdsSnsEvent, snaplakeAsync, status } from './pipeline_helpers.mjs';

const pg = Postgres.shared();

// The text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), strictly:
// every sample's family has # HELP and # TYPE before it, once; label values are quoted with
// \\, \" and \n escaped; values are Go floats. Returns { types, samples: [{ name, labels, value }] }.
function parseExposition(text) {
  const types = {};
  const helps = new Set();
  const samples = [];
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    let m;
    if ((m = line.match(/^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/))) {
      assert.ok(!helps.has(m[1]), `HELP twice for ${m[1]}`);
      helps.add(m[1]);
      continue;
    }
    if ((m = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/))) {
      assert.ok(!(m[1] in types), `TYPE twice for ${m[1]}`);
      types[m[1]] = m[2];
      continue;
    }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)$/);
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', valueText] = m;
    const labels = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/y;
    while (labelPattern.lastIndex < labelText.length) {
      const l = labelPattern.exec(labelText);
      assert.ok(l, `bad labels: ${labelText}`);
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    assert.ok(!Number.isNaN(value) || valueText === 'NaN', `bad value: ${line}`);
    const family = Object.keys(types).find((f) => name === f || (types[f] === 'histogram' &&
      [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(name)));
    assert.ok(family, `${name} has no # TYPE before it`);
    assert.ok(helps.has(family), `${family} has no # HELP`);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

// The value of the one sample of `name` with exactly these labels (undefined if none).
function value(parsed, name, labels = {}) {
  const found = parsed.samples.filter((s) => s.name === name &&
    JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} twice`);
  return found[0]?.value;
}

async function get(base, p) {
  const r = await fetch(`${base}${p}`);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
}

async function scrape(base) {
  const r = await get(base, '/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(r.body);
}

test('run --listen serves metrics, health and a status page while the workers run', async () => {
  pg.createDatabase('ops_listen');
  pg.psql(`CREATE TABLE people (id bigint PRIMARY KEY, name text);
    INSERT INTO people SELECT g, 'person ' || g FROM generate_series(1, 1200) g;
    CREATE TABLE visits (id bigint PRIMARY KEY, note text);
    INSERT INTO visits SELECT g, 'visit ' || g FROM generate_series(1, 300) g;`, 'ops_listen');
  const p = makePipeline({
    instances: [{ id: 'ops-db', source: pg.uriFor('ops_listen') },
      { id: 'ops-gone', source: 'postgresql://postgres@127.0.0.1:1/nothing' }],
    maxReceives: 2,
  });
  publish(p, rdsSnsEvent({ sourceId: 'ops-db-manual-20261201', code: 'RDS-EVENT-0042' }));
  publish(p, rdsSnsEvent({ sourceId: 'ops-gone-manual-20261201', code: 'RDS-EVENT-0042' }));

  const startedS = Date.now() / 1000;
  const run = snaplakeAsync(['run', '--config', p.config, '--listen', '127.0.0.1:0']);
  let stderr = '';
  run.child.stderr.on('data', (d) => { stderr += d; });
  let base;
  for (let i = 0; i < 300 && !base; ++i) {
    const m = stderr.match(/serving http:\/\/(127\.0\.0\.1:\d+)\//);
    if (m) base = `http://${m[1]}`;
    else await sleep(50);
  }
  assert.ok(base, `no listening line: ${stderr}`);
  try {
    // During the run: a valid exposition with every family, and the queue gauges of both queues.
    const during = await scrape(base);
    for (const f of ['snaplake_messages_total', 'snaplake_exports_total', 'snaplake_landings_total',
      'snaplake_exported_rows_total', 'snaplake_landed_bytes_total']) assert.equal(during.types[f], 'counter', f);
    assert.equal(during.types.snaplake_stage_duration_seconds, 'histogram');
    assert.equal(during.types.snaplake_queue_messages, 'gauge');
    assert.equal(during.types.snaplake_last_landing_timestamp_seconds, 'gauge');
    for (const queue of ['events', 'tasks']) {
      for (const state of ['visible', 'in_flight', 'delayed', 'dead']) {
        assert.ok(value(during, 'snaplake_queue_messages', { queue, state }) >= 0, `${queue} ${state}`);
      }
    }
    assert.equal((await get(base, '/healthz')).body, 'ok\n');
    const ready = await get(base, '/readyz');
    assert.equal(ready.status, 200, ready.body);
    assert.equal((await get(base, '/nothing')).status, 404);

    // After: the landing and the dead letter are done (the queues empty but for the dead letter).
    let after;
    for (let i = 0; i < 600; ++i) {
      after = await scrape(base);
      const pending = ['visible', 'in_flight', 'delayed'].reduce((n, state) =>
        n + value(after, 'snaplake_queue_messages', { queue: 'events', state }) +
        value(after, 'snaplake_queue_messages', { queue: 'tasks', state }), 0);
      if (pending === 0 && value(after, 'snaplake_landings_total', { outcome: 'landed' }) === 1 &&
        value(after, 'snaplake_messages_total', { queue: 'events', outcome: 'dead_lettered' }) === 1) break;
      await sleep(200);
    }
    // Counts: the good event exported once and its task landed once; the other event was tried
    // twice (max_receives 2): retried, then dead-lettered.
    assert.equal(value(after, 'snaplake_messages_total', { queue: 'events', outcome: 'done' }), 1);
    assert.equal(value(after, 'snaplake_messages_total', { queue: 'events', outcome: 'retried' }), 1);
    assert.equal(value(after, 'snaplake_messages_total', { queue: 'events', outcome: 'dead_lettered' }), 1);
    assert.equal(value(after, 'snaplake_messages_total', { queue: 'tasks', outcome: 'done' }), 1);
    assert.equal(value(after, 'snaplake_exports_total', { outcome: 'exported' }), 1);
    assert.equal(value(after, 'snaplake_exports_total', { outcome: 'failed' }), 2);
    assert.equal(value(after, 'snaplake_landings_total', { outcome: 'landed' }), 1);
    // Rows and bytes: what PostgreSQL has, and what the status store recorded.
    assert.equal(value(after, 'snaplake_exported_rows_total'), 1500);
    assert.equal(value(after, 'snaplake_landed_rows_total'), 1500);
    const s = status(p);
    const landed = s.runs.find((r) => r.stage === 'landed');
    assert.ok(landed, JSON.stringify(s.runs));
    assert.equal(value(after, 'snaplake_landed_bytes_total'), landed.bytes);
    assert.ok(value(after, 'snaplake_exported_bytes_total') > 0);
    // Stage durations: one land, three export attempts; buckets cumulative up to +Inf = count.
    assert.equal(value(after, 'snaplake_stage_duration_seconds_count', { stage: 'export' }), 3);
    assert.equal(value(after, 'snaplake_stage_duration_seconds_count', { stage: 'land' }), 1);
    assert.equal(value(after, 'snaplake_stage_duration_seconds_bucket', { stage: 'land', le: '+Inf' }), 1);
    const buckets = after.samples.filter((x) => x.name === 'snaplake_stage_duration_seconds_bucket' &&
      x.labels.stage === 'export').map((x) => x.value);
    assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b), 'cumulative buckets');
    // Queue depths: one dead letter on events, nothing else anywhere.
    assert.equal(value(after, 'snaplake_queue_messages', { queue: 'events', state: 'dead' }), 1);
    assert.equal(value(after, 'snaplake_queue_messages', { queue: 'tasks', state: 'dead' }), 0);
    assert.equal(value(after, 'snaplake_waiting_runs'), 0);
    // The last landing of the instance: during this test, and only for the instance that landed.
    const last = value(after, 'snaplake_last_landing_timestamp_seconds', { instance: 'ops-db' });
    assert.ok(last >= Math.floor(startedS) && last <= Date.now() / 1000, `last landing ${last}`);
    assert.equal(value(after, 'snaplake_last_landing_timestamp_seconds', { instance: 'ops-gone' }), undefined);

    // The status page, in a real browser.
    const page = await get(base, '/');
    assert.equal(page.status, 200);
    assert.equal(page.type, 'text/html; charset=utf-8');
    const [dead] = s.deadLetters;
    assert.ok(dead.cause.length > 60, dead.cause);
    const chromium = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      `--user-data-dir=${path.join(p.dir, 'chromium')}`];
    const dom = spawnSync('chromium', [...chromium, '--dump-dom', `${base}/`], { encoding: 'utf8', timeout: 120000 });
    assert.equal(dom.status, 0, dom.stderr);
    const html = dom.stdout;
    const rowOf = (re) => html.match(re)?.[0] ?? '';
    const run = rowOf(new RegExp(`<tr class="run" data-export-id="${landed.exportId}">.*?</tr>`, 's'));
    assert.match(run, /<td class="stage stage-landed">landed<\/td>/);
    assert.match(run, /<td class="n">1500<\/td>/);
    const deadRow = rowOf(new RegExp(`<tr class="dead-letter" data-message-id="${dead.messageId}">.*?</tr>`, 's'));
    const escape = (t) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    assert.ok(deadRow.includes(`<td class="cause">${escape(dead.cause)}</td>`), `${deadRow}\n${dead.cause}`);
    assert.match(html, /<tr data-queue="events"><td>events<\/td><td class="n">0<\/td><td class="n">0<\/td><td class="n">0<\/td><td class="n">1<\/td>/);
    const shot = path.join(p.dir, 'status-page.png');
    const png = spawnSync('chromium', [...chromium, '--window-size=1280,900', `--screenshot=${shot}`, `${base}/`],
      { encoding: 'utf8', timeout: 120000 });
    assert.equal(png.status, 0, png.stderr);
    assert.ok(existsSync(shot) && statSync(shot).size > 1000, 'a screenshot');
  } finally {
    run.child.kill('SIGTERM');
  }
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stopped: 2 messages done, 1 retried, 1 dead-lettered/);
});

test('run --listen refuses an address it cannot listen on, before any work', () => {
  const p = makePipeline({ instances: [{ id: 'x', source: 'postgresql://postgres@127.0.0.1:1/x' }] });
  for (const bad of ['localhost:80', '127.0.0.1:99999', '192.0.2.1:9464']) {
    const r = snaplake(['run', '--config', p.config, '--drain', '--listen', bad]);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--listen/);
  }
});
