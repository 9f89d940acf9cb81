// Downloads of a plan: the action-plan document as Word, PDF, Excel or CSV, the whole plan as JSON, and a page to print.
import type { FastifyInstance } from 'fastify';
import { asAtLabel, loadPlanAsAt, requestedMoment } from '../history/planAsAt.js';
import { loadPlanContents } from '../plans/planContents.js';
import { sendCached } from '../web/responseCache.js';
import { actionPlanDocument, exportPlan } from './exportPlan.js';
import type { PlanFormat } from './planFormats.js';

export async function exportPages(app: FastifyInstance): Promise<void> {
  async function built(slug: string, format: PlanFormat, at: string | undefined) {
    const file = await exportPlan(app.db, slug, format, at);
    return {
      body: file.bytes,
      contentType: file.contentType,
      headers: { 'content-disposition': `attachment; filename="${file.fileName}"` },
    };
  }

  for (const format of ['docx', 'pdf', 'xlsx', 'csv'] as const satisfies PlanFormat[]) {
    app.get<{ Params: { slug: string }; Querystring: { at?: string } }>(
      `/plans/:slug/export.${format}`,
      // Built once per version of the plan (every reader of it gets the same file) and moment asked for, and
      // compressed there if at all.
      { config: { access: 'plan:read' }, compress: false },
      async (request, reply) => {
        const at = requestedMoment(request.query.at);
        return sendCached(request, reply, {
          kind: `export.${format}`,
          query: at ?? '',
          build: () => built(request.params.slug, format, at),
        });
      },
    );
  }

  // The same interchange shape as the API's export.json, for the signed-in browser: the API takes only tokens. The
  // whole plan, with every update, is not kept in the browser's cache on a shared machine.
  app.get<{ Params: { slug: string }; Querystring: { at?: string } }>(
    '/plans/:slug/export.json',
    { config: { access: 'plan:read' }, compress: false },
    async (request, reply) => {
      const at = requestedMoment(request.query.at);
      return sendCached(request, reply.header('cache-control', 'no-store'), {
        kind: 'export.json',
        query: at ?? '',
        build: () => built(request.params.slug, 'json', at),
      });
    },
  );

  app.get<{ Params: { slug: string }; Querystring: { at?: string } }>(
    '/plans/:slug/print',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const at = requestedMoment(request.query.at);
      const contents = at
        ? await loadPlanAsAt(app.db.kysely, request.params.slug, at, { updates: 'all' })
        : await loadPlanContents(app.db.kysely, request.params.slug, { updates: 'all' });
      return reply.render('exports/views/actionPlanPrint.njk', {
        doc: await actionPlanDocument(app.db.kysely, contents, at),
        asAtLabel: at ? asAtLabel(at) : null,
      });
    },
  );
}
