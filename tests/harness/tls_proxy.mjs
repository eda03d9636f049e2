// An HTTPS front for a loopback HTTP server (e.g. moto), with a self-signed certificate for
// 127.0.0.1 made by the openssl command: to check that a client verifies TLS with the CA bundle
// it is given, as on AWS, where every endpoint is HTTPS. Requests are passed on unchanged (the
// Host header too, so SigV4 signatures still match) and counted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

import { tempDir } from './servers.mjs';

export async function startTlsProxy(target) {
  const dir = tempDir('tls-proxy-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const to = new URL(target);
  const proxy = { requests: 0, caFile: cert };
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    proxy.requests += 1;
    const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `https://127.0.0.1:${server.address().port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
