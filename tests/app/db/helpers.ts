/** Shared fixtures of the data-layer tests: a fresh database per test and a controllable world. */
import { emptyEventContent, type EventContent } from '../../../src/domain/event';
import { LedgerDb } from '../../../src/app/db/ledger-db';
import { createEventRepository, type Identity, type RepositoryDeps } from '../../../src/app/db/event-repository';

let counter = 0;
/** A LedgerDb with a name no other test uses. */
export function freshDb(): LedgerDb {
  counter += 1;
  return new LedgerDb(`test-ledger-${counter}-${Math.random().toString(36).slice(2)}`);
}

/** A fixed clock (advanced by hand), counting random bytes, a fixed identity and device id. */
export function testDeps(overrides: Partial<RepositoryDeps> = {}) {
  const clock = { ms: Date.parse('2023-09-16T02:00:00Z') };
  let r = 0;
  const identity: Identity = { userId: 'u-volunteer-1', orgId: 'org-huidong', role: 'volunteer' };
  const deps: RepositoryDeps = {
    now: () => clock.ms,
    random16: () => new Uint8Array(16).fill((r += 1)),
    identity: () => identity,
    clientId: async () => '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70',
    timeZone: 'Asia/Shanghai',
    ...overrides,
  };
  return { deps, clock };
}

/** A repository over a fresh database. */
export function freshRepo(overrides: Partial<RepositoryDeps> = {}) {
  const db = freshDb();
  const { deps, clock } = testDeps(overrides);
  return { db, repo: createEventRepository(db, deps), clock };
}

/** A valid event in 平山街道 on 全国科普日 2023. */
export function sampleContent(overrides: Partial<EventContent> = {}): EventContent {
  return {
    ...emptyEventContent('2023-09-16T09:30:00+08:00', '2023-09-16T11:30:00+08:00'),
    title: '全国科普日进校园',
    format: 'lecture',
    venue: 'school',
    campaign: 'science-day',
    townshipCode: '441323001000',
    venueName: '平山中学',
    attendance: 120,
    materials: [{ kind: 'leaflet', count: 200 }],
    ...overrides,
  };
}

export const ID1 = '018a9b7c-1d2e-7f00-8a00-000000000001';
export const ID2 = '018a9b7c-1d2e-7f00-8a00-000000000002';
