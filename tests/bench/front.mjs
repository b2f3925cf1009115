/**
 * The bench's own front server, the one origin the browser talks to:
 * - `/` and `/assets/*`: the bench page (tests/bench/browser, built by Vite from the app's real
 *   modules), `/vendor/pouchdb.min.js`: PouchDB's browser bundle, `/fixtures/*`: generated data;
 * - `/api/*`: proxied to our server, `/couch/*`: proxied to express-pouchdb (prefix removed).
 * Every proxied request is counted (requests and bytes on the wire, both ways, request line and
 * headers included) and can be delayed to add a round-trip latency, like a slow phone link.
 */
import http from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Bytes of a request line/status line plus headers, as HTTP/1.1 puts them on the wire. */
function headBytes(firstLine, rawHeaders) {
  let n = Buffer.byteLength(firstLine) + 2;
  for (let i = 0; i < rawHeaders.length; i += 2) n += Buffer.byteLength(rawHeaders[i]) + 2 + Buffer.byteLength(rawHeaders[i + 1]) + 2;
  return n + 2;
}

/**
 * Starts the front server. `upstreams` maps a path prefix to { port, strip } ; `files` maps a
 * path to a Buffer (fixtures); `staticDir` holds the bench page.
 */
export async function startFront({ staticDir, vendor = {}, upstreams = {} }) {
  const files = new Map();
  const counters = { requests: 0, reqBytes: 0, resBytes: 0, byPrefix: {}, log: [] };
  let delayMs = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sleep = (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const prefix = Object.keys(upstreams).find((p) => url.pathname === p || url.pathname.startsWith(p + '/'));
    if (prefix) return proxy(req, res, prefix, upstreams[prefix]);
    if (url.pathname.startsWith('/fixtures/')) {
      const body = files.get(url.pathname.slice('/fixtures/'.length));
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (vendor[url.pathname]) {
      const body = readFileSync(vendor[url.pathname]);
      res.writeHead(200, { 'content-type': 'text/javascript', 'content-length': body.length });
      res.end(body);
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const path = join(staticDir, rel);
    if (!path.startsWith(staticDir) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });

  async function proxy(req, res, prefix, up) {
    const started = performance.now();
    const path = up.strip ? req.url.slice(prefix.length) || '/' : req.url;
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const inBytes = headBytes(`${req.method} ${req.url} HTTP/1.1`, req.rawHeaders) + body.length;
    await sleep(delayMs / 2);
    const headers = { ...req.headers, host: `127.0.0.1:${up.port}` };
    const upReq = http.request({ host: '127.0.0.1', port: up.port, method: req.method, path, headers, agent });
    upReq.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
    upReq.on('response', async (upRes) => {
      const parts = [];
      for await (const c of upRes) parts.push(c);
      const out = Buffer.concat(parts);
      const raw = [];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const k = upRes.rawHeaders[i].toLowerCase();
        if (k === 'transfer-encoding' || k === 'content-length' || k === 'connection' || k === 'keep-alive') continue;
        raw.push(upRes.rawHeaders[i], upRes.rawHeaders[i + 1]);
      }
      raw.push('Content-Length', String(out.length));
      const outBytes = headBytes(`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? ''}`, raw) + out.length;
      await sleep(delayMs / 2);
      res.writeHead(upRes.statusCode, upRes.statusMessage, raw);
      res.end(out);
      counters.requests += 1;
      counters.reqBytes += inBytes;
      counters.resBytes += outBytes;
      const p = (counters.byPrefix[prefix] ??= { requests: 0, reqBytes: 0, resBytes: 0 });
      p.requests += 1;
      p.reqBytes += inBytes;
      p.resBytes += outBytes;
      if (counters.log.length < 5000) {
        counters.log.push({ method: req.method, url: req.url.slice(0, 120), status: upRes.statusCode, inBytes, outBytes, ms: performance.now() - started });
      }
    });
    upReq.end(body);
  }

  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    /** Serves a generated file at /fixtures/<name>. */
    setFile(name, buf) {
      files.set(name, buf);
    },
    /** Adds this much round-trip time to every proxied request (half each way). */
    setDelay(ms) {
      delayMs = ms;
    },
    setUpstream(prefix, up) {
      upstreams[prefix] = up;
    },
    /** Zeroes the counters and returns what they held. */
    take() {
      const snap = { requests: counters.requests, reqBytes: counters.reqBytes, resBytes: counters.resBytes, byPrefix: counters.byPrefix, log: counters.log };
      counters.requests = 0;
      counters.reqBytes = 0;
      counters.resBytes = 0;
      counters.byPrefix = {};
      counters.log = [];
      return snap;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
