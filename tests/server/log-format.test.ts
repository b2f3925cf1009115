/**
 * The server's logs: JSON lines with ISO times by default, readable lines with LOG_FORMAT=pretty,
 * and the same formatter reading JSON logs after the fact (journalctl … | node log-format.js: the
 * release test runs that command from the archive).
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { loggerOptions, prettyLogLine } from '../../src/server/log-format';
import { sqliteHandle, testApp, type StoreHandle } from './helpers';

function sink(): { out: Writable; lines: () => string[] } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('server logs', () => {
  let h: StoreHandle;
  beforeEach(async () => {
    h = await sqliteHandle();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-06-01T08:00:00.123Z'));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await h.cleanup();
  });

  test('are JSON lines with an ISO time by default', async () => {
    const s = sink();
    const app = await testApp(h.store, { logger: loggerOptions('info', 'json', s.out) });
    await app.inject({ url: '/api/health', remoteAddress: '10.1.2.3' });
    await app.close();
    const lines = s.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      level: 40,
      time: '2024-06-01T08:00:00.123Z',
      msg: "No administrator yet. One-time setup code: TEST-SETU (POST /api/setup or open the app's setup page)",
    });
    expect(lines[1]).toMatchObject({
      level: 30,
      time: '2024-06-01T08:00:00.123Z',
      msg: 'incoming request',
      req: { method: 'GET', url: '/api/health', remoteAddress: '10.1.2.3' },
    });
    expect(lines[2]).toMatchObject({ level: 30, time: '2024-06-01T08:00:00.123Z', msg: 'request completed', res: { statusCode: 200 } });
  });

  test('are one readable line each with LOG_FORMAT=pretty', async () => {
    const s = sink();
    const app = await testApp(h.store, { logger: loggerOptions('info', 'pretty', s.out) });
    await app.inject({ url: '/api/nothing-here', remoteAddress: '10.1.2.3' });
    await app.close();
    expect(s.lines().map((l) => l.replace(/ \d+\.\dms /, ' <t>ms '))).toEqual([
      "2024-06-01T08:00:00.123Z WARN  No administrator yet. One-time setup code: TEST-SETU (POST /api/setup or open the app's setup page)",
      '2024-06-01T08:00:00.123Z INFO  incoming request · GET /api/nothing-here from 10.1.2.3 reqId=req-1',
      '2024-06-01T08:00:00.123Z INFO  request completed · 404 <t>ms reqId=req-1',
    ]);
  });
});

describe('the formatter', () => {
  test('shows an error with its stack under the line, other fields as key=value, and passes other text through', () => {
    const line = JSON.stringify({
      level: 50,
      time: '2024-06-01T08:00:00.000Z',
      pid: 7,
      hostname: 'srv',
      msg: 'scheduled backup failed; the previous copies are kept',
      err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at copy (backup.js:1:1)' },
      removed: [],
      dir: '/var/lib/kepu ledger',
    });
    expect(prettyLogLine(line)).toBe(
      '2024-06-01T08:00:00.000Z ERROR scheduled backup failed; the previous copies are kept · removed=[] dir="/var/lib/kepu ledger"\n' +
        '    Error: disk full\n        at copy (backup.js:1:1)',
    );
    expect(prettyLogLine('  科普台账: no administrator yet.')).toBe('  科普台账: no administrator yet.');
    expect(prettyLogLine('[1,2]')).toBe('[1,2]');
    expect(prettyLogLine('{"level":30,"time":1717228800000,"msg":"starting","store":"sqlite"}')).toBe('2024-06-01T08:00:00.000Z INFO  starting · store=sqlite');
  });
});
