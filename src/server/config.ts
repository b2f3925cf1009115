/** Server configuration from environment variables (documented in src/server/README.md). */
import path from 'node:path';
import { DEFAULT_TILE_SOURCES, parseCspSources } from './http/security-headers.js';
import { REPO_ROOT } from './region.js';

/** The SQLite file inside DATA_DIR. */
export const SQLITE_FILE = 'ledger.sqlite';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  logLevel: string;
  staticDir: string;
  region: string;
  /** Fastify's trustProxy: false, true, or a comma-separated list of proxy addresses/CIDRs. */
  trustProxy: boolean | string;
  // Security headers (http/security-headers.ts).
  /** CSP_TILE_SOURCES: base-map tile hosts the app may load (default 天地图 and 高德). */
  cspTileSources: string[];
  /** CSP_CONNECT_SOURCES: further origins the app may fetch from (default none). */
  cspConnectSources: string[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got "${env.PORT}"`);
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL.trim() : null;
  return {
    port,
    host: env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR && env.DATA_DIR.trim() !== '' ? env.DATA_DIR : './data'),
    databaseUrl,
    logLevel,
    staticDir: path.resolve(env.STATIC_DIR && env.STATIC_DIR.trim() !== '' ? env.STATIC_DIR : path.join(REPO_ROOT, 'dist')),
    region: env.REGION && env.REGION.trim() !== '' ? env.REGION.trim() : 'huidong',
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    // Security headers (http/security-headers.ts).
    cspTileSources: parseCspSources('CSP_TILE_SOURCES', env.CSP_TILE_SOURCES, DEFAULT_TILE_SOURCES),
    cspConnectSources: parseCspSources('CSP_CONNECT_SOURCES', env.CSP_CONNECT_SOURCES, []),
  };
}

function trustProxyOf(value: string | undefined): boolean | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  return v;
}
