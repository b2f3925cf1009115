/** Server configuration from environment variables (documented in src/server/README.md). */
import { DEFAULT_FEEDBACK_LIMITS, type FeedbackLimits } from './routes/feedback.js';
import path from 'node:path';
import { DEFAULT_TILE_SOURCES, parseCspSources } from './http/security-headers.js';
import { DEFAULT_SESSION_IDLE_DAYS, DEFAULT_SESSION_MAX_DAYS } from './auth/sessions.js';
import { DEFAULT_BACKUP_EVERY_HOURS, DEFAULT_BACKUP_KEEP } from './backup-schedule.js';
import { DEFAULT_BLOB_GRACE_DAYS } from './blob-sweep.js';
import { REPO_ROOT } from './region.js';
import { DEFAULT_BLOB_BUDGET } from './routes/blobs.js';

/** The SQLite file inside DATA_DIR. */
export const SQLITE_FILE = 'ledger.sqlite';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  logLevel: string;
  /** LOG_FORMAT: `json` (JSON lines, the default) or `pretty` (log-format.ts). */
  logFormat: 'json' | 'pretty';
  staticDir: string;
  region: string;
  /** Fastify's trustProxy: false, true, or a comma-separated list of proxy addresses/CIDRs. */
  trustProxy: boolean | string;
  // Security headers (http/security-headers.ts).
  /** CSP_TILE_SOURCES: base-map tile hosts the app may load (default 天地图 and 高德). */
  cspTileSources: string[];
  /** CSP_CONNECT_SOURCES: further origins the app may fetch from (default none). */
  cspConnectSources: string[];
  // Accounts: the server secret and session lifetimes (auth/secret.ts, auth/sessions.ts).
  /** SECRET_KEY, or null to use (and on first start create) DATA_DIR/secret.key. */
  secretKey: string | null;
  /** SESSION_IDLE_DAYS: a token unused this long has expired. */
  sessionIdleDays: number;
  /** SESSION_MAX_DAYS: a token this old has expired, however often it is used. */
  sessionMaxDays: number;
  /** Photos: the org's storage budget and each user's 24-hour upload budget (bytes). */
  blobBudget: { orgBytes: number; userDailyBytes: number };
  /** Photos: days an upload may stay unnamed by any event before the sweep removes it. */
  blobGraceDays: number;
  /** Scheduled SQLite backups (backup-schedule.ts): every BACKUP_EVERY_HOURS (0: none), keeping BACKUP_KEEP. */
  backupEveryHours: number;
  backupKeep: number;
  /** Public feedback limits (routes/feedback.ts): FEEDBACK_PER_ADDRESS_MINUTE, FEEDBACK_PER_ADDRESS_DAY, FEEDBACK_PER_CODE_DAY, FEEDBACK_LOOKUPS_PER_ADDRESS. */
  feedbackLimits: FeedbackLimits;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got "${env.PORT}"`);
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const logFormat = (env.LOG_FORMAT ?? 'json').trim().toLowerCase() || 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new Error(`LOG_FORMAT must be json or pretty, got "${env.LOG_FORMAT}"`);
  const backupKeep = positiveOf(env, 'BACKUP_KEEP', DEFAULT_BACKUP_KEEP, 1);
  if (!Number.isInteger(backupKeep)) throw new Error(`BACKUP_KEEP must be a whole number of at least 1, got "${env.BACKUP_KEEP}"`);
  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL.trim() : null;
  return {
    port,
    host: env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR && env.DATA_DIR.trim() !== '' ? env.DATA_DIR : './data'),
    databaseUrl,
    logLevel,
    logFormat,
    staticDir: path.resolve(env.STATIC_DIR && env.STATIC_DIR.trim() !== '' ? env.STATIC_DIR : path.join(REPO_ROOT, 'dist')),
    region: env.REGION && env.REGION.trim() !== '' ? env.REGION.trim() : 'huidong',
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    // Security headers (http/security-headers.ts).
    cspTileSources: parseCspSources('CSP_TILE_SOURCES', env.CSP_TILE_SOURCES, DEFAULT_TILE_SOURCES),
    cspConnectSources: parseCspSources('CSP_CONNECT_SOURCES', env.CSP_CONNECT_SOURCES, []),
    ...accountSettingsOf(env),
    // Photo budgets and the sweep of unnamed photos (routes/blobs.ts, blob-sweep.ts).
    blobBudget: {
      orgBytes: positiveOf(env, 'BLOB_ORG_QUOTA_MB', DEFAULT_BLOB_BUDGET.orgBytes / MIB) * MIB,
      userDailyBytes: positiveOf(env, 'BLOB_USER_DAILY_MB', DEFAULT_BLOB_BUDGET.userDailyBytes / MIB) * MIB,
    },
    blobGraceDays: positiveOf(env, 'BLOB_GRACE_DAYS', DEFAULT_BLOB_GRACE_DAYS, 1),
    backupEveryHours: positiveOf(env, 'BACKUP_EVERY_HOURS', DEFAULT_BACKUP_EVERY_HOURS, 0),
    backupKeep,
    feedbackLimits: {
      perAddressMinute: positiveOf(env, 'FEEDBACK_PER_ADDRESS_MINUTE', DEFAULT_FEEDBACK_LIMITS.perAddressMinute, 1),
      perAddressDay: positiveOf(env, 'FEEDBACK_PER_ADDRESS_DAY', DEFAULT_FEEDBACK_LIMITS.perAddressDay, 1),
      perCodeDay: positiveOf(env, 'FEEDBACK_PER_CODE_DAY', DEFAULT_FEEDBACK_LIMITS.perCodeDay, 1),
      lookupsPerAddress: positiveOf(env, 'FEEDBACK_LOOKUPS_PER_ADDRESS', DEFAULT_FEEDBACK_LIMITS.lookupsPerAddress, 1),
      duplicateMinutes: DEFAULT_FEEDBACK_LIMITS.duplicateMinutes,
    },
  };
}

function accountSettingsOf(env: NodeJS.ProcessEnv): Pick<Config, 'secretKey' | 'sessionIdleDays' | 'sessionMaxDays'> {
  const days = (name: 'SESSION_IDLE_DAYS' | 'SESSION_MAX_DAYS', fallback: number): number => {
    const raw = (env[name] ?? '').trim();
    if (raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || n > 3650) throw new Error(`${name} must be a number of days above 0 and at most 3650, got "${env[name]}"`);
    return n;
  };
  const secret = (env.SECRET_KEY ?? '').trim();
  return {
    secretKey: secret === '' ? null : secret,
    sessionIdleDays: days('SESSION_IDLE_DAYS', DEFAULT_SESSION_IDLE_DAYS),
    sessionMaxDays: days('SESSION_MAX_DAYS', DEFAULT_SESSION_MAX_DAYS),
  };
}

const MIB = 1024 * 1024;

/** A number variable at least `min` (default: above 0), or its default when unset. */
function positiveOf(env: NodeJS.ProcessEnv, name: string, fallback: number, min?: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  const ok = Number.isFinite(n) && (min === undefined ? n > 0 : n >= min);
  if (!ok) throw new Error(`${name} must be a number ${min === undefined ? 'above 0' : `of at least ${min}`}, got "${raw}"`);
  return n;
}

function trustProxyOf(value: string | undefined): boolean | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  return v;
}
