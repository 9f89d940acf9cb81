// /api/v1/owners: the directory of people and teams, with what each owns and leads across plans.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { createOwner, deleteOwner, mergeOwner, ownerKinds, updateOwner } from '../owners/ownerCommands.js';
import { listOwners, ownerWithWork } from '../owners/ownerQueries.js';
import { presentOwner } from '../plans/presenters.js';
import { paginate, presentingConflict, responses, typed } from './routeHelpers.js';
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

const ownerVersion = {
  version: Type.Integer({
    description: 'Send it back with a change, so a change made meanwhile is not overwritten',
  }),
};
const StartedFrom = Type.Integer({ minimum: 1, description: 'The version the change started from' });

const OwnerSummarySchema = Type.Composite([
  OwnerSchema,
  Type.Object(ownerVersion),
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
    ...ownerVersion,
    actions: Type.Array(work(StatusSchema)),
    themes: Type.Array(work(Type.Union([StatusSchema, Type.Null()]))),
  }),
]);

const OwnerMergeBody = Type.Object(
  {
    version: StartedFrom,
    into: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The id of the owner who takes over the work',
    }),
  },
  { additionalProperties: false },
);

export async function ownerRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db;

  async function ownerDetail(ownerId: string, readable: Set<string> | 'all') {
    const { owner, actions, themes } = await ownerWithWork(db.kysely, ownerId, readable);
    return {
      ...presentOwner(owner),
      version: owner.version,
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
          version: owner.version,
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
      const { version, ...input } = request.body;
      const { ownerId } = request.params;
      const readable = await readablePlans(request);
      await presentingConflict(
        () => inTransaction(db, (trx) => updateOwner(trx, request.actor, ownerId, version, input)),
        () => ownerDetail(ownerId, readable),
        (current) => current,
      );
      return ownerDetail(ownerId, readable);
    },
  );

  app.post(
    '/owners/:ownerId/merge',
    {
      config: { access: 'create-plans' },
      schema: {
        tags: ['owners'],
        summary:
          'Merge an owner into another: every action and theme moves to the other, and this owner leaves the directory',
        params: OwnerParams,
        body: OwnerMergeBody,
        response: responses(OwnerDetailSchema),
      },
    },
    async (request) => {
      const { ownerId } = request.params;
      const readable = await readablePlans(request);
      const into = await presentingConflict(
        () =>
          inTransaction(db, (trx) =>
            mergeOwner(trx, request.actor, ownerId, request.body.version, request.body.into),
          ),
        () => ownerDetail(ownerId, readable),
        (current) => current,
      );
      return ownerDetail(into.id, readable);
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
        querystring: Type.Object({ version: StartedFrom }),
        response: responses(null, 204),
      },
    },
    async (request, reply) => {
      const { ownerId } = request.params;
      await presentingConflict(
        () => inTransaction(db, (trx) => deleteOwner(trx, request.actor, ownerId, request.query.version)),
        async () => ownerDetail(ownerId, await readablePlans(request)),
        (current) => current,
      );
      return reply.status(204).send();
    },
  );
}
