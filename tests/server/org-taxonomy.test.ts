/**
 * The org-level taxonomy: GET /api/org/taxonomy, PUT by staff (add, rename, retire; never remove
 * a code), and pushes checked against the org's taxonomy, on SQLite and PostgreSQL.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blankLine, DEFAULT_REPORT_LINES } from '../../src/domain/report-lines';
import { DEFAULT_TAXONOMY, type Taxonomy } from '../../src/domain/taxonomy';
import type { PushResponse } from '../../src/sync/protocol';
import { bearer, eventFields, handleFor, newId, push, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const withFilm = (base: Taxonomy): Taxonomy => ({ ...base, formats: [...base.formats, { code: 'film', zh: '科普电影放映', en: 'Science film' }] });

describe.each<StoreKind>(['sqlite', 'postgres'])('org taxonomy on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  beforeAll(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
  });
  afterAll(async () => {
    await app.close();
    await h.cleanup();
  });

  const get = () => app.inject({ method: 'GET', url: '/api/org/taxonomy', headers: bearer(acc.volA) });
  const put = (who: keyof Accounts, body: unknown) =>
    app.inject({ method: 'PUT', url: '/api/org/taxonomy', headers: bearer(acc[who]), payload: body as object });

  test('a new association answers the default taxonomy, never updated', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ taxonomy: DEFAULT_TAXONOMY, updatedAt: null, updatedBy: null });
  });

  test('an event with a code staff have not added yet is rejected as unknownCode', async () => {
    const res = await push(app, acc.volA, newId(), [putEvent(1, newId(), eventFields({ format: 'film' }))]);
    expect(res.json<PushResponse>().results[0]).toEqual({
      seq: 1,
      status: 'rejected',
      reason: 'invalid',
      problems: [{ field: 'format', code: 'unknownCode' }],
    });
  });

  test('staff add an entry; every signed-in user reads it and volunteers’ events may use it', async () => {
    const res = await put('staff', withFilm(DEFAULT_TAXONOMY));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ taxonomy: withFilm(DEFAULT_TAXONOMY), updatedBy: acc.staff.userId });
    const read = await get();
    expect(read.json<{ taxonomy: Taxonomy }>().taxonomy.formats.at(-1)).toEqual({ code: 'film', zh: '科普电影放映', en: 'Science film' });
    const pushed = await push(app, acc.volA, newId(), [putEvent(1, newId(), eventFields({ format: 'film' }))]);
    expect(pushed.json<PushResponse>().results[0]).toMatchObject({ seq: 1, status: 'applied' });
  });

  test('the admin renames and retires an entry; a retired code still validates events', async () => {
    const current = (await get()).json<{ taxonomy: Taxonomy }>().taxonomy;
    const next = { ...current, formats: current.formats.map((e) => (e.code === 'film' ? { ...e, zh: '科普电影', retired: true } : e)) };
    const res = await put('admin', next);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ taxonomy: Taxonomy }>().taxonomy.formats.find((e) => e.code === 'film')).toEqual({
      code: 'film',
      zh: '科普电影',
      en: 'Science film',
      retired: true,
    });
    const pushed = await push(app, acc.volB, newId(), [putEvent(1, newId(), eventFields({ format: 'film' }))]);
    expect(pushed.json<PushResponse>().results[0]?.status).toBe('applied');
  });

  test('a PUT that leaves out an existing code is refused with the missing codes and writes nothing', async () => {
    const before = await h.store.dump();
    const current = (await get()).json<{ taxonomy: Taxonomy }>().taxonomy;
    const res = await put('staff', {
      ...current,
      formats: current.formats.filter((e) => e.code !== 'film'),
      venues: current.venues.filter((e) => e.code !== 'school'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'invalid',
      problems: [
        { field: 'formats', code: 'removedCode:film' },
        { field: 'venues', code: 'removedCode:school' },
      ],
    });
    expect(await h.store.dump()).toEqual(before);
  });

  test('a default code left out of the first PUT is refused too', async () => {
    const res = await put('staff', { ...DEFAULT_TAXONOMY, themes: DEFAULT_TAXONOMY.themes.slice(1) });
    expect([res.statusCode, res.json().problems]).toEqual([
      400,
      [
        { field: 'formats', code: 'removedCode:film' },
        { field: 'themes', code: 'removedCode:traditional-culture' },
      ],
    ]);
  });

  test('malformed bodies are 400 with problems; volunteers are 403; nothing is written', async () => {
    const before = await h.store.dump();
    const current = (await get()).json<{ taxonomy: Taxonomy }>().taxonomy;
    const cases: [unknown, number][] = [
      [{ ...current, extra: [] }, 400],
      [{ ...current, formats: [...current.formats, { code: 'Bad Code', zh: 'x' }] }, 400],
      [{ ...current, formats: [...current.formats, { code: 'lecture', zh: '重复' }] }, 400],
      [{ ...current, themes: [...current.themes, { code: 'blank', zh: '  ' }] }, 400],
      [[], 400],
    ];
    for (const [body, status] of cases) {
      const res = await put('staff', body);
      expect([res.statusCode, res.json().error], JSON.stringify(body).slice(0, 80)).toEqual([status, 'invalid']);
    }
    const vol = await put('volA', withFilm(current));
    expect([vol.statusCode, vol.json().error]).toEqual([403, 'forbidden']);
    expect(await h.store.dump()).toEqual(before);
  });

  test('the report lines (统计口径) and clause edits sync in the org document; a line naming an unknown code is refused', async () => {
    const current = (await get()).json<{ taxonomy: Taxonomy }>().taxonomy;
    expect(current.reportLines).toBeUndefined();
    const lines = [...DEFAULT_REPORT_LINES, { ...blankLine('film-no-campaign', '科普电影（无专项）'), formats: ['film'], campaigns: ['none'] }];
    const edits = [
      { year: 2023, key: 'line:sci-tech-week', text: '五是开展主题活动3场次', generated: '五是开展“热爱科学 崇尚科学”2023年全国科技活动周主题活动3场次' },
    ];
    const res = await put('staff', { ...current, reportLines: lines, clauseEdits: edits });
    expect(res.statusCode, res.body).toBe(200);
    const read = (await get()).json<{ taxonomy: Taxonomy }>().taxonomy;
    expect(read.reportLines).toEqual(lines);
    expect(read.clauseEdits).toEqual(edits);
    // Another server process reads the same (the store kept it, not the process).
    expect((await h.store.getTaxonomy(acc.staff.orgId))?.taxonomy.reportLines).toEqual(lines);

    const before = await h.store.dump();
    const bad = await put('staff', { ...read, reportLines: [...lines, { ...blankLine('ghost', '幽灵'), formats: ['no-such-format'] }] });
    expect([bad.statusCode, bad.json().problems]).toEqual([400, [{ field: 'reportLines.9.formats', code: 'unknownCode' }]]);
    const empty = await put('staff', { ...read, reportLines: [blankLine('all', '全部')] });
    expect([empty.statusCode, empty.json().problems]).toEqual([400, [{ field: 'reportLines.0', code: 'lineMatchesEverything' }]]);
    expect(await h.store.dump()).toEqual(before);

    // An app from before report lines existed sends the lists only: the stored lines and edits stay.
    const { reportLines: _l, clauseEdits: _e, ...listsOnly } = read;
    const old = await put('staff', listsOnly);
    expect(old.statusCode, old.body).toBe(200);
    expect(old.json<{ taxonomy: Taxonomy }>().taxonomy.reportLines).toEqual(lines);
    expect((await get()).json<{ taxonomy: Taxonomy }>().taxonomy.clauseEdits).toEqual(edits);
  });
});
