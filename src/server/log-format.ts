/**
 * Logs for people: the server writes JSON lines (pino, one object per line, `time` in ISO 8601)
 * for journald and log collectors; this turns a line into one an operator reads at a glance:
 *
 *   2024-06-01T08:00:00.123Z INFO  request completed · GET /api/sync/pull 200 12.3ms reqId=req-1
 *
 * Used two ways: LOG_FORMAT=pretty makes the server print this way (main.ts), and
 * `journalctl -u kepu-ledger -o cat | node dist-server/server/log-format.js` reads JSON logs after
 * the fact. A line that is not a JSON object (the setup-code banner) passes through as it is.
 * Our own ~60 lines instead of pino-pretty, which would add a dozen packages to the release.
 */
import type { FastifyServerOptions } from 'fastify';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Keys every line has or that the head of the line already shows. */
const SHOWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'req', 'res', 'responseTime', 'err', 'v']);

function valueText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log line → one readable line (plus the error's stack, indented, when there is one). */
export function prettyLogLine(line: string): string {
  const text = line.replace(/\r?\n$/, '');
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return text;
    o = parsed as Record<string, unknown>;
  } catch {
    return text;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString() : String(o.time ?? '');
  const level =
    LEVELS[Number(o.level)] ??
    String(o.level ?? '?')
      .toUpperCase()
      .padEnd(5);
  const parts: string[] = [];
  const req = o.req as { method?: string; url?: string; remoteAddress?: string } | undefined;
  const res = o.res as { statusCode?: number } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`);
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode));
  if (typeof o.responseTime === 'number') parts.push(`${o.responseTime.toFixed(1)}ms`);
  if (req?.remoteAddress) parts.push(`from ${req.remoteAddress}`);
  for (const [key, value] of Object.entries(o)) {
    if (!SHOWN.has(key) && value !== undefined) parts.push(`${key}=${valueText(value)}`);
  }
  const err = o.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err && !err.stack) parts.push(`err=${valueText(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}`);
  const msg = typeof o.msg === 'string' ? o.msg : '';
  let out = `${time} ${level} ${msg}${parts.length ? ` · ${parts.join(' ')}` : ''}`;
  if (err?.stack) out += `\n    ${err.stack.split('\n').join('\n    ')}`;
  return out;
}

/** A destination for pino (Fastify's `logger.stream`) that writes readable lines to `out`. */
export function prettyLogStream(out: NodeJS.WritableStream = process.stdout): { write(line: string): void } {
  return { write: (line) => void out.write(`${prettyLogLine(line)}\n`) };
}

/** The server's logger: JSON lines with ISO times, or readable lines (`pretty`) written to `out`. */
export function loggerOptions(level: string, format: 'json' | 'pretty', out?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    ...(format === 'pretty' ? { stream: prettyLogStream(out) } : out ? { stream: out } : {}),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => process.stdout.write(`${prettyLogLine(line)}\n`));
}
