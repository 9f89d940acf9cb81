// /api/v1: the dashboard's figures for one plan and across the plans the caller may read, as the pages show them.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { responses, typed } from '../api/routeHelpers.js';
import { SlugParams } from '../api/schemas.js';
import { todayIso } from '../dates/ukDate.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { statuses } from '../plans/vocabulary.js';
import { readablePlanList } from './dashboardPages.js';
import type { loadDashboard } from './dashboardFigures.js';
import { cachedDashboard } from './dashboardCache.js';
import { dashboardSections } from './dashboardView.js';

const Count = Type.Integer({ minimum: 0 });
const StatusCounts = Type.Object(
  Object.fromEntries(statuses.map((status) => [status, Count])) as Record<string, TSchema>,
);
const PlanNamed = { slug: Type.String(), title: Type.String() };
const StatusGroup = Type.Object({
  label: Type.String({
    description: 'The theme, plan or horizon; "No theme" or "No horizon" for actions outside any',
  }),
  href: Type.Union([Type.String(), Type.Null()], { description: 'Its page, where it has one' }),
  counts: StatusCounts,
  total: Count,
});

const DashboardSchema = Type.Object({
  today: Type.String({ format: 'date', description: 'The day overdue and the next board are judged by' }),
  plans: Type.Array(Type.Object(PlanNamed)),
  total: Count,
  counts: StatusCounts,
  percentComplete: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()], {
    description: 'Complete, as a whole percentage of the actions not cancelled; null when there are none',
  }),
  overdue: Type.Integer({ minimum: 0, description: 'Open actions whose target date has passed' }),
  boards: Type.Array(
    Type.Object({
      ...PlanNamed,
      meetingName: Type.String(),
      meetingOn: Type.String({ format: 'date' }),
      due: Type.Integer({ minimum: 0, description: 'Open actions due from today to the meeting' }),
    }),
    { description: "Each plan's next board: the nearest meeting of an update request, today or later" },
  ),
  withoutBoard: Type.Array(Type.Object(PlanNamed), { description: 'Plans with no board to come' }),
  groupKind: Type.Union([Type.Literal('theme'), Type.Literal('plan')]),
  byGroup: Type.Array(StatusGroup, { description: 'By theme for one plan, by plan across plans' }),
  byHorizon: Type.Array(StatusGroup, { description: 'Horizons of the same name in several plans are one' }),
  rag: Type.Object(
    { red: Count, amber: Count, green: Count, none: Count },
    { description: 'The RAG of the actions neither complete nor cancelled' },
  ),
  trend: Type.Array(
    Type.Object({
      on: Type.String({
        format: 'date',
        description: "A month's last day, or today for the month under way",
      }),
      complete: Count,
      inProgress: Type.Integer({ minimum: 0, description: 'In progress or ongoing' }),
      overdue: Count,
    }),
    { description: 'At each month end of the last 12 months of the plans’ life, from history' },
  ),
  movers: Type.Object({
    since: Type.Array(
      Type.Object({ ...PlanNamed, period: Type.String(), publishedAt: Type.String({ format: 'date-time' }) }),
    ),
    withoutReport: Type.Array(Type.Object(PlanNamed)),
    actions: Type.Array(
      Type.Object({
        planSlug: Type.String(),
        planTitle: Type.String(),
        actionId: Type.String(),
        ref: Type.String(),
        title: Type.String(),
        lines: Type.Array(Type.String(), { description: 'The change as sentences' }),
        score: Type.Integer({
          description: 'Status 3, each step of RAG 2, each month of date moved 1 (at most 6)',
        }),
      }),
      { description: 'The five actions whose status, RAG or target date moved most since the last report' },
    ),
  }),
  summaries: Type.Array(
    Type.Object({ chart: Type.String(), heading: Type.String(), summary: Type.String() }),
    { description: 'Each chart of the dashboard page in one sentence' },
  ),
});

export async function dashboardRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  const db = app.db.kysely;
  const withSummaries = (figures: Awaited<ReturnType<typeof loadDashboard>>) => ({
    ...figures,
    summaries: dashboardSections(figures).map((section) => ({
      chart: section.id,
      heading: section.heading,
      summary: section.summary,
    })),
  });

  app.get(
    '/plans/:slug/dashboard',
    {
      config: { access: 'plan:read' },
      schema: {
        tags: ['dashboard'],
        summary:
          "The plan's dashboard figures: statuses by theme and horizon, overdue, the next board, RAG, trend, movers",
        params: SlugParams,
        response: responses(DashboardSchema),
      },
    },
    async (request) => {
      const plan = await findPlanBySlug(db, request.params.slug);
      return withSummaries(await cachedDashboard(db, [plan.id], 'theme', todayIso()));
    },
  );

  app.get(
    '/dashboard',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['dashboard'],
        summary: 'The dashboard figures across every plan the caller may read, by plan and horizon',
        response: responses(DashboardSchema),
      },
    },
    async (request) => {
      const readable = await readablePlanList(request);
      return withSummaries(await cachedDashboard(db, readable.ids, 'plan', todayIso()));
    },
  );
}
