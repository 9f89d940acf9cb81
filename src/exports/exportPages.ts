// Downloads of a plan: the action-plan document as Word, PDF, Excel or CSV, the whole plan as JSON, and a page to print.
import type { FastifyInstance } from 'fastify';
import { asAtLabel, loadPlanAsAt, requestedMoment } from '../history/planAsAt.js';
import { loadPlanContents } from '../plans/planContents.js';
import { buildActionPlanDocument } from './actionPlanDocument.js';
import { exportPlan, type PlanFormat } from './exportPlan.js';

export async function exportPages(app: FastifyInstance): Promise<void> {
  for (const format of ['docx', 'pdf', 'xlsx', 'csv'] as const satisfies PlanFormat[]) {
    app.get<{ Params: { slug: string }; Querystring: { at?: string } }>(
      `/plans/:slug/export.${format}`,
      { config: { access: 'plan:read' } },
      async (request, reply) => {
        const file = await exportPlan(app.db, request.params.slug, format, requestedMoment(request.query.at));
        return reply
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${file.fileName}"`)
          .send(file.bytes);
      },
    );
  }

  // The same interchange shape as the API's export.json, for the signed-in browser: the API takes only tokens. The
  // whole plan, with every update, is not kept in the browser's cache on a shared machine.
  app.get<{ Params: { slug: string }; Querystring: { at?: string } }>(
    '/plans/:slug/export.json',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const file = await exportPlan(app.db, request.params.slug, 'json', requestedMoment(request.query.at));
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .send(file.bytes);
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
        doc: buildActionPlanDocument(contents),
        asAtLabel: at ? asAtLabel(at) : null,
      });
    },
  );
}
