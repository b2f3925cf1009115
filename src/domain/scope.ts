/**
 * Pull scopes (issue 13 §5): which events a person's phone holds. Staff and admins hold the whole
 * ledger (scope `all`); a volunteer holds the events they created and those whose volunteer list
 * names them (`volunteers[].userId`), scope `own:<userId>`. Shared by the server (which records,
 * on every event write, who enters and who leaves an event's scope: table `event_access`) and the
 * phone (which drops what left its scope, keeping anything it has not synced yet).
 */
import type { LedgerEvent } from './event.js';
import type { Role } from './account.js';

/** `all`, or `own:<userId>`. */
export type PullScope = 'all' | `own:${string}`;

/** The scope a role's pull has. */
export function scopeOf(user: { id: string; role: Role }): PullScope {
  return user.role === 'volunteer' ? `own:${user.id}` : 'all';
}

/** The user a scope is limited to; null for `all`. */
export function scopeUser(scope: string): string | null {
  return scope.startsWith('own:') ? scope.slice(4) : null;
}

/** The users (other than staff) whose phones hold `e`: its author and every volunteer named by id. */
export function eventScopeUsers(e: Pick<LedgerEvent, 'createdBy' | 'volunteers'>): Set<string> {
  const out = new Set<string>([e.createdBy]);
  for (const v of e.volunteers) if (v.userId) out.add(v.userId);
  return out;
}

/** Whether a phone of `scope` holds `e`. */
export function inScope(scope: string, e: Pick<LedgerEvent, 'createdBy' | 'volunteers'>): boolean {
  const user = scopeUser(scope);
  return user === null || eventScopeUsers(e).has(user);
}

/** One change of a user's access to an event, recorded with the rev of the write that made it. */
export interface AccessChange {
  userId: string;
  /** In scope after the write (false: the write took the event out of the user's scope). */
  member: boolean;
}

/**
 * The access changes one write of an event makes: every user in its scope after the write
 * (member) and every user in its scope before it who is no longer (not member). Users in scope
 * both before and after are listed too, so their access row carries the event's new rev.
 */
export function accessChanges(
  before: Pick<LedgerEvent, 'createdBy' | 'volunteers'> | null | undefined,
  after: Pick<LedgerEvent, 'createdBy' | 'volunteers'>,
): AccessChange[] {
  const now = eventScopeUsers(after);
  const out: AccessChange[] = [...now].map((userId) => ({ userId, member: true }));
  if (before) for (const u of eventScopeUsers(before)) if (!now.has(u)) out.push({ userId: u, member: false });
  return out;
}
