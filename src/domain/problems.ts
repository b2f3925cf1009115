import type { BaseIssue } from 'valibot';
import { getDotPath } from 'valibot';

/** One thing wrong with an input: where (dot path, '' for the whole) and a code the UI translates. */
export interface Problem {
  readonly field: string;
  readonly code: string;
}

/** The outcome of a validation: the clean value, or every problem found. */
export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Turns valibot issues into problems; an issue's message is our code (schemas set it). */
export function toProblems(issues: readonly BaseIssue<unknown>[]): Problem[] {
  return issues.map((issue) => ({
    field: getDotPath(issue) ?? '',
    code: issue.message.startsWith('Invalid') ? codeOfDefaultMessage(issue) : issue.message,
  }));
}

function codeOfDefaultMessage(issue: BaseIssue<unknown>): string {
  // Valibot's own messages ("Invalid key: …", "Invalid type: …") for checks we did not word.
  if (issue.expected === 'never') return 'unknownField';
  if (issue.received === 'undefined' && issue.path?.length) return 'required';
  if (issue.type === 'object' || issue.type === 'strict_object') return 'notObject';
  if (issue.type === 'array') return 'notList';
  return 'invalid';
}
