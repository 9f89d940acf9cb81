// The pages for themes (focus areas): view with rolling updates, create, edit, reorder, delete, post an update.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { rags, statuses } from '../plans/vocabulary.js';
import { todayIso } from '../dates/ukDate.js';
import { postUpdateFromForm } from '../updates/updatePages.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { editedRichText, toEditableText } from '../richtext/editableText.js';
import {
  createTheme,
  deleteTheme,
  findTheme,
  moveInList,
  updateTheme,
  type ThemeInput,
} from './themeCommands.js';
import { themeWithUpdates } from './themeQueries.js';
import { changesByTheme, perCent, planSurveys } from '../surveys/surveyQueries.js';

type ThemeParams = { slug: string; themeId: string };

/** The theme a form posts; its rich text is typed as editable text, and kept as stored where left as shown. */
function themeInputFrom(body: FormBody, stored?: { progress: string; future_actions: string }): ThemeInput {
  return {
    title: formText(body, 'title'),
    lead: formText(body, 'lead') ?? '',
    status: (formText(body, 'status') ?? '') as ThemeInput['status'],
    rag: (formText(body, 'rag') ?? '') as ThemeInput['rag'],
    progress: editedRichText(formText(body, 'progress'), stored?.progress ?? ''),
    futureActions: editedRichText(formText(body, 'futureActions'), stored?.future_actions ?? ''),
  };
}

const themeLabels: Record<string, string> = {
  title: 'Title',
  lead: 'Lead',
  status: 'Status',
  rag: 'RAG',
  progress: 'Progress',
  futureActions: 'Future planned actions',
};

function renderThemeForm(reply: FastifyReply, context: Record<string, unknown>) {
  return reply.render('themes/views/themeForm.njk', { statuses, rags, ...context });
}

export async function themePages(app: FastifyInstance): Promise<void> {
  const crumbs = (plan: { title: string; slug: string }) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
  ];

  app.get<{ Params: { slug: string } }>(
    '/plans/:slug/themes/new',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderThemeForm(reply, {
        title: 'Add a theme',
        plan,
        marking: plan.marking,
        form: {},
        action: `/plans/${plan.slug}/themes`,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: { slug: string }; Body: FormBody }>(
    '/plans/:slug/themes',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        const theme = await inTransaction(app.db, (trx) =>
          createTheme(trx, request.actor, plan.id, themeInputFrom(request.body)),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/themes/${theme.id}`, 'theme-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderThemeForm(reply.status(400), {
          title: 'Add a theme',
          plan,
          marking: plan.marking,
          form: request.body,
          errors: error.fieldErrors,
          action: `/plans/${plan.slug}/themes`,
          breadcrumbs: crumbs(plan),
        });
      }
    },
  );

  app.get<{ Params: ThemeParams; Querystring: { notice?: string } }>(
    '/plans/:slug/themes/:themeId',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { theme, updates, actions } = await themeWithUpdates(
        app.db.kysely,
        plan.id,
        request.params.themeId,
      );
      const survey = changesByTheme(await planSurveys(app.db.kysely, plan.id)).get(theme.id) ?? [];
      return reply.render('themes/views/theme.njk', {
        title: theme.title,
        plan,
        theme,
        updates,
        actions,
        survey,
        perCent,
        statuses,
        marking: plan.marking,
        today: todayIso(),
        notice: noticeText(request.query.notice),
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: ThemeParams; Body: FormBody }>(
    '/plans/:slug/themes/:themeId/updates',
    { config: { access: 'plan:contribute' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const path = `/plans/${plan.slug}/themes/${request.params.themeId}`;
      const result = await postUpdateFromForm(app, request, plan.id, { themeId: request.params.themeId });
      if (result.ok) return reply.redirect(withNotice(path, 'update-posted'), 303);
      const { theme, updates, actions } = await themeWithUpdates(
        app.db.kysely,
        plan.id,
        request.params.themeId,
      );
      return reply.status(400).render('themes/views/theme.njk', {
        title: theme.title,
        plan,
        theme,
        updates,
        actions,
        statuses,
        marking: plan.marking,
        updateForm: request.body,
        errors: result.errors,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.get<{ Params: ThemeParams }>(
    '/plans/:slug/themes/:themeId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { theme } = await themeWithUpdates(app.db.kysely, plan.id, request.params.themeId);
      return renderThemeForm(reply, {
        title: `Edit ${theme.title}`,
        plan,
        marking: plan.marking,
        form: themeForm(theme),
        action: `/plans/${plan.slug}/themes/${theme.id}/edit`,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: ThemeParams; Body: FormBody }>(
    '/plans/:slug/themes/:themeId/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { slug, themeId } = request.params;
      const context = {
        plan,
        marking: plan.marking,
        action: `/plans/${slug}/themes/${themeId}/edit`,
        breadcrumbs: crumbs(plan),
      };
      const { theme: stored } = await themeWithUpdates(app.db.kysely, plan.id, themeId);
      if (formVersion(request.body) === stored.version && unchangedForm(themeForm(stored), request.body))
        return reply.redirect(withNotice(`/plans/${slug}/themes/${themeId}`, 'no-changes'), 303);
      try {
        await inTransaction(app.db, (trx) =>
          updateTheme(
            trx,
            request.actor,
            plan.id,
            themeId,
            formVersion(request.body),
            themeInputFrom(request.body, stored),
          ),
        );
        return reply.redirect(withNotice(`/plans/${slug}/themes/${themeId}`, 'theme-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError) {
          return renderThemeForm(reply.status(400), {
            ...context,
            title: 'Edit theme',
            form: request.body,
            errors: error.fieldErrors,
          });
        }
        if (error instanceof ConflictError) {
          const { theme } = await themeWithUpdates(app.db.kysely, plan.id, themeId);
          const saved = themeForm(theme);
          return renderThemeForm(reply.status(409), {
            ...context,
            title: `Edit ${theme.title}`,
            form: { ...request.body, version: saved.version },
            conflict: { saved, fields: conflictFields(saved, request.body, themeLabels) },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: ThemeParams }>(
    '/plans/:slug/themes/:themeId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const { theme, actions } = await themeWithUpdates(app.db.kysely, plan.id, request.params.themeId);
      return reply.render('themes/views/themeDelete.njk', {
        title: `Delete ${theme.title}`,
        plan,
        theme,
        actions,
        marking: plan.marking,
        breadcrumbs: crumbs(plan),
      });
    },
  );

  app.post<{ Params: ThemeParams; Body: FormBody }>(
    '/plans/:slug/themes/:themeId/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      await findTheme(app.db.kysely, plan.id, request.params.themeId);
      if (formText(request.body, 'confirm') !== 'yes')
        return reply.redirect(`/plans/${plan.slug}/themes/${request.params.themeId}`, 303);
      await inTransaction(app.db, (trx) => deleteTheme(trx, request.actor, plan.id, request.params.themeId));
      return reply.redirect(withNotice(`/plans/${plan.slug}`, 'theme-deleted'), 303);
    },
  );

  app.post<{ Params: ThemeParams; Body: FormBody }>(
    '/plans/:slug/themes/:themeId/move',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const direction = formText(request.body, 'direction') === 'down' ? 'down' : 'up';
      await inTransaction(app.db, (trx) =>
        moveInList(trx, request.actor, 'themes', plan.id, request.params.themeId, direction),
      );
      return reply.redirect(withNotice(`/plans/${plan.slug}`, 'moved'), 303);
    },
  );
}

function themeForm(theme: {
  title: string;
  lead: string | null;
  status: string | null;
  rag: string | null;
  progress: string;
  future_actions: string;
  version: number;
}) {
  return {
    title: theme.title,
    lead: theme.lead ?? '',
    status: theme.status ?? '',
    rag: theme.rag ?? '',
    progress: toEditableText(theme.progress),
    futureActions: toEditableText(theme.future_actions),
    version: String(theme.version),
  };
}
