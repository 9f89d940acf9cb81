// Posting, correcting and deleting dated updates from the action and theme pages.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError, type FieldErrors } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { statuses } from '../plans/vocabulary.js';
import { assertMayContribute } from '../web/access.js';
import { formatUkDate, todayIso } from '../dates/ukDate.js';
import { dateFieldSent, readDateField, readDateFields } from '../web/dateFields.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { editedRichText, toEditableText } from '../richtext/editableText.js';
import {
  deleteUpdate,
  editUpdate,
  findUpdate,
  postUpdate,
  type UpdateInput,
  type UpdateSubject,
} from './updateCommands.js';

/**
 * The update a form posts: a date that cannot be read is refused here, in the Design System's words, before any
 * change; its text is typed as editable text, and kept as stored where left as shown.
 */
export function updateInputFrom(body: FormBody, storedBody = ''): UpdateInput {
  // A post without the date's fields at all is dated today, as the API does; fields sent empty are refused.
  const required = dateFieldSent(body, 'effectiveOn');
  const { dates, errors } = readDateFields(body, {
    effectiveOn: { label: 'date of the update', required, notAfter: todayIso() },
  });
  if (Object.keys(errors).length > 0) throw new InvalidInputError(errors);
  return {
    effectiveOn: dates.effectiveOn ?? undefined,
    author: formText(body, 'author') || undefined,
    body: editedRichText(formText(body, 'body'), storedBody),
    statusChange: (formText(body, 'statusChange') ?? '') as UpdateInput['statusChange'],
  };
}

/** Posts an update from a form, or gives back the field errors so the page can show them with the user's text. */
export async function postUpdateFromForm(
  app: FastifyInstance,
  request: FastifyRequest<{ Body: FormBody }>,
  planId: string,
  subject: UpdateSubject,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  await assertMayContribute(request, subject);
  try {
    const input = updateInputFrom(request.body);
    await inTransaction(app.db, (trx) => postUpdate(trx, request.actor, planId, subject, input));
    return { ok: true };
  } catch (error) {
    if (error instanceof InvalidInputError) return { ok: false, errors: error.fieldErrors };
    throw error;
  }
}

type UpdateParams = { slug: string; updateId: string };

/** The edit form's fields from a stored update, its text as the person edits it. */
function updateForm(update: { effective_on: string; author: string; body: string; version: number }) {
  return {
    effectiveOn: update.effective_on,
    author: update.author,
    body: toEditableText(update.body),
    version: String(update.version),
  };
}

function subjectPath(slug: string, update: { action_id: string | null; theme_id: string | null }): string {
  return update.action_id
    ? `/plans/${slug}/actions/${update.action_id}`
    : `/plans/${slug}/themes/${update.theme_id}`;
}

/** The plan and the update a contribute route names, once it is clear this user may change it. */
async function updateToChange(app: FastifyInstance, request: FastifyRequest<{ Params: UpdateParams }>) {
  const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
  const update = await findUpdate(app.db.kysely, plan.id, request.params.updateId);
  await assertMayContribute(request, update);
  return { plan, update };
}

export async function updatePages(app: FastifyInstance): Promise<void> {
  app.get<{ Params: UpdateParams }>(
    '/plans/:slug/updates/:updateId/edit',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const { plan, update } = await updateToChange(app, request);
      return reply.render('updates/views/updateForm.njk', {
        title: 'Edit update',
        plan,
        update,
        marking: plan.marking,
        statuses,
        backPath: subjectPath(plan.slug, update),
        form: updateForm(update),
      });
    },
  );

  app.post<{ Params: UpdateParams; Body: FormBody }>(
    '/plans/:slug/updates/:updateId/edit',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const { plan, update } = await updateToChange(app, request);
      const backPath = subjectPath(plan.slug, update);
      if (
        formVersion(request.body) === update.version &&
        unchangedForm(updateForm(update), request.body, ['effectiveOn'])
      )
        return reply.redirect(withNotice(backPath, 'no-changes'), 303);
      try {
        const input = { ...updateInputFrom(request.body, update.body), statusChange: undefined };
        await inTransaction(app.db, (trx) =>
          editUpdate(trx, request.actor, plan.id, update.id, formVersion(request.body), input),
        );
        return reply.redirect(withNotice(backPath, 'update-saved'), 303);
      } catch (error) {
        const context = { title: 'Edit update', plan, update, marking: plan.marking, backPath, statuses };
        if (error instanceof InvalidInputError) {
          return reply.status(400).render('updates/views/updateForm.njk', {
            ...context,
            form: request.body,
            errors: error.fieldErrors,
          });
        }
        if (error instanceof ConflictError) {
          const current = await findUpdate(app.db.kysely, plan.id, update.id);
          const saved = updateForm(current);
          const mine = request.body;
          const myDate = readDateField(mine, 'effectiveOn', { label: 'date of the update' });
          return reply.status(409).render('updates/views/updateForm.njk', {
            ...context,
            form: { ...request.body, version: String(current.version) },
            conflict: {
              fields: [
                {
                  label: 'Date',
                  saved: formatUkDate(saved.effectiveOn),
                  mine: formatUkDate(myDate.ok ? myDate.iso : null),
                },
                { label: 'From', saved: saved.author, mine: formText(mine, 'author') ?? '' },
                { label: 'Update', saved: saved.body, mine: formText(mine, 'body') ?? '' },
              ].filter((row) => row.saved !== row.mine),
            },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: UpdateParams }>(
    '/plans/:slug/updates/:updateId/delete',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const { plan, update } = await updateToChange(app, request);
      return reply.render('updates/views/updateDelete.njk', {
        title: 'Delete update',
        plan,
        update,
        marking: plan.marking,
        backPath: subjectPath(plan.slug, update),
      });
    },
  );

  app.post<{ Params: UpdateParams; Body: FormBody }>(
    '/plans/:slug/updates/:updateId/delete',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const { plan, update } = await updateToChange(app, request);
      const backPath = subjectPath(plan.slug, update);
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect(backPath, 303);
      await inTransaction(app.db, (trx) => deleteUpdate(trx, request.actor, plan.id, update.id));
      return reply.redirect(withNotice(backPath, 'update-deleted'), 303);
    },
  );
}
