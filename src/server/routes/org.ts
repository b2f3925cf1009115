/**
 * The org-level taxonomy: GET (anyone signed in) and PUT (staff, admin). A PUT may add entries,
 * rename and retire them, but never remove a code the org's taxonomy has (events point at it):
 * that is a 400 with one `removedCode:<code>` problem per missing code, and nothing is written.
 * With none stored, the org's taxonomy is the server's default (DEFAULT_TAXONOMY unless the app
 * was built with other reference data). The document also carries the org's report lines and
 * clause edits; a PUT without them (an app from before they existed) keeps the stored ones.
 */
import type { FastifyInstance } from 'fastify';
import type { Problem } from '../../domain/problems.js';
import { taxonomySchema, type Taxonomy } from '../../domain/taxonomy.js';
import { removedCodes } from '../../domain/taxonomy-merge.js';
import { STAFF, parse, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';

/** GET/PUT /api/org/taxonomy answer; `updatedAt`/`updatedBy` null while the default applies. */
export interface OrgTaxonomyResponse {
  taxonomy: Taxonomy;
  updatedAt: string | null;
  updatedBy: string | null;
}

export async function orgRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  app.get('/api/org/taxonomy', { onRequest: requireRole() }, async (req): Promise<OrgTaxonomyResponse> => {
    const row = await k.store.getTaxonomy(userOf(req).orgId);
    return row
      ? { taxonomy: row.taxonomy, updatedAt: row.updatedAt, updatedBy: row.updatedBy }
      : { taxonomy: k.refs.taxonomy, updatedAt: null, updatedBy: null };
  });

  app.put('/api/org/taxonomy', { onRequest: requireRole(...STAFF) }, async (req): Promise<OrgTaxonomyResponse> => {
    const me = userOf(req);
    const next = parse(taxonomySchema, req.body);
    const updatedAt = k.now().toISOString();
    let problems: Problem[] = [];
    const stored = await k.store.putTaxonomy(me.orgId, (current) => {
      problems = removedCodes(current?.taxonomy ?? k.refs.taxonomy, next);
      const kept = { ...next };
      if (kept.reportLines === undefined && current?.taxonomy.reportLines !== undefined) kept.reportLines = current.taxonomy.reportLines;
      if (kept.clauseEdits === undefined && current?.taxonomy.clauseEdits !== undefined) kept.clauseEdits = current.taxonomy.clauseEdits;
      return problems.length ? null : { taxonomy: kept, updatedBy: me.id, updatedAt };
    });
    if (problems.length) fail('invalid', 'A taxonomy code, once used, is never removed; retire the entry instead.', problems);
    req.log.info({ orgId: me.orgId, by: me.id }, 'taxonomy updated');
    return { taxonomy: stored!.taxonomy, updatedAt: stored!.updatedAt, updatedBy: stored!.updatedBy };
  });
}
