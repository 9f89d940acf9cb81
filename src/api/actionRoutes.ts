// /api/v1/plans/{slug}/actions: a plan's actions, filtered and paged as on the plan page, with their updates.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createAction, deleteAction, updateAction } from '../actions/actionCommands.js';
import { inTransaction } from '../db/transaction.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { listActionPage } from '../actions/actionList.js';
import { readPlanFilters } from '../plans/planView.js';
import { queryKey, sendCached } from '../web/responseCache.js';
import { presentAction, presentUpdate } from '../plans/presenters.js';
import { MoveBody } from './themeRoutes.js';
import { moveInList } from '../themes/themeCommands.js';
import { findActionWithUpdates } from '../actions/actionWithUpdates.js';
import { presentingConflict, responses, typed } from './routeHelpers.js';
import {
  ActionCreateBody,
  ActionDetailSchema,
  ActionParams,
  ActionPatchBody,
  ActionSchema,
  PageQuery,
  RagSchema,
  SlugParams,
  StatusSchema,
  page,
} from './schemas.js';

const ActionQuery = Type.Object({
  status: Type.Optional(StatusSchema),
  owner: Type.Optional(Type.String({ maxLength: 200, description: 'Owner name, exactly (any case)' })),
  rag: Type.Optional(Type.Union([RagSchema, Type.Literal('none')])),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all appear' })),
  themeId: Type.Optional(Type.String({ maxLength: 64 })),
  ...PageQuery,
});

export async function actionRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  async function actionDetail(planId: string, actionId: string) {
    const { action, updates } = await findActionWithUpdates(db, planId, actionId);
    return { ...presentAction(action), updates: updates.map(presentUpdate) };
  }

  app.get(
    '/plans/:slug/actions',
    {
      config: { access: 'plan:read' },
      compress: false,
      schema: {
        tags: ['actions'],
        summary: "List a plan's actions in plan order, filtered as on the plan page",
        params: SlugParams,
        querystring: ActionQuery,
        response: responses(page(ActionSchema)),
      },
    },
    async (request, reply) => {
      const { overdue, themeId, limit = 100, offset = 0, ...rest } = request.query;
      const { status, owner, rag, q } = readPlanFilters(rest);
      const filters = { status, owner, rag, q, overdue: overdue === true, themeId };
      return sendCached(request, reply, {
        kind: 'api:actions',
        query: queryKey({ ...filters, limit, offset }),
        build: async () => {
          const page = await listActionPage(db.kysely, request.planAccess!.planId, filters, {
            limit,
            offset,
          });
          return {
            body: String(
              reply.serialize({
                items: page.actions.map((action) => presentAction(action)),
                total: page.total,
                limit,
                offset,
              }),
            ),
            contentType: 'application/json; charset=utf-8',
          };
        },
      });
    },
  );

  app.post(
    '/plans/:slug/actions',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['actions'],
        summary: 'Add an action at the end of the plan',
        params: SlugParams,
        body: ActionCreateBody,
        response: responses(ActionDetailSchema, 201),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const action = await inTransaction(db, (trx) =>
        createAction(trx, request.actor, plan.id, request.body),
      );
      return reply
        .status(201)
        .header('location', `/api/v1/plans/${plan.slug}/actions/${action.id}`)
        .send(await actionDetail(plan.id, action.id));
    },
  );

  app.get(
    '/plans/:slug/actions/:actionId',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['actions'],
        summary: 'Read an action with its updates, newest first',
        params: ActionParams,
        response: responses(ActionDetailSchema),
      },
    },
    // The access check has found the plan already.
    async (request) => actionDetail(request.planAccess!.planId, request.params.actionId),
  );

  app.patch(
    '/plans/:slug/actions/:actionId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['actions'],
        summary: 'Change an action; send the version you started from',
        params: ActionParams,
        body: ActionPatchBody,
        response: responses(ActionDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const { version, ...input } = request.body;
      const { actionId } = request.params;
      await presentingConflict(
        () => inTransaction(db, (trx) => updateAction(trx, request.actor, plan.id, actionId, version, input)),
        () => actionDetail(plan.id, actionId),
        (current) => current,
      );
      return actionDetail(plan.id, actionId);
    },
  );

  app.post(
    '/plans/:slug/actions/:actionId/move',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['actions'],
        summary: 'Move an action one place up or down within its theme',
        params: ActionParams,
        body: MoveBody,
        response: responses(ActionDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await inTransaction(db, (trx) =>
        moveInList(trx, request.actor, 'actions', plan.id, request.params.actionId, request.body.direction),
      );
      return actionDetail(plan.id, request.params.actionId);
    },
  );

  app.delete(
    '/plans/:slug/actions/:actionId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['actions'],
        summary: 'Delete an action and its updates (the history keeps both)',
        params: ActionParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await inTransaction(db, (trx) => deleteAction(trx, request.actor, plan.id, request.params.actionId));
      return reply.status(204).send();
    },
  );
}
