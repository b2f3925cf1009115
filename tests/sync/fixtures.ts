/** Shared fixtures of the sync tests: valid events and mutations with readable defaults. */
import { emptyEventContent, eventFieldsOf, type LedgerEvent } from '../../src/domain/event';
import type { Mutation, PulledRow } from '../../src/sync/protocol';

export const CLIENT_A = '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70';
export const EVENT_1 = '018a9b7c-1d2e-7f00-8a00-000000000001';
export const EVENT_2 = '018a9b7c-1d2e-7f00-8a00-000000000002';
export const EVENT_3 = '018a9b7c-1d2e-7f00-8a00-000000000003';

/** A valid stored event in 平山街道 on 全国科普日 2023, as the server would send it. */
export function sampleEvent(overrides: Partial<LedgerEvent> = {}): LedgerEvent {
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
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id: EVENT_1,
    orgId: 'org-1',
    createdBy: 'u-vol-1',
    createdAt: '2023-09-16T12:00:00+08:00',
    updatedBy: 'u-vol-1',
    updatedAt: '2023-09-16T12:00:00+08:00',
    deleted: false,
    rev: 0,
    ...overrides,
  };
}

/** A pulled event row. */
export function pulledEvent(overrides: Partial<LedgerEvent> = {}): PulledRow {
  return { entity: 'event', row: sampleEvent(overrides) };
}

/** An event 'put' mutation. */
export function put(seq: number, eventId: string, fields: Extract<Mutation, { op: 'put'; entity: 'event' }>['fields']): Extract<Mutation, { entity: 'event' }> {
  return { entity: 'event', op: 'put', seq, eventId, fields, at: '2023-09-17T08:00:00+08:00' };
}

/** An event 'delete' or 'undelete' mutation. */
export function del(seq: number, eventId: string, op: 'delete' | 'undelete' = 'delete'): Extract<Mutation, { entity: 'event' }> {
  return { entity: 'event', op, seq, eventId, at: '2023-09-17T08:00:00+08:00' };
}

/** The create mutation of an event: every mutable field. */
export function createOf(seq: number, e: LedgerEvent): Extract<Mutation, { entity: 'event' }> {
  return { entity: 'event', op: 'put', seq, eventId: e.id, fields: eventFieldsOf(e), at: e.createdAt };
}
