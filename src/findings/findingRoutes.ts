// /api/v1/plans/{slug}/findings: a plan's findings, the actions answering each, and how far they are covered; and the
// findings an action answers.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { presentingConflict, responses, typed } from '../api/routeHelpers.js';
import { ActionParams, Id, PageQuery, SlugParams, StatusSchema, choice, page } from '../api/schemas.js';
import { inTransaction } from '../db/transaction.js';
import { findingLimits } from '../fieldLimits.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { presentFinding } from '../plans/presenters.js';
import { queryKey, sendCached } from '../web/responseCache.js';
import { coverageStates, planCoverage } from './coverage.js';
import { createFinding, deleteFinding, setActionFindings, updateFinding } from './findingCommands.js';
import { findingKinds } from './findingKinds.js';
import {
  findingsAnsweredBy,
  findingWithActions,
  listFindingPage,
  type FindingWithActions,
} from './findingQueries.js';

const KindSchema = choice(
  findingKinds,
  'recommendation, area for improvement, survey finding, focus-group theme, or other',
);
const CoverageSchema = choice(
  coverageStates,
  'no_action: no action answers it (or only cancelled ones); open: an action answering it is not yet complete; complete: every action answering it is complete',
);

export const FindingParams = Type.Object({ slug: Type.String({ maxLength: 100 }), findingId: Id });

export const FindingSchema = Type.Object({
  id: Type.String(),
  reference: Type.String({ description: 'The source\'s own number for it, e.g. "R3"' }),
  text: Type.String(),
  kind: KindSchema,
  sourceDocument: Type.String({ description: 'The document it comes from; "" if not given' }),
  sourceDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  priority: Type.Union([Type.String(), Type.Null()], { description: "In the source's words; null if none" }),
  position: Type.Integer(),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  coverage: CoverageSchema,
  actions: Type.Array(
    Type.Object({ id: Type.String(), ref: Type.String(), title: Type.String(), status: StatusSchema }),
    { description: "The actions answering it, in the plan's order" },
  ),
});

const findingFields = {
  sourceDocument: Type.Optional(Type.String({ maxLength: findingLimits.sourceDocument })),
  sourceDate: Type.Optional(
    Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'The date of the source' }),
  ),
  priority: Type.Optional(
    Type.String({ maxLength: findingLimits.priority, description: 'In the source\'s words; "" for none' }),
  ),
};
export const FindingCreateBody = Type.Object(
  {
    reference: Type.String({ maxLength: findingLimits.reference }),
    text: Type.String({ maxLength: findingLimits.text }),
    kind: KindSchema,
    ...findingFields,
  },
  { additionalProperties: false },
);
export const FindingPatchBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version the edit started from' }),
    reference: Type.Optional(Type.String({ maxLength: findingLimits.reference })),
    text: Type.Optional(Type.String({ maxLength: findingLimits.text })),
    kind: Type.Optional(KindSchema),
    ...findingFields,
  },
  { additionalProperties: false },
);

const Counts = {
  total: Type.Integer(),
  noAction: Type.Integer(),
  open: Type.Integer(),
  complete: Type.Integer(),
  withActions: Type.Integer({ description: 'open and complete together' }),
};
export const CoverageResponse = Type.Object({
  counts: Type.Object(Counts),
  byKind: Type.Array(
    Type.Object({
      kind: KindSchema,
      ...Counts,
      sentence: Type.String({ description: 'e.g. "14 recommendations: 12 with actions, 5 complete"' }),
    }),
    { description: 'Only the kinds the plan has' },
  ),
  findings: Type.Array(
    Type.Object({
      id: Type.String(),
      reference: Type.String(),
      kind: KindSchema,
      coverage: CoverageSchema,
      actionIds: Type.Array(Type.String()),
    }),
  ),
});

const ActionFindingsBody = Type.Object(
  {
    findingIds: Type.Array(Id, {
      maxItems: 500,
      description: 'Every finding the action answers; [] for none',
    }),
  },
  { additionalProperties: false },
);
const ActionFindingsResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), reference: Type.String(), kind: KindSchema })),
});

function presentFindingWithActions({
  finding,
  actions,
  state,
}: FindingWithActions): Static<typeof FindingSchema> {
  return {
    ...presentFinding(finding),
    version: finding.version,
    createdAt: finding.created_at,
    updatedAt: finding.updated_at,
    coverage: state,
    actions,
  };
}

export async function findingRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  const findingDetail = async (planId: string, findingId: string) =>
    presentFindingWithActions(await findingWithActions(db.kysely, planId, findingId));

  app.get(
    '/plans/:slug/findings',
    {
      config: { access: 'plan:read' },
      compress: false,
      schema: {
        tags: ['findings'],
        summary: "List a plan's findings in order, each with the actions answering it",
        params: SlugParams,
        querystring: Type.Object(PageQuery),
        response: responses(page(FindingSchema)),
      },
    },
    async (request, reply) => {
      const { limit = 100, offset = 0 } = request.query;
      return sendCached(request, reply, {
        kind: 'api:findings',
        query: queryKey({ limit, offset }),
        build: async () => {
          const found = await listFindingPage(db.kysely, request.planAccess!.planId, { limit, offset });
          const body = {
            items: found.findings.map(presentFindingWithActions),
            total: found.total,
            limit,
            offset,
          };
          return { body: String(reply.serialize(body)), contentType: 'application/json; charset=utf-8' };
        },
      });
    },
  );

  app.get(
    '/plans/:slug/findings/coverage',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['findings'],
        summary: 'How far the actions answer the findings: counts overall and by kind, and each finding',
        params: SlugParams,
        response: responses(CoverageResponse),
      },
    },
    async (request) => {
      const coverage = await planCoverage(db.kysely, request.planAccess!.planId);
      return {
        counts: coverage.counts,
        byKind: coverage.byKind,
        findings: coverage.findings.map(({ finding, state, actions }) => ({
          id: finding.id,
          reference: finding.reference,
          kind: finding.kind,
          coverage: state,
          actionIds: actions.map((action) => action.id),
        })),
      };
    },
  );

  app.post(
    '/plans/:slug/findings',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['findings'],
        summary: 'Add a finding at the end of the plan',
        params: SlugParams,
        body: FindingCreateBody,
        response: responses(FindingSchema, 201),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const finding = await inTransaction(db, (trx) =>
        createFinding(trx, request.actor, plan.id, request.body),
      );
      return reply
        .status(201)
        .header('location', `/api/v1/plans/${plan.slug}/findings/${finding.id}`)
        .send(await findingDetail(plan.id, finding.id));
    },
  );

  app.get(
    '/plans/:slug/findings/:findingId',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['findings'],
        summary: 'Read a finding with the actions answering it',
        params: FindingParams,
        response: responses(FindingSchema),
      },
    },
    async (request) => findingDetail(request.planAccess!.planId, request.params.findingId),
  );

  app.patch(
    '/plans/:slug/findings/:findingId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['findings'],
        summary: 'Change a finding; send the version you started from',
        params: FindingParams,
        body: FindingPatchBody,
        response: responses(FindingSchema),
      },
    },
    async (request) => {
      const planId = request.planAccess!.planId;
      const { version, ...input } = request.body;
      const { findingId } = request.params;
      await presentingConflict(
        () =>
          inTransaction(db, (trx) => updateFinding(trx, request.actor, planId, findingId, version, input)),
        () => findingDetail(planId, findingId),
        (current) => current,
      );
      return findingDetail(planId, findingId);
    },
  );

  app.delete(
    '/plans/:slug/findings/:findingId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['findings'],
        summary: 'Delete a finding; the actions that answered it stay in the plan',
        params: FindingParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const planId = request.planAccess!.planId;
      await inTransaction(db, (trx) => deleteFinding(trx, request.actor, planId, request.params.findingId));
      return reply.status(204).send();
    },
  );

  app.put(
    '/plans/:slug/actions/:actionId/findings',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['findings'],
        summary: 'Set the findings an action answers: exactly those sent',
        params: ActionParams,
        body: ActionFindingsBody,
        response: responses(ActionFindingsResponse),
      },
    },
    async (request) => {
      const planId = request.planAccess!.planId;
      const { actionId } = request.params;
      await inTransaction(db, (trx) =>
        setActionFindings(trx, request.actor, planId, actionId, request.body.findingIds),
      );
      const answered = await findingsAnsweredBy(db.kysely, actionId);
      return { items: answered.map(({ id, reference, kind }) => ({ id, reference, kind })) };
    },
  );
}
