// /api/v1/owners: the directory of people and teams, with what each owns and leads across plans.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { createOwner, deleteOwner, ownerKinds, updateOwner } from '../owners/ownerCommands.js';
import { listOwners, ownerWithWork } from '../owners/ownerQueries.js';
import { presentOwner } from '../plans/presenters.js';
import { paginate, responses, typed } from './routeHelpers.js';
import {
  OwnerCreateBody,
  OwnerParams,
  OwnerPatchBody,
  OwnerSchema,
  PageQuery,
  StatusSchema,
  page,
} from './schemas.js';
import { readablePlans } from '../web/access.js';

const OwnerSummarySchema = Type.Composite([
  OwnerSchema,
  Type.Object({
    actionCount: Type.Integer(),
    openCount: Type.Integer({ description: 'Actions not complete or cancelled' }),
    themeCount: Type.Integer({ description: 'Themes this owner leads' }),
  }),
]);

const work = (status: TSchema) =>
  Type.Object({
    id: Type.String(),
    title: Type.String(),
    status,
    planSlug: Type.String(),
    planTitle: Type.String(),
  });

const OwnerDetailSchema = Type.Composite([
  OwnerSchema,
  Type.Object({
    actions: Type.Array(work(StatusSchema)),
    themes: Type.Array(work(Type.Union([StatusSchema, Type.Null()]))),
  }),
]);

export async function ownerRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  async function ownerDetail(ownerId: string, readable: Set<string> | 'all') {
    const { owner, actions, themes } = await ownerWithWork(db.kysely, ownerId, readable);
    return {
      ...presentOwner(owner),
      actions: actions.map(({ id, title, status, planSlug, planTitle }) => ({
        id,
        title,
        status,
        planSlug,
        planTitle,
      })),
      themes,
    };
  }

  app.get(
    '/owners',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['owners'],
        summary: 'List owners by name, with how many actions each holds',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          kind: Type.Optional(Type.Union(ownerKinds.map((kind) => Type.Literal(kind)))),
          ...PageQuery,
        }),
        response: responses(page(OwnerSummarySchema)),
      },
    },
    async (request) => {
      const { q, kind, ...paging } = request.query;
      const owners = await listOwners(
        db.kysely,
        { q: q?.trim() || undefined, kind },
        await readablePlans(request),
      );
      return paginate(
        owners.map((owner) => ({
          ...presentOwner(owner),
          actionCount: owner.actionCount,
          openCount: owner.openCount,
          themeCount: owner.themeCount,
        })),
        paging,
      );
    },
  );

  app.post(
    '/owners',
    {
      config: { access: 'create-plans' },
      schema: {
        tags: ['owners'],
        summary: 'Add a person or team to the directory',
        body: OwnerCreateBody,
        response: responses(OwnerDetailSchema, 201),
      },
    },
    async (request, reply) => {
      const owner = await inTransaction(db, (trx) => createOwner(trx, request.actor, request.body));
      return reply
        .status(201)
        .header('location', `/api/v1/owners/${owner.id}`)
        .send(await ownerDetail(owner.id, await readablePlans(request)));
    },
  );

  app.get(
    '/owners/:ownerId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['owners'],
        summary: 'Read an owner with the actions they own and the themes they lead',
        params: OwnerParams,
        response: responses(OwnerDetailSchema),
      },
    },
    async (request) => ownerDetail(request.params.ownerId, await readablePlans(request)),
  );

  app.patch(
    '/owners/:ownerId',
    {
      config: { access: 'create-plans' },
      schema: {
        tags: ['owners'],
        summary: "Change an owner's name, kind or e-mail address",
        params: OwnerParams,
        body: OwnerPatchBody,
        response: responses(OwnerDetailSchema),
      },
    },
    async (request) => {
      await inTransaction(db, (trx) => updateOwner(trx, request.actor, request.params.ownerId, request.body));
      return ownerDetail(request.params.ownerId, await readablePlans(request));
    },
  );

  app.delete(
    '/owners/:ownerId',
    {
      config: { access: 'create-plans' },
      schema: {
        tags: ['owners'],
        summary: 'Remove an owner; their actions stay, without this owner',
        params: OwnerParams,
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      await inTransaction(db, (trx) => deleteOwner(trx, request.actor, request.params.ownerId));
      return reply.status(204).send();
    },
  );
}
