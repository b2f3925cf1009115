/**
 * Numbered, append-only SQL migrations (`migrations/<kind>/NNN-name.sql`). Read from the source
 * tree, which is next to this file under vitest and three levels up from dist-server/ when built.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

function migrationsDir(kind: 'sqlite' | 'postgres'): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'migrations', kind),
    // dist-server/server/store → <repo>/src/server/store/migrations
    path.join(here, '..', '..', '..', 'src', 'server', 'store', 'migrations', kind),
  ];
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new Error(`migrations for ${kind} not found in ${candidates.join(' or ')}`);
  return found;
}

export function loadMigrations(kind: 'sqlite' | 'postgres'): Migration[] {
  const dir = migrationsDir(kind);
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(path.join(dir, file), 'utf8') });
  }
  // Numbers rise strictly; a gap is allowed (branches reserve numbers ahead of each other, e.g. the
  // feedback tables are SQLite 009 / PostgreSQL 010 while 008 / 009 land from another branch). A
  // database records each applied version, so a lower number merged later is still applied.
  out.forEach((mig, i) => {
    const prev = i === 0 ? 0 : out[i - 1]!.version;
    if (mig.version <= prev || (i === 0 && mig.version !== 1))
      throw new Error(
        `migration numbers must rise from 001 without repeats; found ${String(mig.version).padStart(3, '0')} after ${String(prev).padStart(3, '0')}`,
      );
  });
  return out;
}
