// The History pages of a plan, an action and a theme (every change in words, filtered and paged), and the form that
// asks which moment to show the plan as it stood at.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonInstantIso, todayIso } from '../dates/ukDate.js';
import type { PlanRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { readDateFields } from '../web/dateFields.js';
import type { FormBody } from '../web/forms.js';
import {
  changeKindLabels,
  changeKinds,
  isChangeKind,
  recordLabel,
  type ChangeKind,
} from './changeSentences.js';
import { changeLines, comparisonSummary } from './comparePlans.js';
import { requestedMoment } from './planAsAt.js';
import { loadComparison } from './planComparison.js';
import {
  historyFilter,
  historyPage,
  namesOf,
  type HistoryCursor,
  type HistoryFilter,
} from './historyQueries.js';

type HistoryQuery = FormBody & { kind?: string | string[]; older?: string; newer?: string };

/** The filters as asked for; a bad date is named and left out, so the page still shows the rest. */
export function readHistoryFilter(query: HistoryQuery): {
  filter: HistoryFilter;
  errors: Record<string, string> | undefined;
  kept: Record<string, string | string[]>;
} {
  const kinds = [query.kind ?? []].flat().filter(isChangeKind);
  const { dates, errors } = readDateFields(query, {
    from: { label: 'from date' },
    to: { label: 'to date' },
  });
  if (dates.from && dates.to && dates.from > dates.to) {
    errors['to-day'] = 'To date must be the same as or after the from date';
    dates.to = null;
  }
  const kept: Record<string, string | string[]> = {};
  if (kinds.length > 0) kept.kind = kinds;
  for (const name of ['from', 'to'] as const)
    for (const part of ['day', 'month', 'year'])
      if (dates[name]) kept[`${name}-${part}`] = String(query[`${name}-${part}`] ?? '');
  return {
    filter: historyFilter(kinds, dates.from, dates.to),
    errors: Object.keys(errors).length > 0 ? errors : undefined,
    kept,
  };
}

export function readCursor(query: { older?: unknown; newer?: unknown }): HistoryCursor {
  const number = (value: unknown) => (/^\d{1,15}$/.test(String(value ?? '')) ? Number(value) : null);
  const older = number(query.older);
  const newer = number(query.newer);
  return older !== null ? { older } : newer !== null ? { newer } : null;
}

function link(path: string, kept: Record<string, string | string[]>, cursor: Record<string, number>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(kept))
    for (const one of [value].flat()) params.append(name, one);
  for (const [name, value] of Object.entries(cursor)) params.append(name, String(value));
  return `${path}?${params}`;
}

interface HistorySubject {
  /** The page's heading, e.g. "History: Action 3: Survey again". */
  heading: string;
  /** Where the record itself is, if it still stands. */
  href: string | null;
  subjectId?: string;
}

async function renderHistory(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { slug: string }; Querystring: HistoryQuery }>,
  reply: FastifyReply,
  subject: HistorySubject,
) {
  const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
  const path = request.url.split('?')[0]!;
  const { filter, errors, kept } = readHistoryFilter(request.query);
  const page = await historyPage(
    app.db.kysely,
    { planId: plan.id, subjectId: subject.subjectId },
    filter,
    readCursor(request.query),
  );
  const pagination =
    page.newer !== null || page.older !== null
      ? {
          previous:
            page.newer !== null
              ? { href: link(path, kept, { newer: page.newer }), labelText: 'Newer changes' }
              : undefined,
          next:
            page.older !== null
              ? { href: link(path, kept, { older: page.older }), labelText: 'Older changes' }
              : undefined,
        }
      : undefined;
  const kinds = [request.query.kind ?? []].flat();
  return reply.render('history/views/history.njk', {
    title: subject.heading,
    plan,
    marking: plan.marking,
    subject,
    entries: page.entries,
    pagination,
    errors,
    form: { ...request.query },
    kindItems: changeKinds.map((kind: ChangeKind) => ({
      value: kind,
      text: changeKindLabels[kind],
      checked: kinds.includes(kind),
    })),
    filtered: filter.kinds.length > 0 || filter.from !== null || filter.until !== null,
    breadcrumbs: [
      { text: 'Plans', href: '/plans' },
      { text: plan.title, href: `/plans/${plan.slug}` },
      ...(subject.subjectId && subject.href
        ? [{ text: subject.heading.replace(/^History: /, ''), href: subject.href }]
        : []),
    ],
  });
}

/** An action or theme of the plan, standing or deleted, named for its History page; 404 if the plan never had it. */
async function recordSubject(
  app: FastifyInstance,
  slug: string,
  type: 'action' | 'theme',
  id: string,
): Promise<HistorySubject> {
  const plan = await findPlanBySlug(app.db.kysely, slug);
  const name = (await namesOf(app.db.kysely, plan.id, [id])).get(id);
  if (!name || name.type !== type) throw new NotFoundError(type === 'action' ? 'Action' : 'Theme');
  const standing = await app.db.kysely
    .selectFrom(type === 'action' ? 'actions' : 'themes')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  return {
    heading: `History: ${recordLabel(name)}`,
    href: standing ? `/plans/${slug}/${type === 'action' ? 'actions' : 'themes'}/${id}` : null,
    subjectId: id,
  };
}

/** A time of day as typed: "14:30", "9.05", "0930"; null when it is not one. */
export function readTimeOfDay(text: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2})(?:[:.]?(\d{2}))$/.exec(text.trim()) ?? /^(\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/** What a page of the plan that asks for dates shows around its form: the plan, its marking, the way back. */
function formPageContext(plan: PlanRow, title: string, query: FormBody) {
  return {
    title,
    plan,
    marking: plan.marking,
    form: { ...query },
    breadcrumbs: [
      { text: 'Plans', href: '/plans' },
      { text: plan.title, href: `/plans/${plan.slug}` },
    ],
  };
}

export async function historyPages(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { slug: string }; Querystring: HistoryQuery }>(
    '/plans/:slug/history',
    { config: { access: 'plan:read' } },
    async (request, reply) =>
      renderHistory(app, request, reply, {
        heading: 'History of the plan',
        href: `/plans/${request.params.slug}`,
      }),
  );

  for (const type of ['action', 'theme'] as const)
    app.get<{ Params: { slug: string; id: string }; Querystring: HistoryQuery }>(
      `/plans/:slug/${type}s/:${type}Id/history`,
      { config: { access: 'plan:read' } },
      async (request, reply) => {
        const id = (request.params as Record<string, string>)[`${type}Id`]!;
        return renderHistory(app, request, reply, await recordSubject(app, request.params.slug, type, id));
      },
    );

  // Which moment to show: a day (GOV.UK date input) and a time; a good answer goes to the plan page as it stood then.
  app.get<{ Params: { slug: string }; Querystring: FormBody & { time?: string } }>(
    '/plans/:slug/as-at',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const asked = request.query['at-day'] !== undefined || request.query.time !== undefined;
      const context = formPageContext(plan, 'Show the plan as it stood on a date', request.query);
      if (!asked) return reply.render('history/views/asAtForm.njk', context);
      const { dates, errors } = readDateFields(request.query, {
        at: { label: 'date', required: true, notAfter: todayIso() },
      });
      const timeText = String(request.query.time ?? '').trim();
      const time = timeText === '' ? { hour: 23, minute: 59 } : readTimeOfDay(timeText);
      if (!time) errors.time = 'Enter a time on the 24-hour clock, like 14:30';
      if (Object.keys(errors).length > 0 || !dates.at || !time)
        return reply.status(400).render('history/views/asAtForm.njk', { ...context, errors });
      const two = (n: number) => String(n).padStart(2, '0');
      return reply.redirect(`/plans/${plan.slug}?at=${dates.at}T${two(time.hour)}:${two(time.minute)}`, 303);
    },
  );

  // What changed between two days (from the start of the first to the end of the second, UK time), or between the
  // moments a link names; by default since the last published report.
  app.get<{ Params: { slug: string }; Querystring: FormBody & { from?: string; to?: string } }>(
    '/plans/:slug/compare',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const context = formPageContext(plan, 'What changed', request.query);
      const { dates, errors } = readDateFields(request.query, {
        from: { label: 'first date', notAfter: todayIso() },
        to: { label: 'second date', notAfter: todayIso() },
      });
      if (dates.from && dates.to && dates.from > dates.to)
        errors['to-day'] = 'The second date must be the same as or after the first';
      if (Object.keys(errors).length > 0)
        return reply.status(400).render('history/views/compare.njk', { ...context, errors });
      const loaded = await loadComparison(app.db.kysely, plan.slug, {
        from: dates.from ? londonInstantIso(dates.from, 0, 0) : requestedMoment(request.query.from),
        to: dates.to ? londonInstantIso(dates.to, 23, 59, 59) : requestedMoment(request.query.to),
      });
      return reply.render('history/views/compare.njk', {
        ...context,
        loaded,
        summary: comparisonSummary(loaded.comparison.counts),
        themes: loaded.comparison.themes.map((theme) => ({
          ...theme,
          changed: theme.changed.map((change) => ({ ...change, lines: changeLines(change) })),
        })),
      });
    },
  );
}
