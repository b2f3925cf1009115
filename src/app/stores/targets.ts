/**
 * The targets store: staff's targets (绩效目标) written through the target repository, over the
 * ledger store's world (clock, ids, identity, device id, zone). Its own store so that the logging
 * route, which never touches targets, does not carry the repository.
 */
import { defineStore } from 'pinia';
import { ledgerDb } from '../db/database';
import { createTargetRepository } from '../db/target-repository';
import { useLedgerStore } from './ledger';

/** `repo`: create, edit and delete targets, each with its outbox mutation in one transaction. */
export const useTargetsStore = defineStore('targets', () => {
  const ledger = useLedgerStore();
  return { repo: createTargetRepository(ledgerDb(), ledger.world) };
});
