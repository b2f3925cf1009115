/**
 * Field problems of the account forms (login, join, setup, users, password) in words that name
 * the field and its rule — "密码至少需要 8 位", never a bare "不符合要求". The same codes come
 * from the shared schemas (checked on the phone before sending) and from the server's 400
 * `problems`, so one table of words (messages/account.ts) serves both.
 */
import * as v from 'valibot';
import { ACCOUNT_LIMITS } from '../../../domain/account';
import { toProblems, type Problem } from '../../../domain/problems';

type T = (key: string, named?: Record<string, unknown>) => string;
type Te = (key: string) => boolean;

/** The limits a message may name ({passwordMin}, {nameMax} …). */
const LIMITS: Record<string, unknown> = { ...ACCOUNT_LIMITS };

/**
 * Which words a form's field goes by, when its name differs from the words' (join's
 * `phoneOrUsername` is `username`; setup's `code` is `setupCode`).
 */
export type FieldWords = Readonly<Record<string, string>>;

/** Every problem the schema finds in `input` (none: []). */
export function schemaProblems(schema: v.GenericSchema, input: unknown): Problem[] {
  const r = v.safeParse(schema, input);
  return r.success ? [] : toProblems(r.issues);
}

/** The first problem of each top-level field, by field name. */
export function firstByField(problems: readonly Problem[]): Record<string, Problem> {
  const out: Record<string, Problem> = {};
  for (const p of problems) out[p.field.split('.')[0] ?? ''] ??= p;
  return out;
}

/**
 * One problem in words: the field's own sentence, else "<field>: <words for the code>" (the
 * account words for codes any field can get, then the validation words).
 */
export function problemText(p: Problem, t: T, te: Te, words: FieldWords = {}): string {
  const field = p.field.split('.')[0] ?? '';
  const name = words[field] ?? field;
  const own = `account.problem.${name}.${p.code}`;
  if (te(own)) return t(own, LIMITS);
  const generic = te(`account.problem.any.${p.code}`)
    ? t(`account.problem.any.${p.code}`)
    : te(`validation.${p.code}`)
      ? t(`validation.${p.code}`)
      : t('validation.invalid');
  return te(`account.field.${name}`) ? t('account.problem.generic', { field: t(`account.field.${name}`), problem: generic }) : generic;
}

/** Field → its problem in words, for a form's error messages. */
export function fieldMessages(problems: readonly Problem[], t: T, te: Te, words: FieldWords = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, p] of Object.entries(firstByField(problems))) out[field] = problemText(p, t, te, words);
  return out;
}

/** The line under a refused form: how many fields and what is wrong with each, in form order. */
export function problemSummary(messages: Readonly<Record<string, string>>, t: T): string {
  const list = Object.values(messages);
  return list.length ? t('account.error.summary', { n: list.length, list: list.join('；') }) : '';
}
