/**
 * Security headers on every answer: the app shell, a client route, sw.js, a hashed asset and a
 * missing one carry the app's Content-Security-Policy and Permissions-Policy; API answers (good
 * and refused) the empty policy; all of them nosniff, Referrer-Policy and X-Frame-Options; HSTS
 * only over TLS (X-Forwarded-Proto counts only when TRUST_PROXY trusts the proxy). The policy's
 * extra sources come from CSP_TILE_SOURCES / CSP_CONNECT_SOURCES.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readConfig } from '../../src/server/config';
import { sqliteHandle, testApp, type StoreHandle } from './helpers';

const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; " +
  "img-src 'self' data: blob: https://*.tianditu.gov.cn https://*.is.autonavi.com; font-src 'self'; " +
  "connect-src 'self' https://*.tianditu.gov.cn https://*.is.autonavi.com; worker-src 'self'; manifest-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const PERMISSIONS =
  'geolocation=(self), camera=(self), clipboard-write=(self), microphone=(), clipboard-read=(), display-capture=(), ' +
  'fullscreen=(), payment=(), usb=(), serial=(), hid=(), midi=(), accelerometer=(), gyroscope=(), ' +
  'magnetometer=(), autoplay=(), encrypted-media=(), picture-in-picture=(), publickey-credentials-get=(), ' +
  'screen-wake-lock=(), idle-detection=(), xr-spatial-tracking=(), browsing-topics=()';

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};
const APP_HEADERS = { ...COMMON, 'content-security-policy': APP_CSP, 'permissions-policy': PERMISSIONS };
const API_HEADERS = { ...COMMON, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" };
const NAMES = ['content-security-policy', 'permissions-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'strict-transport-security'];

/** The security headers of an answer, exactly (absent ones left out). */
function securityHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(NAMES.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]));
}

let dir: string;
let h: StoreHandle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kl-headers-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>科普台账</title><div id="app"></div>');
  writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
  h = await sqliteHandle();
});
afterAll(async () => {
  await h.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('security headers with the default policy', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(h.store, { staticDir: dir });
  });
  afterAll(async () => {
    await app.close();
  });

  test('the app shell, a client route, sw.js and a hashed asset carry the app policy', async () => {
    for (const url of ['/', '/events/new', '/sw.js', '/assets/index-abc123.js']) {
      const res = await app.inject(url);
      expect([url, res.statusCode, securityHeaders(res.headers)]).toEqual([url, 200, APP_HEADERS]);
    }
  });

  test('a missing asset (a JSON 404 outside /api) carries the app policy too', async () => {
    const res = await app.inject('/assets/gone-999.js');
    expect([res.statusCode, securityHeaders(res.headers)]).toEqual([404, APP_HEADERS]);
  });

  test('API answers, good and refused, carry the empty policy and nosniff', async () => {
    const ok = await app.inject('/api/health');
    expect([ok.statusCode, securityHeaders(ok.headers)]).toEqual([200, API_HEADERS]);
    const refused = await app.inject('/api/sync/pull?cursor=0');
    expect([refused.statusCode, securityHeaders(refused.headers)]).toEqual([401, API_HEADERS]);
    const bad = await app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect([bad.statusCode, securityHeaders(bad.headers)]).toEqual([400, API_HEADERS]);
    const unknown = await app.inject('/api/nothing');
    expect([unknown.statusCode, securityHeaders(unknown.headers)]).toEqual([404, API_HEADERS]);
  });

  test('no HSTS over plain HTTP, nor for an X-Forwarded-Proto nobody trusts', async () => {
    expect((await app.inject('/')).headers['strict-transport-security']).toBe(undefined);
    const spoofed = await app.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBe(undefined);
  });
});

describe('behind a trusted TLS proxy', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(h.store, { staticDir: dir, trustProxy: true });
  });
  afterAll(async () => {
    await app.close();
  });

  test('HSTS on the shell, an asset and an API answer when the proxy says https; not when it says http', async () => {
    for (const url of ['/', '/assets/index-abc123.js']) {
      const res = await app.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
      expect([url, securityHeaders(res.headers)]).toEqual([url, { ...APP_HEADERS, 'strict-transport-security': 'max-age=31536000' }]);
    }
    const api = await app.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(securityHeaders(api.headers)).toEqual({ ...API_HEADERS, 'strict-transport-security': 'max-age=31536000' });
    const plain = await app.inject({ url: '/', headers: { 'x-forwarded-proto': 'http' } });
    expect(securityHeaders(plain.headers)).toEqual(APP_HEADERS);
  });
});

describe('configured sources', () => {
  test('CSP_TILE_SOURCES and CSP_CONNECT_SOURCES replace the tile hosts and add fetch origins', async () => {
    const c = readConfig({ CSP_TILE_SOURCES: 'https://tiles.example.cn, https://*.tianditu.gov.cn', CSP_CONNECT_SOURCES: 'https://ledger.example.cn:8443' });
    expect([c.cspTileSources, c.cspConnectSources]).toEqual([['https://tiles.example.cn', 'https://*.tianditu.gov.cn'], ['https://ledger.example.cn:8443']]);
    const app = await testApp(h.store, { staticDir: dir, securityHeaders: { tileSources: c.cspTileSources, connectSources: c.cspConnectSources } });
    const csp = (await app.inject('/')).headers['content-security-policy'];
    expect(csp).toBe(
      APP_CSP.replace(
        "img-src 'self' data: blob: https://*.tianditu.gov.cn https://*.is.autonavi.com",
        "img-src 'self' data: blob: https://tiles.example.cn https://*.tianditu.gov.cn",
      ).replace(
        "connect-src 'self' https://*.tianditu.gov.cn https://*.is.autonavi.com",
        "connect-src 'self' https://tiles.example.cn https://*.tianditu.gov.cn https://ledger.example.cn:8443",
      ),
    );
    await app.close();
  });

  test('defaults cover 天地图 and 高德; "none" removes them; blank means the default', () => {
    expect([readConfig({}).cspTileSources, readConfig({}).cspConnectSources]).toEqual([['https://*.tianditu.gov.cn', 'https://*.is.autonavi.com'], []]);
    expect(readConfig({ CSP_TILE_SOURCES: ' ' }).cspTileSources).toEqual(['https://*.tianditu.gov.cn', 'https://*.is.autonavi.com']);
    expect(readConfig({ CSP_TILE_SOURCES: 'none' }).cspTileSources).toEqual([]);
  });

  test('a value that would break out of the directive is refused at start, naming the variable', () => {
    expect(() => readConfig({ CSP_TILE_SOURCES: "https://a.cn; script-src 'unsafe-eval'" })).toThrow(
      'CSP_TILE_SOURCES: "https://a.cn;" is not a CSP host or scheme source (e.g. https://tiles.example.cn or https://*.example.cn)',
    );
    expect(() => readConfig({ CSP_CONNECT_SOURCES: "'unsafe-inline'" })).toThrow('CSP_CONNECT_SOURCES: "\'unsafe-inline\'" is not a CSP host or scheme source');
    expect(readConfig({ CSP_CONNECT_SOURCES: 'https: tiles.example.cn/wmts/' }).cspConnectSources).toEqual(['https:', 'tiles.example.cn/wmts/']);
  });
});
