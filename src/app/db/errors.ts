/**
 * Errors the ledger's data layer throws; the UI tells them apart by class and shows `problems`
 * next to the fields (codes translated by the validation messages).
 */
import type { Problem } from '../../domain/problems';

/** Input the ledger refuses: every problem found, each with its field and code. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly problems: Problem[]) {
    super(`invalid input: ${problems.map((p) => `${p.field || '(whole)'} ${p.code}`).join(', ')}`);
  }
}

/** A record asked for by id that the ledger does not hold (not 'NotFoundError': Dexie rewraps that name). */
export class MissingRecordError extends Error {
  override readonly name = 'MissingRecordError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** A backup file the ledger will not import; nothing was written. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: string,
    readonly problems: Problem[] = [],
  ) {
    super(
      `cannot import ledger file (${code})${
        problems.length
          ? `: ${problems
              .slice(0, 5)
              .map((p) => `${p.field} ${p.code}`)
              .join(', ')}`
          : ''
      }`,
    );
  }
}
