/**
 * The 群众意见 sentence of the 绩效自评报告, from the year's feedback figures (GET
 * /api/feedback/figures, computed by domain/feedback.ts). The wording is the report's:
 * "全年通过群众意见反映渠道收到意见建议N条，均在规定时限内办理答复，群众满意率X%。" — said only when it
 * is true: every decision and every reply made on time, none overdue, and every item answered.
 * Otherwise the sentence gives the counts as they are (answered, on time, late, overdue, still in
 * hand within the time limit), so the report never claims more than the register shows.
 * Pure; the Chinese here is the report's wording, not UI text.
 */

/** The figures the sentence reads (a subset of FeedbackFigures). */
export interface FeedbackSentenceFigures {
  /** Items received in the year (every channel). */
  readonly received: number;
  /** Items accepted (受理) in the year, and of them on or before their acceptance deadline. */
  readonly accepted: number;
  readonly acceptedOnTime: number;
  /** Items replied to, and of them on or before their reply deadline. */
  readonly replied: number;
  readonly repliedOnTime: number;
  /** Items past a deadline whose step is not done. */
  readonly overdueOpen: number;
  /** Items not accepted (不予受理): decided, with a reason, and so handled. Absent: none. */
  readonly rejected?: number;
  /** 回访满意度: how many answered, and the share of 4–5 among them (0..1). */
  readonly replySatisfaction: { readonly answered: number; readonly satisfiedRate: number | null };
  /** Event ratings: how many, and the share of 4–5 among them (0..1). */
  readonly eventSatisfaction?: { readonly answered: number; readonly satisfiedRate: number | null };
}

/** A rate (0..1) as the report writes a percentage: one decimal, none when whole ("96.5%", "100%"). */
export function percentText(rate: number): string {
  const p = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

/**
 * The satisfaction the sentence states: 回访满意度 (the people who got a reply) when anyone answered
 * the follow-up, else the event ratings; null when nobody rated anything.
 */
export function satisfactionOf(f: FeedbackSentenceFigures): { rate: number; source: 'reply' | 'event' } | null {
  if (f.replySatisfaction.answered > 0 && f.replySatisfaction.satisfiedRate !== null) return { rate: f.replySatisfaction.satisfiedRate, source: 'reply' };
  const e = f.eventSatisfaction;
  if (e && e.answered > 0 && e.satisfiedRate !== null) return { rate: e.satisfiedRate, source: 'event' };
  return null;
}

/** Whether every item was decided and answered within its time limit (what "均在规定时限内办理答复" claims). */
export function allHandledOnTime(f: FeedbackSentenceFigures): boolean {
  const handled = f.replied + (f.rejected ?? 0);
  return f.received > 0 && handled >= f.received && f.acceptedOnTime >= f.accepted && f.repliedOnTime >= f.replied && f.overdueOpen === 0;
}

/** The year's 群众意见 sentence, ending in "。". */
export function feedbackSentence(f: FeedbackSentenceFigures): string {
  const sat = satisfactionOf(f);
  const satisfied = sat ? `，${sat.source === 'reply' ? '群众满意率' : '活动满意率'}${percentText(sat.rate)}` : '';
  if (f.received === 0) return `全年通过群众意见反映渠道未收到意见建议${satisfied}。`;
  const head = `全年通过群众意见反映渠道收到意见建议${f.received}条`;
  if (allHandledOnTime(f)) return `${head}，均在规定时限内办理答复${satisfied}。`;

  const parts: string[] = [];
  const rejected = f.rejected ?? 0;
  const lateReplies = Math.max(0, f.replied - f.repliedOnTime);
  const lateAccepts = Math.max(0, f.accepted - f.acceptedOnTime);
  if (f.replied > 0) {
    parts.push(
      lateReplies === 0
        ? `已办理答复${f.replied}条，均在规定时限内`
        : `已办理答复${f.replied}条，其中在规定时限内答复${f.repliedOnTime}条，超过时限答复${lateReplies}条`,
    );
  }
  if (rejected > 0) parts.push(`不予受理并告知理由${rejected}条`);
  if (lateAccepts > 0) parts.push(`超过时限受理${lateAccepts}条`);
  if (f.overdueOpen > 0) parts.push(`超期未办结${f.overdueOpen}条`);
  const inHand = Math.max(0, f.received - f.replied - rejected - f.overdueOpen);
  if (inHand > 0) parts.push(`正在规定时限内办理${inHand}条`);
  return `${head}，${parts.join('，')}${satisfied}。`;
}

/**
 * The figures the 自评表's external indicators read (domain/external-figures.ts), in the
 * indicator's units: `feedback.count` (件), `feedback.onTimeRate` (%: replies made on time among
 * the items replied to or overdue — items still within their time limit are not yet judged) and
 * `feedback.satisfactionRate` (%: the sentence's satisfaction, 回访 first, else the event ratings).
 * A rate with nothing to judge is left out, so its indicator reads 未取得 rather than 0 or 100.
 */
export function feedbackExternals(f: FeedbackSentenceFigures): Record<string, number> {
  const out: Record<string, number> = { 'feedback.count': f.received };
  const judged = f.replied + f.overdueOpen;
  if (judged > 0) out['feedback.onTimeRate'] = Math.round((f.repliedOnTime / judged) * 1000) / 10;
  const sat = satisfactionOf(f);
  if (sat) out['feedback.satisfactionRate'] = Math.round(sat.rate * 1000) / 10;
  return out;
}
