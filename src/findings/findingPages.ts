// The pages for findings: the coverage list with its counts and filters, a finding with the actions answering it,
// and the forms to add, edit and delete one.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FindingRow, PlanRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { readDateField } from '../web/dateFields.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { coverageLabels, coverageStates, planCoverage, type CoverageState } from './coverage.js';
import {
  createFinding,
  deleteFinding,
  findFinding,
  updateFinding,
  type FindingInput,
} from './findingCommands.js';
import { findingKindLabels, findingKinds, isFindingKind } from './findingKinds.js';
import { findingWithActions } from './findingQueries.js';

type FindingParams = { slug: string; findingId: string };

/**
 * The finding a form posts: a date of the source that cannot be read is refused before any change, filed under its
 * first field at fault for the error summary's link.
 */
function findingInputFrom(body: FormBody): FindingInput {
  const sourceDate = readDateField(body, 'sourceDate', { label: 'date of the source' });
  if (!sourceDate.ok) throw new InvalidInputError({ [sourceDate.field]: sourceDate.message });
  return {
    reference: formText(body, 'reference'),
    text: formText(body, 'text'),
    kind: (formText(body, 'kind') ?? '') as FindingInput['kind'],
    sourceDocument: formText(body, 'sourceDocument') ?? '',
    sourceDate: sourceDate.iso,
    priority: formText(body, 'priority') ?? '',
  };
}

/** A command's complaint about the date goes under its day field, where the error summary's link lands. */
function linkedErrors(errors: Record<string, string>): Record<string, string> {
  const { sourceDate, ...rest } = errors;
  return sourceDate === undefined ? errors : { ...rest, 'sourceDate-day': sourceDate };
}

function findingForm(finding: FindingRow) {
  return {
    reference: finding.reference,
    text: finding.text,
    kind: finding.kind,
    sourceDocument: finding.source_document,
    sourceDate: finding.source_date ?? '',
    priority: finding.priority ?? '',
    version: String(finding.version),
  };
}

const findingLabels: Record<string, string> = {
  reference: 'Reference',
  text: 'Text',
  kind: 'Kind',
  sourceDocument: 'Source document',
  sourceDate: 'Date of the source',
  priority: 'Priority',
};

/** The posted form with its date as one ISO date, to compare with the saved finding's. */
function postedWithSourceDate(body: FormBody): FormBody {
  const sourceDate = readDateField(body, 'sourceDate', { label: 'date of the source' });
  return { ...body, sourceDate: sourceDate.ok ? (sourceDate.iso ?? '') : '' };
}

function chosen<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export async function findingPages(app: FastifyInstance): Promise<void> {
  const crumbs = (plan: PlanRow, withList = true) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
    ...(withList ? [{ text: 'Findings', href: `/plans/${plan.slug}/findings` }] : []),
  ];

  function renderForm(reply: FastifyReply, plan: PlanRow, context: Record<string, unknown>) {
    return reply.render('findings/views/findingForm.njk', {
      plan,
      marking: plan.marking,
      kinds: findingKinds.map((kind) => ({ value: kind, text: findingKindLabels[kind] })),
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  app.get<{ Params: { slug: string }; Querystring: { kind?: string; coverage?: string; notice?: string } }>(
    '/plans/:slug/findings',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const coverage = await planCoverage(app.db.kysely, plan.id);
      const kind = isFindingKind(request.query.kind) ? request.query.kind : null;
      const state = chosen<CoverageState>(request.query.coverage, coverageStates);
      const shown = coverage.findings.filter(
        (item) => (kind === null || item.finding.kind === kind) && (state === null || item.state === state),
      );
      return reply.render('findings/views/findings.njk', {
        title: 'Findings',
        plan,
        coverage,
        shown,
        filter: { kind: kind ?? '', coverage: state ?? '' },
        filtered: kind !== null || state !== null,
        kinds: findingKinds.map((value) => ({ value, text: findingKindLabels[value] })),
        states: coverageStates.map((value) => ({ value, text: coverageLabels[value] })),
        coverageLabels,
        kindLabels: findingKindLabels,
        marking: plan.marking,
        notice: noticeText(request.query.notice),
        breadcrumbs: crumbs(plan, false),
      });
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/findings/new',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderForm(reply, plan, {
        title: 'Add a finding',
        form: {},
        action: `/plans/${plan.slug}/findings`,
        cancel: `/plans/${plan.slug}/findings`,
      });
    },
  );

  app.post<{ Params: { slug: string }; Body: FormBody }>(
    '/plans/:slug/findings',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        const finding = await inTransaction(app.db, (trx) =>
          createFinding(trx, request.actor, plan.id, findingInputFrom(request.body)),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/findings/${finding.id}`, 'finding-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderForm(reply.status(400), plan, {
          title: 'Add a finding',
          form: request.body,
          errors: linkedErrors(error.fieldErrors),
          action: `/plans/${plan.slug}/findings`,
          cancel: `/plans/${plan.slug}/findings`,
        });
      }
    },
  );

  app.get<{ Params: FindingParams; Querystring: { notice?: string } }>(
    '/plans/:slug/findings/:findingId',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { finding, actions, state } = await findingWithActions(
        app.db.kysely,
        plan.id,
        request.params.findingId,
      );
      return reply.render('findings/views/finding.njk', {
        title: `Finding ${finding.reference}`,
        plan,
        finding,
        actions,
        coverageText: coverageLabels[state],
        kindLabel: findingKindLabels[finding.kind],
        marking: plan.marking,
        notice: noticeText(request.query.notice),
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.get<{ Params: FindingParams }>(
    '/plans/:slug/findings/:findingId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const finding = await findFinding(app.db.kysely, plan.id, request.params.findingId);
      return renderForm(reply, plan, {
        title: `Edit finding ${finding.reference}`,
        form: findingForm(finding),
        action: `/plans/${plan.slug}/findings/${finding.id}/edit`,
        cancel: `/plans/${plan.slug}/findings/${finding.id}`,
      });
    },
  );

  app.post<{ Params: FindingParams; Body: FormBody }>(
    '/plans/:slug/findings/:findingId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { findingId } = request.params;
      const path = `/plans/${plan.slug}/findings/${findingId}`;
      const stored = await findFinding(app.db.kysely, plan.id, findingId);
      const context = { title: `Edit finding ${stored.reference}`, action: `${path}/edit`, cancel: path };
      if (
        formVersion(request.body) === stored.version &&
        unchangedForm(findingForm(stored), request.body, ['sourceDate'])
      )
        return reply.redirect(withNotice(path, 'no-changes'), 303);
      try {
        await inTransaction(app.db, (trx) =>
          updateFinding(
            trx,
            request.actor,
            plan.id,
            findingId,
            formVersion(request.body),
            findingInputFrom(request.body),
          ),
        );
        return reply.redirect(withNotice(path, 'finding-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderForm(reply.status(400), plan, {
            ...context,
            form: request.body,
            errors: linkedErrors(error.fieldErrors),
          });
        if (error instanceof ConflictError) {
          const saved = findingForm(await findFinding(app.db.kysely, plan.id, findingId));
          return renderForm(reply.status(409), plan, {
            ...context,
            form: { ...request.body, version: saved.version },
            conflict: {
              saved,
              fields: conflictFields(saved, postedWithSourceDate(request.body), findingLabels),
            },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: FindingParams }>(
    '/plans/:slug/findings/:findingId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { finding, actions } = await findingWithActions(app.db.kysely, plan.id, request.params.findingId);
      return reply.render('findings/views/findingDelete.njk', {
        title: `Delete finding ${finding.reference}`,
        plan,
        finding,
        actions,
        marking: plan.marking,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: FindingParams; Body: FormBody }>(
    '/plans/:slug/findings/:findingId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const finding = await findFinding(app.db.kysely, plan.id, request.params.findingId);
      if (formText(request.body, 'confirm') !== 'yes')
        return reply.redirect(`/plans/${plan.slug}/findings/${finding.id}`, 303);
      await inTransaction(app.db, (trx) => deleteFinding(trx, request.actor, plan.id, finding.id));
      return reply.redirect(withNotice(`/plans/${plan.slug}/findings`, 'finding-deleted'), 303);
    },
  );
}
