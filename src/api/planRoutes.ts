// /api/v1/plans: list, read, create, change and delete plans, and the whole plan as export.json.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { createPlan, deletePlan, findPlanBySlug, updatePlan } from '../plans/planCommands.js';
import { loadPlanContents } from '../plans/planContents.js';
import { listPlans } from '../plans/planList.js';
import { countByStatus } from '../plans/planView.js';
import { presentHorizon, presentPlan, presentPlanExport } from '../plans/presenters.js';
import { paginate, presentingConflict, responses, typed } from './routeHelpers.js';
import {
  PageQuery,
  PlanCreateBody,
  PlanDetailSchema,
  PlanExportSchema,
  PlanPatchBody,
  PlanSummarySchema,
  SlugParams,
  page,
} from './schemas.js';
import { readablePlans } from '../web/access.js';
import { sendCached } from '../web/responseCache.js';
import { findingsForExport } from '../findings/findingQueries.js';

export async function planRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  async function planDetail(slug: string) {
    const contents = await loadPlanContents(db.kysely, slug, { updates: 'themes' });
    const counts = countByStatus(contents.actions);
    return {
      ...presentPlan(contents.plan),
      horizons: contents.horizons.map(presentHorizon),
      counts,
      total: contents.actions.length,
    };
  }

  app.get(
    '/plans',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['plans'],
        summary: 'List plans with their actions counted by status',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), ...PageQuery }),
        response: responses(page(PlanSummarySchema)),
      },
    },
    async (request) => {
      const plans = await listPlans(
        db.kysely,
        request.query.q?.trim() || undefined,
        await readablePlans(request),
      );
      return paginate(
        plans.map((plan) => ({ ...presentPlan(plan), counts: plan.counts, total: plan.total })),
        request.query,
      );
    },
  );

  app.post(
    '/plans',
    {
      config: { access: 'create-plans' },
      schema: {
        tags: ['plans'],
        summary: 'Create a plan',
        body: PlanCreateBody,
        response: responses(PlanDetailSchema, 201),
      },
    },
    async (request, reply) => {
      const plan = await inTransaction(db, (trx) => createPlan(trx, request.actor, request.body));
      return reply
        .status(201)
        .header('location', `/api/v1/plans/${plan.slug}`)
        .send(await planDetail(plan.slug));
    },
  );

  app.get(
    '/plans/:slug',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['plans'],
        summary: 'Read a plan with its horizons and counts',
        params: SlugParams,
        response: responses(PlanDetailSchema),
      },
    },
    async (request) => planDetail(request.params.slug),
  );

  app.patch(
    '/plans/:slug',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['plans'],
        summary: 'Change a plan; send the version you started from',
        params: SlugParams,
        body: PlanPatchBody,
        response: responses(PlanDetailSchema),
      },
    },
    async (request) => {
      const { version, ...input } = request.body;
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const saved = await presentingConflict(
        () => inTransaction(db, (trx) => updatePlan(trx, request.actor, plan.id, version, input)),
        () => findPlanBySlug(db.kysely, request.params.slug),
        presentPlan,
      );
      return planDetail(saved.slug);
    },
  );

  app.delete(
    '/plans/:slug',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['plans'],
        summary: 'Delete a plan and everything in it (the history keeps a copy)',
        params: SlugParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      await inTransaction(db, (trx) => deletePlan(trx, request.actor, plan.id));
      return reply.status(204).send();
    },
  );

  app.get(
    '/plans/:slug/export.json',
    {
      config: { access: 'plan:read' },
      compress: false,
      schema: {
        tags: ['plans'],
        summary: 'The whole plan: themes, actions, updates and owners, in the headway.plan interchange shape',
        params: SlugParams,
        response: responses(PlanExportSchema),
      },
    },
    async (request, reply) =>
      sendCached(request, reply, {
        kind: 'api:export.json',
        build: async () => {
          const contents = await loadPlanContents(db.kysely, request.params.slug, { updates: 'all' });
          const findings = await findingsForExport(db.kysely, contents.plan.id);
          return {
            body: String(reply.serialize(presentPlanExport(contents, undefined, undefined, findings))),
            contentType: 'application/json; charset=utf-8',
            headers: { 'content-disposition': `attachment; filename="${contents.plan.slug}.json"` },
          };
        },
      }),
  );
}
