import { expect, test } from 'vitest';
import { loadMigrations } from '../../src/server/store/migrations';
import { feedbackStoreConformance } from './feedback-store-conformance';
import { postgresHandle, sqliteHandle } from './helpers';

feedbackStoreConformance('SQLite (temp file)', sqliteHandle);
feedbackStoreConformance('PostgreSQL (own schema per run)', postgresHandle);

test('the feedback tables are SQLite 009 and PostgreSQL 010; numbers rise, gaps allowed', () => {
  for (const [kind, n] of [
    ['sqlite', 9],
    ['postgres', 10],
  ] as const) {
    const versions = loadMigrations(kind).map((m) => m.version);
    expect(loadMigrations(kind).find((m) => m.version === n)?.name).toBe('feedback');
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  }
});
