// The dashboard pages: one plan's (/plans/:slug/dashboard) and every readable plan's (/dashboard), each also as a PDF.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { todayIso } from '../dates/ukDate.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { readablePlans } from '../web/access.js';
import { chartSvg } from './chartSvg.js';
import type { DashboardFigures } from './dashboardFigures.js';
import { cachedDashboard } from './dashboardCache.js';
import { dashboardSections, headlines, moversSince, narrowWidth, wideWidth } from './dashboardView.js';
import { planSurveys, surveyChangeLines } from '../surveys/surveyQueries.js';

/**
 * The plans the person may read, for the dashboard across plans: their ids, and their markings in one line (each
 * marking once), which the page and the PDF carry as a paper mixing them would.
 */
export async function readablePlanList(request: FastifyRequest): Promise<{ ids: string[]; marking: string }> {
  const readable = await readablePlans(request);
  if (readable !== 'all' && readable.size === 0) return { ids: [], marking: '' };
  const rows = await request.server.db.kysely
    .selectFrom('plans')
    .select(['id', 'marking'])
    .$if(readable !== 'all', (q) => q.where('id', 'in', [...(readable as Set<string>)]))
    .execute();
  const markings = [...new Set(rows.map((row) => row.marking.trim()).filter(Boolean))].sort();
  return { ids: rows.map((row) => row.id), marking: markings.join(' / ') };
}

function pageContext(figures: DashboardFigures) {
  return {
    figures,
    headlines: headlines(figures),
    moversSince: moversSince(figures),
    sections: dashboardSections(figures).map((section) => ({
      ...section,
      // Two drawings of each chart: the page shows the one that suits the screen's width (headway.css).
      svg:
        chartSvg(section.chart(wideWidth), section.summary, 'hw-chart--wide') +
        chartSvg(section.chart(narrowWidth), section.summary, 'hw-chart--narrow'),
    })),
  };
}

/** The PDF writer, loaded on first use: pdfkit is not loaded at start-up (src/exports/documentWriters.ts). */
async function dashboardToPdf(...args: Parameters<typeof import('./dashboardPdf.js').dashboardToPdf>) {
  return (await import('./dashboardPdf.js')).dashboardToPdf(...args);
}

/** A download, kept out of every cache by the no-store every response carries (src/web/security.ts). */
function sendPdf(reply: FastifyReply, bytes: Buffer, fileName: string) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(bytes);
}

export async function dashboardPages(app: FastifyInstance): Promise<void> {
  const db = app.db.kysely;

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/dashboard',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(db, request.params.slug);
      const figures = await cachedDashboard(db, [plan.id], 'theme', todayIso());
      const themes = await db
        .selectFrom('themes')
        .select(['id', 'title'])
        .where('plan_id', '=', plan.id)
        .orderBy('position')
        .execute();
      return reply.render('dashboard/views/dashboard.njk', {
        title: `Dashboard: ${plan.title}`,
        plan,
        survey: surveyChangeLines(await planSurveys(db, plan.id), themes),
        marking: plan.marking,
        pdfHref: `/plans/${plan.slug}/dashboard.pdf`,
        breadcrumbs: [
          { text: 'Plans', href: '/plans' },
          { text: plan.title, href: `/plans/${plan.slug}` },
        ],
        ...pageContext(figures),
      });
    },
  );

  app.get('/dashboard', { config: { access: 'signed-in' } }, async (request, reply) => {
    const readable = await readablePlanList(request);
    const figures = await cachedDashboard(db, readable.ids, 'plan', todayIso());
    return reply.render('dashboard/views/dashboard.njk', {
      title: 'Dashboard of all your plans',
      plan: null,
      marking: readable.marking,
      pdfHref: '/dashboard.pdf',
      ...pageContext(figures),
    });
  });

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/dashboard.pdf',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(db, request.params.slug);
      const figures = await cachedDashboard(db, [plan.id], 'theme', todayIso());
      const bytes = await dashboardToPdf(figures, {
        title: `Dashboard: ${plan.title}`,
        marking: plan.marking,
      });
      return sendPdf(reply, bytes, `${plan.slug}-dashboard.pdf`);
    },
  );

  app.get('/dashboard.pdf', { config: { access: 'signed-in' } }, async (request, reply) => {
    const readable = await readablePlanList(request);
    const figures = await cachedDashboard(db, readable.ids, 'plan', todayIso());
    const bytes = await dashboardToPdf(figures, {
      title: 'Dashboard of all your plans',
      marking: readable.marking,
    });
    return sendPdf(reply, bytes, 'dashboard.pdf');
  });
}
