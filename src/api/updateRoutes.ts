// /api/v1 dated updates: posted on an action or a theme (optionally moving its status), then read, corrected or deleted.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../db/transaction.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { assertMayContribute } from '../web/access.js';
import { presentUpdate } from '../plans/presenters.js';
import {
  deleteUpdate,
  editUpdate,
  findUpdate,
  postUpdate,
  updatePageOn,
  type UpdateSubject,
} from '../updates/updateCommands.js';
import { presentingConflict, responses, typed } from './routeHelpers.js';
import { queryKey, sendCached } from '../web/responseCache.js';
import {
  ActionParams,
  PageQuery,
  ThemeParams,
  UpdateCreateBody,
  UpdateParams,
  UpdatePatchBody,
  UpdateSchema,
  page,
} from './schemas.js';

export async function updateRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  const subjects = [
    { path: 'actions/:actionId', params: ActionParams, what: 'an action' },
    { path: 'themes/:themeId', params: ThemeParams, what: 'a theme' },
  ] as const;

  for (const { path, params, what } of subjects) {
    const subjectOf = (p: Record<string, string>): UpdateSubject =>
      p.actionId !== undefined ? { actionId: p.actionId } : { themeId: p.themeId! };

    app.get(
      `/plans/:slug/${path}/updates`,
      {
        config: { access: 'plan:read' },
        compress: false,
        schema: {
          tags: ['updates'],
          summary: `List the updates on ${what}, newest first`,
          params,
          querystring: Type.Object(PageQuery),
          response: responses(page(UpdateSchema)),
        },
      },
      async (request, reply) => {
        const { limit = 100, offset = 0 } = request.query;
        const subject = subjectOf(request.params as Record<string, string>);
        return sendCached(request, reply, {
          kind: 'api:updates',
          query: queryKey({ ...subject, limit, offset }),
          build: async () => {
            const page = await updatePageOn(db.kysely, request.planAccess!.planId, subject, {
              limit,
              offset,
            });
            const body = { items: page.updates.map(presentUpdate), total: page.total, limit, offset };
            return { body: String(reply.serialize(body)), contentType: 'application/json; charset=utf-8' };
          },
        });
      },
    );

    app.post(
      `/plans/:slug/${path}/updates`,
      {
        config: { access: 'plan:contribute' },
        schema: {
          tags: ['updates'],
          summary: `Post a dated update on ${what}; statusChange also moves its status`,
          params,
          body: UpdateCreateBody,
          response: responses(UpdateSchema, 201),
        },
      },
      async (request, reply) => {
        const plan = await findPlanBySlug(db.kysely, request.params.slug);
        const subject = subjectOf(request.params as Record<string, string>);
        await assertMayContribute(request, subject);
        const update = await inTransaction(db, (trx) =>
          postUpdate(trx, request.actor, plan.id, subject, request.body),
        );
        return reply
          .status(201)
          .header('location', `/api/v1/plans/${plan.slug}/updates/${update.id}`)
          .send(presentUpdate(update));
      },
    );
  }

  app.get(
    '/plans/:slug/updates/:updateId',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['updates'],
        summary: 'Read an update',
        params: UpdateParams,
        response: responses(UpdateSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      return presentUpdate(await findUpdate(db.kysely, plan.id, request.params.updateId));
    },
  );

  app.patch(
    '/plans/:slug/updates/:updateId',
    {
      config: { access: 'plan:contribute' },
      schema: {
        tags: ['updates'],
        summary: "Correct an update's date, author or text; send the version you started from",
        params: UpdateParams,
        body: UpdatePatchBody,
        response: responses(UpdateSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const { version, ...input } = request.body;
      const { updateId } = request.params;
      await assertMayContribute(request, await findUpdate(db.kysely, plan.id, updateId));
      const saved = await presentingConflict(
        () => inTransaction(db, (trx) => editUpdate(trx, request.actor, plan.id, updateId, version, input)),
        () => findUpdate(db.kysely, plan.id, updateId),
        presentUpdate,
      );
      return presentUpdate(saved);
    },
  );

  app.delete(
    '/plans/:slug/updates/:updateId',
    {
      config: { access: 'plan:contribute' },
      schema: {
        tags: ['updates'],
        summary: 'Delete an update (a status it moved stays moved; the history keeps the update)',
        params: UpdateParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await assertMayContribute(request, await findUpdate(db.kysely, plan.id, request.params.updateId));
      await inTransaction(db, (trx) => deleteUpdate(trx, request.actor, plan.id, request.params.updateId));
      return reply.status(204).send();
    },
  );
}
