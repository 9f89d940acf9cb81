// GET /api/v1/my-work: the My work page's groups, for scripts and apps.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { responses, typed } from '../api/routeHelpers.js';
import { StatusSchema } from '../api/schemas.js';
import { todayIso } from '../dates/ukDate.js';
import { myWorkGroups, myWorkOf, type GroupedItem } from './myWork.js';

const MyWorkItemSchema = Type.Object({
  kind: Type.Union([Type.Literal('action'), Type.Literal('theme')], {
    description: 'An action you own, or a focus area (theme) you lead',
  }),
  id: Type.String(),
  ref: Type.String({ description: "The action's reference; empty for a focus area" }),
  title: Type.String(),
  plan: Type.Object({ slug: Type.String(), title: Type.String(), marking: Type.String() }),
  status: Type.Union([StatusSchema, Type.Null()]),
  overdue: Type.Boolean(),
  targetDate: Type.Object(
    {
      text: Type.String({ description: 'As written; the revised date where it moved' }),
      kind: Type.String(),
      start: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
      end: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    },
    { description: 'The date the action is held to; kind "none" for a focus area' },
  ),
  lastUpdate: Type.Union([
    Type.Object({
      effectiveOn: Type.String({ format: 'date' }),
      firstLine: Type.String({ description: "The first line of the update's words, as plain text" }),
    }),
    Type.Null(),
  ]),
  postedToday: Type.Boolean({ description: 'An update on it was posted today (London time)' }),
  updateRequested: Type.Union([
    Type.Object({ deadline: Type.String({ format: 'date' }), meeting: Type.String() }),
    Type.Null(),
  ]),
  mayPostUpdate: Type.Boolean({ description: 'Whether you may post updates on it' }),
});

const MyWorkSchema = Type.Object({
  linked: Type.Boolean({
    description:
      'Whether your account is linked to an owner in the directory; an administrator links it on the Users page',
  }),
  groups: Type.Array(
    Type.Object({
      id: Type.Union(
        myWorkGroups.map((group) => Type.Literal(group.id)),
        { description: myWorkGroups.map((group) => `${group.id}: ${group.title}`).join('; ') },
      ),
      title: Type.String(),
      total: Type.Integer({ description: 'How many items the group holds, all pages together' }),
      items: Type.Array(MyWorkItemSchema),
    }),
    { description: 'Only groups with items, in this order: requested, overdue, due-soon, everything-else' },
  ),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

function presentItem(item: GroupedItem) {
  return {
    kind: item.kind,
    id: item.id,
    ref: item.ref,
    title: item.title,
    plan: { slug: item.plan.slug, title: item.plan.title, marking: item.plan.marking },
    status: item.status,
    overdue: item.overdue,
    targetDate: item.target,
    lastUpdate: item.lastUpdate,
    postedToday: item.postedToday,
    updateRequested: item.request,
    mayPostUpdate: item.mayPost,
  };
}

export async function myWorkRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  app.get(
    '/my-work',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['my work'],
        summary:
          'Your actions and focus areas across the plans you may read, grouped by what needs you: an update ' +
          'requested, overdue, due in the next 30 days, everything else',
        querystring: Type.Object({
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 500,
              default: 100,
              description: 'How many of "everything else" to give; the other groups come whole',
            }),
          ),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: responses(MyWorkSchema),
      },
    },
    async (request) => {
      const user = request.user!;
      const limit = request.query.limit ?? 100;
      const offset = request.query.offset ?? 0;
      const groups = await myWorkOf(app.db, user, todayIso());
      return {
        linked: user.ownerId !== null,
        groups: groups.map((group) => ({
          id: group.id,
          title: group.title,
          total: group.items.length,
          items: (group.id === 'everything-else'
            ? group.items.slice(offset, offset + limit)
            : group.items
          ).map(presentItem),
        })),
        limit,
        offset,
      };
    },
  );
}
