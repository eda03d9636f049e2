// A loopback HTTP proxy for fault tests: it stands in front of moto_server and, following a
// plan, answers some requests itself with S3-style 500/503 errors or drops the connection
// (before or half-way through reading the request body), and forwards everything else
// unchanged. Signatures stay valid because the client signs for the proxy's host:port and the
// proxy forwards the request as received (moto does not check signatures unless asked to).
//
//   const proxy = await FaultProxy.start(moto.endpoint, FaultProxy.every({ 503: 5, 500: 7, drop: 9 }));
//   ... point AWS_ENDPOINT_URL at proxy.url ...
//   proxy.stats  // { requests, forwarded, injected: { 500, 503, drop } }
//   proxy.log    // [{ n, method, url, action, region, service, target }]: every request, with the
//                // region and service its signature is scoped to
//   await proxy.close();
//
// CLI (for C++ tests or by hand): node faultproxy.mjs TARGET_URL [503=N] [500=N] [drop=N] [midUpload=N]
// prints the proxy URL and runs until killed.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const errorBody = (code, message) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
  '<RequestId>faultproxy</RequestId></Error>';

export class FaultProxy {
  // plan(request, n) -> 'pass' | 500 | 503 | 'drop' | 'drop-mid'; n counts requests from 1.
  constructor(target, plan) {
    this.target = new URL(target);
    this.plan = plan;
    this.stats = { requests: 0, forwarded: 0, injected: { 500: 0, 503: 0, drop: 0 } };
    this.log = [];  // [{ n, method, url, action }]
    this.faults = new Map();  // "METHOD url" -> faults injected
    this.maxFaultsPerRequest = 2;
    this.agent = new http.Agent({ keepAlive: true });
  }

  static async start(target, plan = () => 'pass') {
    const proxy = new FaultProxy(target, plan);
    proxy.server = http.createServer((req, res) => proxy.handle(req, res));
    proxy.server.keepAliveTimeout = 5000;
    await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${proxy.server.address().port}`;
    return proxy;
  }

  // A deterministic plan: every Nth request fails in the given way; requests that carry a body
  // bigger than 1 MiB are dropped half-way instead of before their body when `drop` hits them.
  // `after` leaves the first requests alone (e.g. bucket creation by the test itself).
  // `midUpload: m` also cuts every m-th request whose body exceeds 1 MiB (an upload part) half-way.
  static every({ 500: e500 = 0, 503: e503 = 0, drop = 0, midUpload = 0, after = 0 } = {}) {
    let large = 0;
    return (req, n) => {
      if (n <= after) return 'pass';
      const k = n - after;
      if (midUpload && Number(req.headers['content-length'] ?? 0) > (1 << 20) && ++large % midUpload === 0) {
        return 'drop-mid';
      }
      if (drop && k % drop === 0) {
        return Number(req.headers['content-length'] ?? 0) > (1 << 20) ? 'drop-mid' : 'drop';
      }
      if (e503 && k % e503 === 0) return 503;
      if (e500 && k % e500 === 0) return 500;
      return 'pass';
    };
  }

  handle(req, res) {
    const n = ++this.stats.requests;
    // The same request (method and URL) is faulted at most `maxFaultsPerRequest` times, so a
    // client that retries enough always gets through: the test is about recovery, not luck.
    const key = `${req.method} ${req.url}`;
    let action = this.plan(req, n);
    if (action !== 'pass' && (this.faults.get(key) ?? 0) >= this.maxFaultsPerRequest) action = 'pass';
    if (action !== 'pass') this.faults.set(key, (this.faults.get(key) ?? 0) + 1);
    // The credential scope of the request's SigV4 signature (Credential=<key>/<date>/<region>/
    // <service>/aws4_request), so a test can check which region and service a client signed for.
    const scope = /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
    this.log.push({ n, method: req.method, url: req.url, action,
      region: scope?.[2] ?? null, service: scope?.[3] ?? null, target: req.headers['x-amz-target'] ?? null });
    if (action === 'drop') {
      this.stats.injected.drop++;
      req.socket.destroy();
      return;
    }
    if (action === 'drop-mid') {
      this.stats.injected.drop++;
      let seen = 0;
      const half = Number(req.headers['content-length'] ?? 0) / 2;
      req.on('data', (chunk) => {
        seen += chunk.length;
        if (seen >= half) req.socket.destroy();
      });
      return;
    }
    if (action === 500 || action === 503) {
      this.stats.injected[action]++;
      req.resume();
      req.on('end', () => {
        const body = action === 503
          ? errorBody('SlowDown', 'Please reduce your request rate.')
          : errorBody('InternalError', 'We encountered an internal error. Please try again.');
        res.writeHead(action, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    this.stats.forwarded++;
    const upstream = http.request({
      host: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: this.agent,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  async close() {
    this.agent.destroy();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [target, ...rules] = process.argv.slice(2);
  if (!target) {
    console.error('usage: node faultproxy.mjs TARGET_URL [503=N] [500=N] [drop=N] [midUpload=N] [after=N]');
    process.exit(2);
  }
  const plan = Object.fromEntries(rules.map((r) => r.split('=')).map(([k, v]) => [k, Number(v)]));
  const proxy = await FaultProxy.start(target, FaultProxy.every(plan));
  console.log(proxy.url);
}
