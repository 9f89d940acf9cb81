// The highlight-report pages: the plan's reports, drafting one for a period, editing, publishing and correcting.
import { reportChartsSvg } from '../dashboard/reportCharts.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PlanRow, ReportRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { todayIso } from '../dates/ukDate.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { reportSectionKeys, sectionLabels } from '../import/planDraft.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { rags } from '../plans/vocabulary.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import {
  correctReport,
  createReport,
  findReport,
  emptySectionsMessage,
  publishReport,
  updateReport,
  type ReportInput,
} from './reportCommands.js';
import { parseSections } from './reportModel.js';
import { periodErrors, periodFromForm, postedWithPeriod, suggestedPeriod } from './reportPeriod.js';
import { listReports, loadReport } from './reportQueries.js';
import { contentTypes } from '../exports/exportPlan.js';
import { reportToPdf, reportToWord } from '../exports/documentWriters.js';
import { editedRichText, toEditableText } from '../richtext/editableText.js';
import { unchangedForm } from '../web/unchangedForm.js';

type Params = { slug: string; reportId: string };

const stateLabels = { draft: 'Draft', published: 'Published', superseded: 'Corrected by a later edition' };
const sections = reportSectionKeys.map((key) => ({ key, label: sectionLabels[key] }));
const fieldLabels: Record<string, string> = {
  periodStart: 'First day',
  periodEnd: 'Last day',
  periodText: 'Period as written',
  rag: 'Overall RAG',
  overallStatus: 'Overall status',
  ...sectionLabels,
};

function reportForm(report: ReportRow): Record<string, string> {
  const written = parseSections(report.sections_json);
  return {
    periodStart: report.period_start ?? '',
    periodEnd: report.period_end ?? '',
    periodText: report.period_text,
    rag: report.rag ?? '',
    overallStatus: report.overall_status,
    version: String(report.version),
    ...Object.fromEntries(reportSectionKeys.map((key) => [key, toEditableText(written[key] ?? '')])),
  };
}

/** The report a form posts; its sections are typed as editable text, and kept as stored where left as shown. */
function reportInputFrom(body: FormBody, stored: ReportRow): ReportInput {
  const written = parseSections(stored.sections_json);
  return {
    ...periodFromForm(body),
    periodText: formText(body, 'periodText'),
    rag: (formText(body, 'rag') ?? '') as ReportInput['rag'],
    overallStatus: formText(body, 'overallStatus'),
    sections: Object.fromEntries(
      reportSectionKeys.map((key) => [key, editedRichText(formText(body, key), written[key] ?? '') ?? '']),
    ),
  };
}

export async function reportPages(app: FastifyInstance): Promise<void> {
  const crumbs = (plan: PlanRow) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
    { text: 'Reports', href: `/plans/${plan.slug}/reports` },
  ];

  async function renderList(reply: FastifyReply, plan: PlanRow, context: Record<string, unknown> = {}) {
    const reports = await listReports(app.db.kysely, plan.id);
    const period = suggestedPeriod(reports, todayIso());
    return reply.render('reports/views/reportList.njk', {
      title: 'Highlight reports',
      plan,
      marking: plan.marking,
      reports,
      stateLabels,
      form: period,
      periodReason: period.reason,
      breadcrumbs: crumbs(plan).slice(0, 2),
      ...context,
    });
  }

  function renderForm(
    reply: FastifyReply,
    plan: PlanRow,
    report: ReportRow,
    context: Record<string, unknown>,
  ) {
    return reply.render('reports/views/reportForm.njk', {
      title: `Edit the report for ${report.period_text}`,
      plan,
      report,
      marking: plan.marking,
      rags,
      sections,
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/reports',
    { config: { access: 'plan:read' } },
    async (request, reply) => renderList(reply, await findPlanBySlug(app.db.kysely, request.params.slug)),
  );

  app.post<{ Params: { slug: string }; Body: FormBody }>(
    '/plans/:slug/reports',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        const report = await inTransaction(app.db, (trx) =>
          createReport(trx, request.actor, plan.id, periodFromForm(request.body)),
        );
        return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderList(reply.status(400), plan, {
          form: request.body,
          errors: periodErrors(error.fieldErrors),
        });
      }
    },
  );

  app.get<{ Params: Params }>(
    '/plans/:slug/reports/:reportId',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const { plan, report, model } = await loadReport(
        app.db.kysely,
        request.params.slug,
        request.params.reportId,
      );
      return reply.render('reports/views/report.njk', {
        title: `${model.title} for ${model.period.text}`,
        plan,
        report,
        model,
        charts: reportChartsSvg(model.dashboard),
        marking: model.marking,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  // A published report is drawn from its stored snapshot, so each download says what the board was shown.
  for (const [format, render] of [
    ['docx', reportToWord],
    ['pdf', reportToPdf],
  ] as const) {
    app.get<{ Params: Params }>(
      `/plans/:slug/reports/:reportId/report.${format}`,
      { config: { access: 'plan:read' } },
      async (request, reply) => {
        const { plan, model } = await loadReport(app.db.kysely, request.params.slug, request.params.reportId);
        return reply
          .type(contentTypes[format])
          .header(
            'content-disposition',
            `attachment; filename="${plan.slug}-report-${model.period.end ?? 'draft'}.${format}"`,
          )
          .send(await render(model));
      },
    );
  }

  app.get<{ Params: Params }>(
    '/plans/:slug/reports/:reportId/print',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const { model } = await loadReport(app.db.kysely, request.params.slug, request.params.reportId);
      return reply.render('reports/views/reportPrint.njk', {
        model,
        charts: reportChartsSvg(model.dashboard),
      });
    },
  );

  app.get<{ Params: Params }>(
    '/plans/:slug/reports/:reportId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const report = await findReport(app.db.kysely, plan.id, request.params.reportId);
      if (report.status !== 'draft') return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
      return renderForm(reply, plan, report, { form: reportForm(report) });
    },
  );

  app.post<{ Params: Params; Body: FormBody }>(
    '/plans/:slug/reports/:reportId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const report = await findReport(app.db.kysely, plan.id, request.params.reportId);
      if (
        report.status === 'draft' &&
        formVersion(request.body) === report.version &&
        unchangedForm(reportForm(report), request.body, ['periodStart', 'periodEnd'])
      )
        return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
      try {
        await inTransaction(app.db, (trx) =>
          updateReport(
            trx,
            request.actor,
            plan.id,
            report.id,
            formVersion(request.body),
            reportInputFrom(request.body, report),
          ),
        );
        return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderForm(reply.status(400), plan, report, {
            form: request.body,
            errors: periodErrors(error.fieldErrors),
          });
        if (error instanceof ConflictError) {
          const saved = reportForm(await findReport(app.db.kysely, plan.id, report.id));
          return renderForm(reply.status(409), plan, report, {
            form: { ...request.body, version: saved.version },
            conflict: { saved, fields: conflictFields(saved, postedWithPeriod(request.body), fieldLabels) },
          });
        }
        throw error;
      }
    },
  );

  async function renderPublish(
    reply: FastifyReply,
    params: Params,
    context: Record<string, unknown> = {},
  ): Promise<FastifyReply> {
    const { plan, report, model } = await loadReport(app.db.kysely, params.slug, params.reportId);
    return reply.render('reports/views/reportPublish.njk', {
      title: `Publish the report for ${report.period_text}?`,
      plan,
      report,
      emptySections: emptySectionsMessage(model),
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  app.get<{ Params: Params }>(
    '/plans/:slug/reports/:reportId/publish',
    { config: { access: 'plan:manage' } },
    async (request, reply) => renderPublish(reply, request.params),
  );

  app.post<{ Params: Params; Body: FormBody }>(
    '/plans/:slug/reports/:reportId/publish',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const { plan, report, model } = await loadReport(
        app.db.kysely,
        request.params.slug,
        request.params.reportId,
      );
      try {
        await inTransaction(app.db, (trx) =>
          publishReport(trx, request.actor, plan.id, report.id, formVersion(request.body), model, {
            withEmptySections: formText(request.body, 'withEmptySections') === 'yes',
          }),
        );
      } catch (error) {
        if (!(error instanceof InvalidInputError) || !error.fieldErrors.withEmptySections) throw error;
        return renderPublish(reply.status(400), request.params, { errors: error.fieldErrors });
      }
      return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
    },
  );

  app.post<{ Params: Params }>(
    '/plans/:slug/reports/:reportId/correct',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const correction = await inTransaction(app.db, (trx) =>
        correctReport(trx, request.actor, plan.id, request.params.reportId),
      );
      return reply.redirect(`/plans/${plan.slug}/reports/${correction.id}/edit`, 303);
    },
  );
}
