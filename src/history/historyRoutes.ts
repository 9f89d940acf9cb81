// /api/v1: a plan's, an action's and a theme's history in words, a page at a time, and the plan as it stood at a moment.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { responses, typed } from '../api/routeHelpers.js';
import { ActionParams, PlanExportSchema, SlugParams, ThemeParams } from '../api/schemas.js';
import { londonDateAndTime } from '../dates/ukDate.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { presentPlanExport } from '../plans/presenters.js';
import { changeKinds, type ChangeKind } from './changeSentences.js';
import { historyFilter, historyPage, namesOf, type HistoryCursor } from './historyQueries.js';
import { loadPlanAsAt, requestedMoment } from './planAsAt.js';
import { changeLines, comparisonSummary } from './comparePlans.js';
import { loadComparison } from './planComparison.js';

const ChangeSchema = Type.Object({
  id: Type.Integer({ description: 'The change, for paging: pass it as older or newer' }),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'Who made the change' }),
  source: Type.String({
    description: 'Where it came from besides the person, e.g. "import: plan.docx"; "" if none',
  }),
  recordType: Type.String({
    description: 'plan, horizon, theme, action, update, report, finding or action_finding',
  }),
  recordId: Type.String(),
  subject: Type.String({ description: 'What changed, in words: "Action 3: Survey again"' }),
  kinds: Type.Array(Type.Union(changeKinds.map((kind) => Type.Literal(kind)))),
  lines: Type.Array(
    Type.Object({
      kind: Type.Union(changeKinds.map((kind) => Type.Literal(kind))),
      text: Type.String({ description: 'The change as a sentence: "Status: In progress → Complete"' }),
      before: Type.Optional(Type.String({ description: 'Rich text before the change, as a plain excerpt' })),
      after: Type.Optional(Type.String({ description: 'Rich text after the change, as a plain excerpt' })),
    }),
  ),
});

const HistoryPageSchema = Type.Object({
  items: Type.Array(ChangeSchema, { description: 'Newest first' }),
  older: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Pass as older for the next page back; null at the end',
  }),
  newer: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Pass as newer for the page before; null at the start',
  }),
});

const ComparedActionFields = {
  id: Type.String(),
  ref: Type.String(),
  title: Type.String(),
};
const FromTo = Type.Object({ from: Type.String(), to: Type.String() });
const ComparisonSchema = Type.Object({
  from: Type.String({ format: 'date-time', description: 'The first moment compared' }),
  to: Type.String({ format: 'date-time', description: 'The second moment compared' }),
  sinceReport: Type.Union([
    Type.Object({
      id: Type.String(),
      period: Type.String(),
      publishedAt: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
  summary: Type.String({ description: 'The counts in words: "2 actions added, 1 status change"' }),
  counts: Type.Object({
    added: Type.Integer(),
    removed: Type.Integer(),
    statusChanges: Type.Integer(),
    ragChanges: Type.Integer(),
    dateMoves: Type.Integer(),
    ownerChanges: Type.Integer(),
    newUpdates: Type.Integer(),
  }),
  themes: Type.Array(
    Type.Object({
      theme: Type.String({ description: 'The focus area, or "No theme"' }),
      added: Type.Array(
        Type.Object({ ...ComparedActionFields, status: Type.String(), owners: Type.Array(Type.String()) }),
      ),
      removed: Type.Array(Type.Object(ComparedActionFields)),
      changed: Type.Array(
        Type.Object({
          ...ComparedActionFields,
          status: Type.Optional(FromTo),
          rag: Type.Optional(Type.Object({ from: Type.String(), to: Type.String(), reason: Type.String() })),
          targetDate: Type.Optional(
            Type.Object({ from: Type.String(), to: Type.String(), reason: Type.String() }),
          ),
          owners: Type.Optional(
            Type.Object({ from: Type.Array(Type.String()), to: Type.Array(Type.String()) }),
          ),
          lines: Type.Array(Type.String(), { description: 'The change as sentences' }),
        }),
      ),
      newUpdates: Type.Array(
        Type.Object({
          id: Type.String(),
          on: Type.String({ description: 'The action or focus area' }),
          effectiveOn: Type.String({ format: 'date' }),
          author: Type.String(),
          words: Type.String(),
          statusChange: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
    { description: 'Only themes with something to say' },
  ),
});

const HistoryQuery = Type.Object({
  kind: Type.Optional(
    Type.Array(Type.Union(changeKinds.map((kind) => Type.Literal(kind))), {
      description: 'Only changes of these kinds (repeat the parameter for several)',
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date', description: 'From this day (UK time) on' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Up to the end of this day (UK time)' })),
  older: Type.Optional(Type.Integer({ minimum: 0, description: 'Changes older than this one' })),
  newer: Type.Optional(Type.Integer({ minimum: 0, description: 'Changes newer than this one' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

type Query = {
  kind?: ChangeKind[];
  from?: string;
  to?: string;
  older?: number;
  newer?: number;
  limit?: number;
};

function readQuery(query: Query) {
  if (query.from && query.to && query.from > query.to)
    throw new InvalidInputError(
      { to: 'to must be the same day as from or after it' },
      'to must not be before from',
    );
  const cursor: HistoryCursor =
    query.older !== undefined
      ? { older: query.older }
      : query.newer !== undefined
        ? { newer: query.newer }
        : null;
  return {
    filter: historyFilter(query.kind ?? [], query.from, query.to),
    cursor,
    limit: query.limit ?? 50,
  };
}

export async function historyRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db.kysely;

  async function page(slug: string, query: Query, subject?: { type: 'action' | 'theme'; id: string }) {
    const plan = await findPlanBySlug(db, slug);
    if (subject && (await namesOf(db, plan.id, [subject.id])).get(subject.id)?.type !== subject.type)
      throw new NotFoundError(subject.type === 'action' ? 'Action' : 'Theme');
    const { filter, cursor, limit } = readQuery(query);
    const found = await historyPage(db, { planId: plan.id, subjectId: subject?.id }, filter, cursor, limit);
    return { items: found.entries, older: found.older, newer: found.newer };
  }

  app.get(
    '/plans/:slug/history',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['history'],
        summary: 'Everything changed in the plan, newest first, in words, a page at a time',
        params: SlugParams,
        querystring: HistoryQuery,
        response: responses(HistoryPageSchema),
      },
    },
    async (request) => page(request.params.slug, request.query),
  );

  for (const [type, params] of [
    ['action', ActionParams],
    ['theme', ThemeParams],
  ] as const)
    app.get(
      `/plans/:slug/${type}s/:${type}Id/history`,
      {
        config: { access: 'plan:read' },
        schema: {
          tags: ['history'],
          summary: `Every change to ${type === 'action' ? 'an action' : 'a theme'} and its updates, newest first, even once it is deleted`,
          params: params as typeof ActionParams,
          querystring: HistoryQuery,
          response: responses(HistoryPageSchema),
        },
      },
      async (request) => {
        const id = (request.params as Record<string, string>)[`${type}Id`]!;
        return page(request.params.slug, request.query, { type, id });
      },
    );

  app.get(
    '/plans/:slug/as-at',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['history'],
        summary: 'The whole plan as it stood at a moment, rebuilt from its history, in the export.json shape',
        params: SlugParams,
        querystring: Type.Object({
          at: Type.String({
            minLength: 1,
            maxLength: 40,
            description: 'An instant (2026-02-14T12:00:00Z) or a day and time in UK time (2026-02-14T12:00)',
          }),
        }),
        response: responses(PlanExportSchema),
      },
    },
    async (request) => {
      const at = requestedMoment(request.query.at)!;
      const contents = await loadPlanAsAt(db, request.params.slug, at, { updates: 'all' });
      // Overdue as it was then: by the day of the moment asked for.
      return presentPlanExport(contents, undefined, londonDateAndTime(at).date);
    },
  );

  app.get(
    '/plans/:slug/compare',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['history'],
        summary:
          'What changed between two moments, grouped by theme: by default since the last published report, until now',
        params: SlugParams,
        querystring: Type.Object({
          from: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 40,
              description:
                "An instant or a day and time in UK time; the last published report (or the plan's making) if left out",
            }),
          ),
          to: Type.Optional(
            Type.String({ minLength: 1, maxLength: 40, description: 'As from; now if left out' }),
          ),
        }),
        response: responses(ComparisonSchema),
      },
    },
    async (request) => {
      const loaded = await loadComparison(db, request.params.slug, {
        from: requestedMoment(request.query.from),
        to: requestedMoment(request.query.to),
      });
      const { comparison } = loaded;
      return {
        from: comparison.from,
        to: comparison.to,
        sinceReport: loaded.sinceReport,
        summary: comparisonSummary(comparison.counts),
        counts: comparison.counts,
        themes: comparison.themes.map((theme) => ({
          ...theme,
          changed: theme.changed.map((change) => ({ ...change, lines: changeLines(change) })),
        })),
      };
    },
  );
}
