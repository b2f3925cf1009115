/**
 * The awards store: staff's competition awards (竞赛获奖) written through the award repository, over
 * the ledger store's world (clock, ids, identity, device id, zone). Loaded only by the reports
 * screen's awards section (a staff-only chunk), never by a volunteer's routes.
 */
import { defineStore } from 'pinia';
import { ledgerDb } from '../db/database';
import { createAwardRepository } from '../db/award-repository';
import { useLedgerStore } from './ledger';

/** `repo`: create, edit and delete awards, each with its outbox mutation in one transaction. */
export const useAwardsStore = defineStore('awards', () => {
  const ledger = useLedgerStore();
  return { repo: createAwardRepository(ledgerDb(), ledger.world) };
});
