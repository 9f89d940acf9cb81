// /api/v1/plans/{slug}/themes: a plan's themes (focus areas) with their leads and dated updates.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { loadPlanContents } from '../plans/planContents.js';
import { presentTheme, presentUpdate } from '../plans/presenters.js';
import { createTheme, deleteTheme, moveInList, updateTheme } from '../themes/themeCommands.js';
import { listThemePage, themeWithUpdates } from '../themes/themeQueries.js';
import { queryKey, sendCached } from '../web/responseCache.js';
import { paginate, presentingConflict, responses, typed } from './routeHelpers.js';
import {
  PageQuery,
  SlugParams,
  ThemeCreateBody,
  ThemeDetailSchema,
  ThemeParams,
  ThemePatchBody,
  ThemeSchema,
  page,
} from './schemas.js';

export const MoveBody = Type.Object(
  { direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) },
  { additionalProperties: false },
);

export async function themeRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  async function themeDetail(planId: string, themeId: string) {
    const { theme, updates } = await themeWithUpdates(db.kysely, planId, themeId);
    return { ...presentTheme(theme), updates: updates.map(presentUpdate) };
  }

  app.get(
    '/plans/:slug/themes',
    {
      config: { access: 'plan:read' },
      compress: false,
      schema: {
        tags: ['themes'],
        summary: "List a plan's themes in order",
        params: SlugParams,
        querystring: Type.Object(PageQuery),
        response: responses(page(ThemeSchema)),
      },
    },
    async (request, reply) => {
      const { limit = 100, offset = 0 } = request.query;
      return sendCached(request, reply, {
        kind: 'api:themes',
        query: queryKey({ limit, offset }),
        build: async () => {
          const page = await listThemePage(db.kysely, request.planAccess!.planId, { limit, offset });
          const body = { items: page.themes.map(presentTheme), total: page.total, limit, offset };
          return { body: String(reply.serialize(body)), contentType: 'application/json; charset=utf-8' };
        },
      });
    },
  );

  app.post(
    '/plans/:slug/themes',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['themes'],
        summary: 'Add a theme at the end of the plan',
        params: SlugParams,
        body: ThemeCreateBody,
        response: responses(ThemeDetailSchema, 201),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const theme = await inTransaction(db, (trx) => createTheme(trx, request.actor, plan.id, request.body));
      return reply
        .status(201)
        .header('location', `/api/v1/plans/${plan.slug}/themes/${theme.id}`)
        .send(await themeDetail(plan.id, theme.id));
    },
  );

  app.get(
    '/plans/:slug/themes/:themeId',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['themes'],
        summary: 'Read a theme with its updates, newest first',
        params: ThemeParams,
        response: responses(ThemeDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      return themeDetail(plan.id, request.params.themeId);
    },
  );

  app.patch(
    '/plans/:slug/themes/:themeId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['themes'],
        summary: 'Change a theme; send the version you started from',
        params: ThemeParams,
        body: ThemePatchBody,
        response: responses(ThemeDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const { version, ...input } = request.body;
      const { themeId } = request.params;
      await presentingConflict(
        () => inTransaction(db, (trx) => updateTheme(trx, request.actor, plan.id, themeId, version, input)),
        () => themeDetail(plan.id, themeId),
        (current) => current,
      );
      return themeDetail(plan.id, themeId);
    },
  );

  app.post(
    '/plans/:slug/themes/:themeId/move',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['themes'],
        summary: 'Move a theme one place up or down',
        params: ThemeParams,
        body: MoveBody,
        response: responses(page(ThemeSchema)),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await inTransaction(db, (trx) =>
        moveInList(trx, request.actor, 'themes', plan.id, request.params.themeId, request.body.direction),
      );
      const contents = await loadPlanContents(db.kysely, plan.slug, { updates: 'themes' });
      return paginate(contents.themes.map(presentTheme), {});
    },
  );

  app.delete(
    '/plans/:slug/themes/:themeId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['themes'],
        summary: 'Delete a theme and its own updates; its actions stay in the plan, without a theme',
        params: ThemeParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await inTransaction(db, (trx) => deleteTheme(trx, request.actor, plan.id, request.params.themeId));
      return reply.status(204).send();
    },
  );
}
