import { v7 as uuidV7 } from 'uuid';

/** A UUID v7 naming one ledger event; made on the device that first saved it. */
export type EventId = string;
/** A 12-digit statistical code (统计用区划代码) of a township-level unit. */
export type TownshipCode = string;
/** A 12-digit statistical code of a village or community (村/社区). */
export type VillageCode = string;
/** A UUID naming one device's copy of the app (the sync client). */
export type ClientId = string;
/** A server-side user id. */
export type UserId = string;

/**
 * Makes a UUID v7 from a millisecond clock reading and 16 random bytes; the caller supplies both,
 * so domain code stays free of IO and a test can make the same id twice.
 */
export function createUuidV7(msecs: number, random: Uint8Array): string {
  return uuidV7({ msecs, random });
}

/** Whether a string is a canonical lower-case UUID (any version). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}
