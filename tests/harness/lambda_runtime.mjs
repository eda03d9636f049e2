// Loopback stand-ins for the two parts of AWS Lambda that a function meets:
//
// - the Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), which hands
//   the function its invocations: GET /2018-06-01/runtime/invocation/next waits until there is one
//   and answers it with the Lambda-Runtime-Aws-Request-Id header; the function POSTs
//   …/invocation/<id>/response or …/<id>/error, or …/runtime/init/error before its first;
// - the SQS event source mapping (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html),
//   which receives a batch from a queue, invokes the function with it, deletes the messages the
//   function did not report in batchItemFailures (ReportBatchItemFailures) and leaves the others
//   to come back, until the queue's redrive policy dead-letters them.
//
// moto creates event source mappings but can only run a function's code in Docker, so tests run
// snaplake's package against these stand-ins and a real queue on moto.
import http from 'node:http';

import { awsBatch, awsCall } from './aws.mjs';

const nextPath = '/2018-06-01/runtime/invocation/next';

export class RuntimeApi {
  // Starts the API on a free loopback port; `events` are queued invocations to begin with.
  static async start(events = []) {
    const api = new RuntimeApi();
    for (const event of events) api.invoke(event);
    await new Promise((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  constructor() {
    this.answers = []; // { id, kind: 'response'|'error'|'init-error', body, errorType } in order
    this.pending = []; // invocations not yet handed out: { id, event }
    this.waiting = []; // GET /next requests waiting for an invocation
    this.resolvers = new Map(); // request id -> resolve(answer)
    this.count = 0;
    this.server = http.createServer((req, res) => this.serve(req, res));
  }

  get address() { return `127.0.0.1:${this.server.address().port}`; }

  // Queues an invocation; resolves with the function's answer to it.
  invoke(event) {
    const id = `req-${++this.count}`;
    const answered = new Promise((resolve) => this.resolvers.set(id, resolve));
    this.pending.push({ id, event });
    this.handOut();
    return answered;
  }

  handOut() {
    while (this.pending.length && this.waiting.length) {
      const { id, event } = this.pending.shift();
      const res = this.waiting.shift();
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': id,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + 900000),
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:eu-west-2:123456789012:function:snaplake',
      });
      res.end(JSON.stringify(event));
    }
  }

  serve(req, res) {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.method === 'GET' && req.url === nextPath) {
        this.waiting.push(res);
        this.handOut();
        return;
      }
      const m = req.url.match(/^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/);
      const errorType = req.headers['lambda-runtime-function-error-type'];
      if (req.method === 'POST' && m) {
        const answer = { id: m[1], kind: m[2], body: JSON.parse(body), errorType };
        this.answers.push(answer);
        this.resolvers.get(m[1])?.(answer);
        this.resolvers.delete(m[1]);
      } else if (req.method === 'POST' && req.url === '/2018-06-01/runtime/init/error') {
        this.answers.push({ kind: 'init-error', body: JSON.parse(body), errorType });
      } else {
        this.answers.push({ unexpected: `${req.method} ${req.url}` });
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(202);
      res.end('{"status":"OK"}');
    });
  }

  // Stops the API; a function still waiting on /next sees its connection closed.
  async close() {
    for (const res of this.waiting) res.destroy();
    this.waiting = [];
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// One record of an SQS batch as Lambda delivers it.
export const sqsRecord = (messageId, body, receiveCount = '1', {
  queueArn = 'arn:aws:sqs:eu-west-2:123456789012:snaplake-events', receiptHandle = `AQEB${messageId}`,
  attributes = {},
} = {}) => ({
  messageId,
  receiptHandle,
  body,
  attributes: {
    ApproximateReceiveCount: receiveCount,
    SentTimestamp: '1764062044102',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1764062044110',
    ...attributes,
  },
  messageAttributes: {},
  md5OfBody: '0000',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: queueArn.split(':')[3],
});

// The SQS event source mapping, one poll: receives up to batchSize messages of queueUrl on moto,
// invokes the function through `api` with them, deletes those it did not report failed, and
// makes the failed ones visible again at once (Lambda would wait for the visibility timeout;
// the receive count grows the same). Returns { received, failed, answer }.
export async function pollQueue(moto, api, { queueUrl, batchSize = 10 }) {
  const [attributes, received] = awsBatch(moto, [
    { service: 'sqs', method: 'get_queue_attributes', args: { QueueUrl: queueUrl, AttributeNames: ['QueueArn'] } },
    {
      service: 'sqs', method: 'receive_message',
      args: { QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 1, AttributeNames: ['All'] },
    },
  ]);
  for (const r of [attributes, received]) if (r?.error) throw new Error(`polling ${queueUrl}: ${r.error}`);
  const messages = received.Messages ?? [];
  if (!messages.length) return { received: 0, failed: [], answer: null };
  const queueArn = attributes.Attributes.QueueArn;
  const answer = await api.invoke({
    Records: messages.map((m) => sqsRecord(m.MessageId, m.Body, m.Attributes.ApproximateReceiveCount,
      { queueArn, receiptHandle: m.ReceiptHandle, attributes: m.Attributes })),
  });
  // An invocation error fails the whole batch; a response names the failed messages.
  const failed = answer.kind === 'response'
    ? (answer.body.batchItemFailures ?? []).map((f) => f.itemIdentifier)
    : messages.map((m) => m.MessageId);
  const calls = messages.map((m) => (failed.includes(m.MessageId)
    ? { service: 'sqs', method: 'change_message_visibility', args: { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 } }
    : { service: 'sqs', method: 'delete_message', args: { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle } }));
  const results = awsBatch(moto, calls);
  const bad = results.find((r) => r?.error);
  if (bad) throw new Error(`event source mapping on ${queueUrl}: ${bad.error}`);
  return { received: messages.length, failed, answer };
}

// Polls until a poll receives nothing; returns every poll's result.
export async function drainQueue(moto, api, options) {
  const polls = [];
  for (;;) {
    const poll = await pollQueue(moto, api, options);
    if (!poll.received) return polls;
    polls.push(poll);
  }
}

// The messages of a queue, visible or not, without changing them: { visible, inFlight, delayed }.
export function queueCounts(moto, queueUrl) {
  const a = awsCall(moto, 'sqs', 'get_queue_attributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }).Attributes;
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed),
  };
}
