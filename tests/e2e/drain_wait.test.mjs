// `snaplake run --drain` when the only message left is in flight with no live worker (received
// by a process that died): it says what it waits for — the message, and that it comes back after
// its visibility timeout — then serves it once the queue delivers it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { makePipeline, publish, rdsSnsEvent, runDrain } from './pipeline_helpers.mjs';

test('a drain says it waits for a message in flight that no worker of it holds, then serves it', () => {
  const p = makePipeline({ instances: [{ id: 'wait-db', source: 'postgresql://postgres@127.0.0.1:1/x' }], visibility: '3s' });
  // An event of an instance not configured: dropped, done, when served.
  publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'other-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }));
  // A worker that received it and died: the same claim the queue makes (queue/sqlite_queue.cc),
  // its receipt with no one left to delete it, invisible for 3 s.
  execFileSync('python3', ['-c', `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
n = db.execute("UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = id || '.dead' WHERE queue = 'events'", (now + 6000,)).rowcount
db.commit()
assert n == 1, n
`, path.join(p.dir, 'state', 'queue.db')]);
  const r = runDrain(p);
  assert.match(r.stderr, /drain: waiting for 1 message\(s\) in flight on the events queue, held by no worker of this process: .* visibility timeout \(3s\)/);
  // Said once, not at every look.
  assert.equal(r.stderr.match(/drain: waiting for/g).length, 1);
  assert.match(r.stdout, /drained: 1 messages done, 0 retried, 0 dead-lettered/);
});
