/**
 * External figures (外部数据): numbers an indicator of the 自评表 takes from outside the ledger's
 * events — the public feedback channel's on-time and satisfaction rates, and whatever a later
 * source adds. The keys are an open set: an indicator may name any well-formed key, and the
 * caller of the evaluation passes `externals: Record<string, number>`; a key with no figure reads
 * 未取得 (the indicator scores 0, or what staff enter under the manual rule). Values are in the
 * indicator's own unit: a rate is a percentage (96.5 = 96.5%), compared with a 目标值 such as 95.
 * The registry below names the known keys for the editor and the table. Pure.
 */

/** A known external figure. */
export interface ExternalFigure {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  /** The unit the figure comes in. */
  readonly unit: string;
}

/** The known keys, in the order the editor offers them. */
export const EXTERNAL_FIGURES: readonly ExternalFigure[] = [
  { key: 'feedback.onTimeRate', zh: '群众意见按时办结率', en: 'Public feedback answered on time', unit: '%' },
  { key: 'feedback.satisfactionRate', zh: '群众意见办理满意度', en: 'Satisfaction with feedback handling', unit: '%' },
  { key: 'feedback.count', zh: '收到群众意见数', en: 'Public feedback received', unit: '件' },
];

/** The figures supplied to one evaluation, by key. */
export type ExternalFigures = Readonly<Record<string, number>>;

/** A key's label in a language, or the key itself when it is not in the registry. */
export function externalFigureLabel(key: string, lang: 'zh' | 'en' = 'zh'): string {
  const f = EXTERNAL_FIGURES.find((x) => x.key === key);
  return f ? f[lang] : key;
}

/** The figure of a key, or null when it is missing or not a finite number (未取得). */
export function externalFigure(externals: ExternalFigures | undefined, key: string | null | undefined): number | null {
  if (!externals || !key || !Object.prototype.hasOwnProperty.call(externals, key)) return null;
  const x = externals[key];
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
