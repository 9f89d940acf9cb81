// /api/v1 update requests: a plan's rounds with their counts, one round per owner and item, starting and closing one.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { paginate, presentingConflict, responses, typed } from '../api/routeHelpers.js';
import { PageQuery, StatusSchema, page } from '../api/schemas.js';
import type { UpdateRoundRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { closeRound, roundLimits, startRound } from './roundCommands.js';
import { findRound, listRounds, roundProgress, type RoundItem, type RoundProgress } from './roundQueries.js';

const IsoDate = Type.String({ format: 'date', description: 'A date, YYYY-MM-DD' });
const RoundParams = Type.Object({
  slug: Type.String({ maxLength: 100 }),
  roundId: Type.String({ minLength: 1, maxLength: 64 }),
});

const RoundSchema = Type.Object({
  id: Type.String(),
  meetingName: Type.String({ description: 'The board or meeting the updates are for' }),
  meetingOn: IsoDate,
  deadline: IsoDate,
  message: Type.String(),
  reminderDays: Type.Array(Type.Integer(), {
    description: 'Days before the deadline with a reminder; 0 is the day',
  }),
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  startedAt: Type.String({ format: 'date-time' }),
  startedBy: Type.String(),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  version: Type.Integer(),
  itemCount: Type.Integer({ description: 'Actions and focus areas asked about' }),
  updatedCount: Type.Integer({
    description: 'Of those, how many have an update posted since the round began',
  }),
});

const RoundItemSchema = Type.Object({
  key: Type.String({ description: '"action:<id>" or "theme:<id>"' }),
  kind: Type.Union([Type.Literal('action'), Type.Literal('theme')]),
  id: Type.String(),
  ref: Type.String(),
  title: Type.String(),
  status: Type.Union([StatusSchema, Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});

const RoundDetailSchema = Type.Composite([
  RoundSchema,
  Type.Object({
    owners: Type.Array(
      Type.Object({
        ownerId: Type.String(),
        name: Type.String(),
        canBeEmailed: Type.Boolean(),
        lastRemindedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        updatedCount: Type.Integer(),
        items: Type.Array(RoundItemSchema),
      }),
    ),
    unowned: Type.Array(RoundItemSchema, { description: 'Items asked about that have no owner' }),
  }),
]);

const RoundCreateBody = Type.Object(
  {
    meetingName: Type.String({ maxLength: roundLimits.meetingName }),
    meetingOn: IsoDate,
    deadline: IsoDate,
    message: Type.Optional(Type.String({ maxLength: roundLimits.message })),
    reminderDays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: roundLimits.reminderDay }), {
        maxItems: roundLimits.reminderDays,
      }),
    ),
    items: Type.Optional(
      Type.Array(Type.String({ maxLength: 110 }), {
        description:
          '"action:<id>" / "theme:<id>"; every action and focus area not complete or cancelled when left out',
      }),
    ),
  },
  { additionalProperties: false },
);

function presentRound(round: UpdateRoundRow, progress: RoundProgress) {
  return {
    id: round.id,
    meetingName: round.meeting_name,
    meetingOn: round.meeting_on,
    deadline: round.deadline,
    message: round.message,
    reminderDays: progress.reminderDays,
    state: round.state,
    startedAt: round.started_at,
    startedBy: round.started_by,
    closedAt: round.closed_at,
    version: round.version,
    itemCount: progress.itemCount,
    updatedCount: progress.updatedCount,
  };
}

const presentItem = (item: RoundItem) => ({ ...item });

function presentDetail(progress: RoundProgress) {
  return {
    ...presentRound(progress.round, progress),
    owners: progress.owners.map((owner) => ({
      ownerId: owner.ownerId,
      name: owner.name,
      canBeEmailed: owner.email !== '',
      lastRemindedAt: owner.lastRemindedAt,
      updatedCount: owner.updatedCount,
      items: owner.items.map(presentItem),
    })),
    unowned: progress.unowned.map(presentItem),
  };
}

export async function roundRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  app.get(
    '/plans/:slug/rounds',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['update requests'],
        summary: "List a plan's update requests, newest first, with how many items have been updated",
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object(PageQuery),
        response: responses(page(RoundSchema)),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const rounds = await listRounds(db.kysely, plan.id);
      const presented = await Promise.all(
        rounds.map(async (round) => presentRound(round, await roundProgress(db.kysely, round))),
      );
      return paginate(presented, request.query);
    },
  );

  app.post(
    '/plans/:slug/rounds',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['update requests'],
        summary:
          'Start an update request: each owner with an e-mail address is sent one request for their items',
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        body: RoundCreateBody,
        response: responses(RoundDetailSchema, 201),
      },
    },
    async (request, reply) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const round = await inTransaction(db, (trx) =>
        startRound(trx, request.actor, app.config, plan, request.body),
      );
      return reply.status(201).send(presentDetail(await roundProgress(db.kysely, round)));
    },
  );

  app.get(
    '/plans/:slug/rounds/:roundId',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['update requests'],
        summary:
          'One update request: per owner and item, what was asked and what has been updated since it began',
        params: RoundParams,
        response: responses(RoundDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const round = await findRound(db.kysely, plan.id, request.params.roundId);
      return presentDetail(await roundProgress(db.kysely, round));
    },
  );

  app.post(
    '/plans/:slug/rounds/:roundId/close',
    {
      config: { access: 'plan:manage' },
      schema: {
        tags: ['update requests'],
        summary: 'Close an update request: reminders stop and personal links no longer work',
        params: RoundParams,
        body: Type.Object({ version: Type.Integer() }, { additionalProperties: false }),
        response: responses(RoundDetailSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db.kysely, request.params.slug);
      const round = await presentingConflict(
        () =>
          inTransaction(db, (trx) =>
            closeRound(trx, request.actor, plan, request.params.roundId, request.body.version),
          ),
        () => findRound(db.kysely, plan.id, request.params.roundId),
        (row) => row,
      );
      return presentDetail(await roundProgress(db.kysely, round));
    },
  );
}
