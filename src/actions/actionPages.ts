// The pages for actions: the action with its timeline and quick update, and the forms to create, edit, move and delete.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, PlanRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { isOverdue, unreadTargetMessage, unreadTargetTexts } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { effectiveTarget } from '../plans/presenters.js';
import { rags, statuses } from '../plans/vocabulary.js';
import { moveInList } from '../themes/themeCommands.js';
import { lockedState } from '../db/versionedUpdate.js';
import { updatesOn } from '../updates/updateCommands.js';
import { postUpdateFromForm } from '../updates/updatePages.js';
import { readDateField } from '../web/dateFields.js';
import { formList, formText, formVersion, splitNames, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { editedRichText, toEditableText } from '../richtext/editableText.js';
import { setActionFindings } from '../findings/findingCommands.js';
import { findingChoices, findingsAnsweredBy } from '../findings/findingQueries.js';
import { actionTimeline } from './actionTimeline.js';
import { percentCompleteMessage, readPercentComplete } from './percentComplete.js';
import {
  createAction,
  deleteAction,
  findAction,
  updateAction,
  type ActionInput,
  type ActionWithOwners,
} from './actionCommands.js';

type ActionParams = { slug: string; actionId: string };

function completedOnFrom(body: FormBody) {
  return readDateField(body, 'completedOn', { label: 'completion date', notAfter: todayIso() });
}

/**
 * The action a form posts: a completion date that cannot be read is refused before any change; its rich text is typed
 * as editable text, and kept as stored where left as shown.
 */
function actionInputFrom(body: FormBody, stored?: ActionWithOwners): ActionInput {
  const completedOn = completedOnFrom(body);
  if (!completedOn.ok) throw new InvalidInputError({ [completedOn.field]: completedOn.message });
  const percentComplete = readPercentComplete(formText(body, 'percentComplete') ?? '');
  if (percentComplete === undefined) throw new InvalidInputError({ percentComplete: percentCompleteMessage });
  return {
    ref: formText(body, 'ref'),
    title: formText(body, 'title'),
    description: editedRichText(formText(body, 'description'), stored?.description ?? ''),
    owners: splitNames(formText(body, 'owners')),
    themeId: formText(body, 'themeId') ?? null,
    horizonId: formText(body, 'horizonId') ?? null,
    status: formText(body, 'status') as ActionInput['status'],
    rag: (formText(body, 'rag') ?? '') as ActionInput['rag'],
    ragReason: formText(body, 'ragReason'),
    progress: editedRichText(formText(body, 'progress'), stored?.progress ?? ''),
    futureActions: editedRichText(formText(body, 'futureActions'), stored?.future_actions ?? ''),
    targetDate: formText(body, 'targetDate'),
    revisedTargetDate: formText(body, 'revisedTargetDate'),
    revisedReason: formText(body, 'revisedReason'),
    completedOn: completedOn.iso,
    percentComplete,
  };
}

function actionForm(action: ActionWithOwners) {
  return {
    ref: action.ref,
    title: action.title,
    description: toEditableText(action.description),
    owners: action.owners.join('\n'),
    themeId: action.theme_id ?? '',
    horizonId: action.horizon_id ?? '',
    status: action.status,
    rag: action.rag ?? '',
    ragReason: action.rag_reason,
    progress: toEditableText(action.progress),
    futureActions: toEditableText(action.future_actions),
    targetDate: action.target_text,
    revisedTargetDate: action.revised_target_text,
    revisedReason: action.revised_reason,
    completedOn: action.completed_on ?? '',
    percentComplete: action.percent_complete === null ? '' : String(action.percent_complete),
    version: String(action.version),
  };
}

const actionLabels: Record<string, string> = {
  ref: 'Reference',
  title: 'Action',
  description: 'Description',
  owners: 'Owners',
  themeId: 'Theme',
  horizonId: 'Horizon',
  status: 'Status',
  rag: 'RAG',
  ragReason: 'Reason for RAG',
  progress: 'Progress',
  futureActions: 'Future planned actions',
  targetDate: 'Target date',
  revisedTargetDate: 'Revised target date',
  revisedReason: 'Why the date moved',
  completedOn: 'Completed on',
  percentComplete: 'Percent complete',
};

/** The findings a form says the action answers; undefined when it offered none to choose (the plan has none). */
function findingIdsFrom(body: FormBody): string[] | undefined {
  return formText(body, 'findingsShown') === 'yes' ? formList(body, 'findingIds') : undefined;
}

/** The form without its findings, which are compared as a set of their own rather than as one field. */
function withoutFindings(body: FormBody): FormBody {
  const {
    findingIds: _findingIds,
    findingsShown: _findingsShown,
    findingsWere: _findingsWere,
    ...rest
  } = body;
  return rest;
}

/**
 * The findings the action answered when the form was drawn. Links carry no version of their own, so a form that
 * changes them is refused if someone else changed them since, as a stale version is.
 */
function findingsWereFrom(body: FormBody): string[] | undefined {
  const were = formText(body, 'findingsWere');
  return were === undefined ? undefined : were.split(',').filter((id) => id !== '');
}

function sameFindings(posted: string[] | undefined, stored: string[]): boolean {
  if (posted === undefined) return true;
  const chosen = new Set(posted);
  return chosen.size === stored.length && stored.every((id) => chosen.has(id));
}

/** The posted form with its completion date as one ISO date, to compare with the saved action's. */
function postedWithCompletedOn(body: FormBody): FormBody {
  const completedOn = completedOnFrom(body);
  return { ...body, completedOn: completedOn.ok ? (completedOn.iso ?? '') : '' };
}

async function planChoices(db: Kysely<Database>, planId: string) {
  const [themes, horizons, findings] = await Promise.all([
    db
      .selectFrom('themes')
      .select(['id', 'title'])
      .where('plan_id', '=', planId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('horizons')
      .select(['id', 'name'])
      .where('plan_id', '=', planId)
      .orderBy('position')
      .execute(),
    findingChoices(db, planId),
  ]);
  return { themes, horizons, findings };
}

export async function actionPages(app: FastifyInstance): Promise<void> {
  const crumbs = (plan: PlanRow) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
  ];

  async function renderActionForm(reply: FastifyReply, plan: PlanRow, context: Record<string, unknown>) {
    const choices = await planChoices(app.db.kysely, plan.id);
    return reply.render('actions/views/actionForm.njk', {
      plan,
      marking: plan.marking,
      statuses,
      rags,
      ...choices,
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  async function renderAction(
    reply: FastifyReply,
    plan: PlanRow,
    actionId: string,
    context: Record<string, unknown> = {},
  ) {
    const action = await findAction(app.db.kysely, plan.id, actionId);
    const [updates, parents, findings] = await Promise.all([
      updatesOn(app.db.kysely, plan.id, { actionId }),
      planChoices(app.db.kysely, plan.id),
      findingsAnsweredBy(app.db.kysely, actionId),
    ]);
    return reply.render('actions/views/action.njk', {
      title: action.title,
      plan,
      action,
      timeline: await actionTimeline(app.db.kysely, plan.id, actionId, updates),
      theme: parents.themes.find((t) => t.id === action.theme_id),
      horizon: parents.horizons.find((h) => h.id === action.horizon_id),
      findings,
      overdue: isOverdue(effectiveTarget(action), action.status, todayIso()),
      // Said once, as the action is saved: the page itself shows "Not recognised" from then on.
      targetWarnings: context.justSaved
        ? unreadTargetTexts(action.target_text, action.revised_target_text).map(unreadTargetMessage)
        : [],
      marking: plan.marking,
      statuses,
      today: todayIso(),
      updateForm: {},
      breadcrumbs: crumbs(plan),
      ...context,
    });
  }

  app.get<{ Params: { slug: string }; Querystring: { themeId?: string; findingId?: string } }>(
    '/plans/:slug/actions/new',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderActionForm(reply, plan, {
        title: 'Add an action',
        form: { status: 'not_started', themeId: request.query.themeId ?? '' },
        // Come from a finding's page: the new action answers it unless unticked.
        checkedFindings: request.query.findingId ? [request.query.findingId] : [],
        action: `/plans/${plan.slug}/actions`,
      });
    },
  );

  app.post<{ Params: { slug: string }; Body: FormBody }>(
    '/plans/:slug/actions',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        const findingIds = findingIdsFrom(request.body);
        const action = await inTransaction(app.db, async (trx) => {
          const created = await createAction(trx, request.actor, plan.id, actionInputFrom(request.body));
          if (findingIds?.length)
            await setActionFindings(trx, request.actor, plan.id, created.id, findingIds);
          return created;
        });
        return reply.redirect(withNotice(`/plans/${plan.slug}/actions/${action.id}`, 'action-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderActionForm(reply.status(400), plan, {
          title: 'Add an action',
          form: request.body,
          checkedFindings: formList(request.body, 'findingIds'),
          errors: error.fieldErrors,
          action: `/plans/${plan.slug}/actions`,
        });
      }
    },
  );

  app.get<{ Params: ActionParams; Querystring: { notice?: string } }>(
    '/plans/:slug/actions/:actionId',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderAction(reply, plan, request.params.actionId, {
        notice: noticeText(request.query.notice),
        justSaved: request.query.notice === 'action-saved',
      });
    },
  );

  app.post<{ Params: ActionParams; Body: FormBody }>(
    '/plans/:slug/actions/:actionId/updates',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const result = await postUpdateFromForm(app, request, plan.id, { actionId: request.params.actionId });
      if (result.ok)
        return reply.redirect(
          withNotice(`/plans/${plan.slug}/actions/${request.params.actionId}`, 'update-posted'),
          303,
        );
      return renderAction(reply.status(400), plan, request.params.actionId, {
        updateForm: request.body,
        errors: result.errors,
      });
    },
  );

  app.get<{ Params: ActionParams }>(
    '/plans/:slug/actions/:actionId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const action = await findAction(app.db.kysely, plan.id, request.params.actionId);
      const answered = await findingsAnsweredBy(app.db.kysely, action.id);
      return renderActionForm(reply, plan, {
        title: 'Edit action',
        form: actionForm(action),
        checkedFindings: answered.map((finding) => finding.id),
        findingsWere: answered.map((finding) => finding.id),
        action: `/plans/${plan.slug}/actions/${action.id}/edit`,
        cancel: `/plans/${plan.slug}/actions/${action.id}`,
      });
    },
  );

  app.post<{ Params: ActionParams; Body: FormBody }>(
    '/plans/:slug/actions/:actionId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { actionId } = request.params;
      const context = {
        title: 'Edit action',
        action: `/plans/${plan.slug}/actions/${actionId}/edit`,
        cancel: `/plans/${plan.slug}/actions/${actionId}`,
      };
      const stored = await findAction(app.db.kysely, plan.id, actionId);
      const answered = (await findingsAnsweredBy(app.db.kysely, actionId)).map((finding) => finding.id);
      const findingIds = findingIdsFrom(request.body);
      // Only the findings changed: the action itself is not saved again, so it gets no new version of its own.
      const actionUnchanged =
        formVersion(request.body) === stored.version &&
        unchangedForm(actionForm(stored), withoutFindings(request.body), ['completedOn']);
      if (actionUnchanged && sameFindings(findingIds, answered))
        return reply.redirect(withNotice(`/plans/${plan.slug}/actions/${actionId}`, 'no-changes'), 303);
      try {
        await inTransaction(app.db, async (trx) => {
          if (!actionUnchanged)
            await updateAction(
              trx,
              request.actor,
              plan.id,
              actionId,
              formVersion(request.body),
              actionInputFrom(request.body, stored),
            );
          if (sameFindings(findingIds, answered)) return;
          const locked = await lockedState(trx, 'actions', plan.id, actionId);
          const now = (await findingsAnsweredBy(trx, actionId)).map((finding) => finding.id);
          const were = findingsWereFrom(request.body);
          if (locked && were !== undefined && !sameFindings(were, now))
            throw new ConflictError('This action', locked.version, null);
          await setActionFindings(trx, request.actor, plan.id, actionId, findingIds!);
        });
        return reply.redirect(withNotice(`/plans/${plan.slug}/actions/${actionId}`, 'action-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError) {
          return renderActionForm(reply.status(400), plan, {
            ...context,
            form: request.body,
            checkedFindings: formList(request.body, 'findingIds'),
            findingsWere: findingsWereFrom(request.body),
            errors: error.fieldErrors,
          });
        }
        if (error instanceof ConflictError) {
          const saved = actionForm(await findAction(app.db.kysely, plan.id, actionId));
          const savedFindings = await findingsAnsweredBy(app.db.kysely, actionId);
          const references = new Map(
            (await findingChoices(app.db.kysely, plan.id)).map((finding) => [finding.id, finding.reference]),
          );
          const mine = (findingIds ?? []).map((id) => references.get(id) ?? id);
          const theirs = savedFindings.map((finding) => finding.reference);
          const findingsRow =
            findingIds !== undefined &&
            !sameFindings(
              findingIds,
              savedFindings.map((finding) => finding.id),
            )
              ? [
                  {
                    field: 'findingIds',
                    label: 'Findings it answers',
                    saved: theirs.join(', '),
                    mine: mine.join(', '),
                  },
                ]
              : [];
          return renderActionForm(reply.status(409), plan, {
            ...context,
            form: { ...request.body, version: saved.version },
            checkedFindings: formList(request.body, 'findingIds'),
            findingsWere: savedFindings.map((finding) => finding.id),
            conflict: {
              saved,
              fields: [
                ...conflictFields(saved, postedWithCompletedOn(request.body), actionLabels),
                ...findingsRow,
              ],
            },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: ActionParams }>(
    '/plans/:slug/actions/:actionId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const action = await findAction(app.db.kysely, plan.id, request.params.actionId);
      return reply.render('actions/views/actionDelete.njk', {
        title: 'Delete action',
        plan,
        action,
        marking: plan.marking,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: ActionParams; Body: FormBody }>(
    '/plans/:slug/actions/:actionId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const action = await findAction(app.db.kysely, plan.id, request.params.actionId);
      if (formText(request.body, 'confirm') !== 'yes')
        return reply.redirect(`/plans/${plan.slug}/actions/${action.id}`, 303);
      await inTransaction(app.db, (trx) => deleteAction(trx, request.actor, plan.id, action.id));
      return reply.redirect(withNotice(`/plans/${plan.slug}`, 'action-deleted'), 303);
    },
  );

  app.post<{ Params: ActionParams; Body: FormBody }>(
    '/plans/:slug/actions/:actionId/move',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const direction = formText(request.body, 'direction') === 'down' ? 'down' : 'up';
      await inTransaction(app.db, (trx) =>
        moveInList(trx, request.actor, 'actions', plan.id, request.params.actionId, direction),
      );
      return reply.redirect(
        withNotice(`/plans/${plan.slug}/actions/${request.params.actionId}`, 'moved'),
        303,
      );
    },
  );
}
