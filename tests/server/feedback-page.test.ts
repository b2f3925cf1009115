/**
 * The server hands /f/<code> and /f/q/<查询码> the public feedback page (never the app's shell),
 * with a policy narrower than the app's, and its files under /f-assets/ as immutable.
 */
import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FEEDBACK_PAGE_CONTENT_SECURITY_POLICY } from '../../src/server/http/security-headers';
import { sqliteHandle, testApp, type StoreHandle } from './helpers';

describe('the public feedback page', () => {
  let dir = '';
  let h: StoreHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kl-fpage-'));
    mkdirSync(path.join(dir, 'assets'));
    mkdirSync(path.join(dir, 'f-assets'));
    mkdirSync(path.join(dir, 'src', 'feedback'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>科普台账</title><div id="app"></div>');
    writeFileSync(path.join(dir, 'src', 'feedback', 'feedback.html'), '<!doctype html><title>意见反映</title><main id="fb"></main>');
    writeFileSync(path.join(dir, 'f-assets', 'kl-feedback-abc.js'), 'console.log(1)');
    h = await sqliteHandle();
    app = await testApp(h.store, { staticDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(['/f/ABCDEFGH', '/f/q/ABCDEFGH23', '/f/q', '/f', '/f/ABCDEFGH?from=poster'])('%s gets the page, not the app, with its own policy', async (url) => {
    const r = await app.inject(url);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('意见反映');
    expect(r.body).not.toContain('id="app"');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toBe(FEEDBACK_PAGE_CONTENT_SECURITY_POLICY);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toContain('unsafe');
    expect(r.headers['permissions-policy']).toContain('geolocation=()');
    expect(r.headers['permissions-policy']).not.toContain('(self)');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  test('its files are immutable and carry its policy; the app keeps its own', async () => {
    const js = await app.inject('/f-assets/kl-feedback-abc.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-security-policy']).toBe(FEEDBACK_PAGE_CONTENT_SECURITY_POLICY);
    const shell = await app.inject('/events');
    expect(shell.body).toContain('id="app"');
    expect(shell.headers['content-security-policy']).not.toBe(FEEDBACK_PAGE_CONTENT_SECURITY_POLICY);
    // /fx is an app route, not the feedback page.
    expect((await app.inject('/fx')).body).toContain('id="app"');
  });
});
