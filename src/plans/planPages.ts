// The pages for plans: the list, a plan grouped by theme or horizon, and the forms to create, edit and delete.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import type { PlanRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { unchangedForm } from '../web/unchangedForm.js';
import { editedRichText, toEditableText } from '../richtext/editableText.js';
import { createPlan, deletePlan, findPlanBySlug, updatePlan, type PlanInput } from './planCommands.js';
import { loadPlanContents } from './planContents.js';
import { listPlans } from './planList.js';
import { buildPlanView, readPlanFilters } from './planView.js';
import { latestActionUpdates, latestOfEachAction } from './latestUpdates.js';
import { asAtLabel, loadPlanAsAt, requestedMoment } from '../history/planAsAt.js';
import { londonDateAndTime } from '../dates/ukDate.js';
import { rags, statuses } from './vocabulary.js';
import { permissionsFor, readablePlans, type PlanAccess } from '../web/access.js';
import { CachedResponse, cacheKey, queryKey, sendCached } from '../web/responseCache.js';
import { csrfFieldHtml, csrfSecretCookie } from '../web/csrf.js';
import { planActionsHtml } from './planActionsMarkup.js';
import type { User } from '../people/users.js';
import { searchForPage } from '../search/searchPage.js';

type SlugParams = { slug: string };

/** Stands in a cached part of a page for the form token each request puts there; unguessable, so no text forges it. */
const csrfPlaceholder = `hw-csrf-${randomUUID()}`;
/** Stands in the page drawn around the actions for where they go; unguessable too. */
const actionsPlace = `hw-actions-${randomUUID()}`;

/**
 * The page's bytes: drawn around the actions' place, with the actions put there. A kept part's bytes are encoded once
 * (`piecesAround`) and the request's form token goes in their placeholders' places: encoding a page of 500 actions
 * anew for each request cost more than drawing the rest of it. A part drawn for this request alone (its token in it
 * already) is encoded with the page, in one go.
 */
function stitchedPage(around: string, actions: CachedResponse, formToken: string | null): Buffer {
  const [before, after, ...more] = around.split(actionsPlace);
  if (after === undefined || more.length > 0) throw new Error('The plan page must show its actions once');
  if (formToken === null) return Buffer.from(before! + actions.text + after);
  const token = Buffer.from(formToken);
  const bytes: Buffer[] = [Buffer.from(before!)];
  actions.piecesAround(csrfPlaceholder).forEach((piece, index) => {
    if (index > 0) bytes.push(token);
    bytes.push(piece);
  });
  bytes.push(Buffer.from(after));
  return Buffer.concat(bytes);
}

/**
 * Who a whole plan page was drawn for: their part of the plan, their header (name, role, what they own) and the
 * browser secret its form tokens come from; hashed, so the secret is not kept in the cache's keys.
 */
function readerOfPage(user: User, access: PlanAccess, browserSecret: string, path: string): string {
  return createHash('sha256')
    .update(
      JSON.stringify([pageVariant(access), user.id, user.name, user.role, user.ownerId, browserSecret, path]),
    )
    .digest('base64url');
}

/**
 * What a plan page's actions part differs by between readers: managers see the links to change the plan, and who may
 * post on a focus area sees its updates' edit links (contributors on all, an owner on those they lead).
 */
function pageVariant(access: PlanAccess): string {
  if (access.level !== 'owner') return access.level;
  return `owner:${[...(access.owned?.themeIds ?? [])].sort().join(',')}`;
}

/** The plan a form posts; its rich text is typed as editable text, and kept as stored where left as shown. */
function planInputFrom(body: FormBody, stored?: PlanRow): PlanInput {
  return {
    title: formText(body, 'title'),
    slug: formText(body, 'slug'),
    source: formText(body, 'source'),
    sponsor: formText(body, 'sponsor'),
    marking: formText(body, 'marking'),
    rag: (formText(body, 'rag') ?? '') as PlanInput['rag'],
    ragNote: editedRichText(formText(body, 'ragNote'), stored?.rag_note ?? ''),
    summary: editedRichText(formText(body, 'summary'), stored?.summary ?? ''),
    horizons: (formText(body, 'horizons') ?? '').split(/\r?\n/),
  };
}

/** The form's fields from a stored plan, for the edit page. */
function planForm(plan: PlanRow, horizons: string[]) {
  return {
    title: plan.title,
    slug: plan.slug,
    source: plan.source,
    sponsor: plan.sponsor,
    marking: plan.marking,
    rag: plan.rag ?? '',
    ragNote: toEditableText(plan.rag_note),
    summary: toEditableText(plan.summary),
    horizons: horizons.join('\n'),
    version: String(plan.version),
  };
}

function renderPlanForm(reply: FastifyReply, context: Record<string, unknown>) {
  return reply.render('plans/views/planForm.njk', { rags, ...context });
}

export async function planPages(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { q?: string; sort?: string; notice?: string; search?: string; page?: string } }>(
    '/plans',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const sort = ['title', 'updated', 'actions'].includes(request.query.sort ?? '')
        ? request.query.sort!
        : 'title';
      const readable = await readablePlans(request);
      // A search of actions shows its matches in place of the list.
      const { search, errors } = await searchForPage(app.db.kysely, request.query, readable);
      const plans = search ? [] : await listPlans(app.db.kysely, q || undefined, readable);
      if (sort === 'updated') plans.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      if (sort === 'actions') plans.sort((a, b) => b.total - a.total);
      return reply.status(errors ? 400 : 200).render('plans/views/planList.njk', {
        title: search ? `Search actions: ${search.query}` : 'Plans',
        plans,
        q,
        sort,
        statuses,
        notice: noticeText(request.query.notice),
        search,
        searchQuery: request.query.search ?? '',
        errors,
      });
    },
  );

  app.get('/plans/new', { config: { access: 'create-plans' } }, async (_request, reply) =>
    renderPlanForm(reply, { title: 'Create a plan', form: { horizons: '' }, action: '/plans' }),
  );

  app.post<{ Body: FormBody }>('/plans', { config: { access: 'create-plans' } }, async (request, reply) => {
    const input = planInputFrom(request.body);
    try {
      const plan = await inTransaction(app.db, (trx) => createPlan(trx, request.actor, input));
      return reply.redirect(`/plans/${plan.slug}`, 303);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderPlanForm(reply.status(400), {
        title: 'Create a plan',
        form: request.body,
        errors: error.fieldErrors,
        action: '/plans',
      });
    }
  });

  app.get<{ Params: SlugParams; Querystring: Record<string, string | undefined> }>(
    '/plans/:slug',
    { config: { access: 'plan:read' } },
    async (request, reply) => {
      const at = requestedMoment(request.query.at);
      const filters = readPlanFilters(request.query);
      const access = request.planAccess!;
      const may = permissionsFor(request.user, access);
      // The actions and rolling updates are built once per version of the plan, these filters and what the reader may
      // do there; the rest of the page (the user's header, the notice, the form tokens) is drawn for each request. The
      // plan as it stood at a moment is rebuilt from its history each time, with nothing to edit.
      // A part that is kept holds a stand-in for the form token, put in per request; a part drawn for this request
      // alone holds the token itself.
      const kept = !at && app.responseCache.keeps;
      const formToken = kept ? csrfPlaceholder : reply.csrfToken();
      const build = async () => {
        const contents = at
          ? await loadPlanAsAt(app.db.kysely, request.params.slug, at, { updates: 'all' })
          : await loadPlanContents(app.db.kysely, request.params.slug, { updates: 'themes' });
        const view = buildPlanView(
          contents,
          filters,
          at ? latestOfEachAction(contents.updates) : await latestActionUpdates(app.db.kysely, access.planId),
          // Overdue as it was then: by the day of the moment shown.
          at ? londonDateAndTime(at).date : undefined,
        );
        const { total, counts, overdueCount, ownerNames, filtered, shownCount } = view;
        // Links go to the plan as it is now called, whatever its address then.
        const plan = { ...contents.plan, slug: request.params.slug };
        return {
          body:
            planActionsHtml({
              slug: plan.slug,
              groups: view.groups,
              filtered: view.filtered,
              filters,
              manage: may.managePlan && !at,
              asAt: Boolean(at),
              csrfField: csrfFieldHtml(formToken),
            }) +
            app.renderFragment('plans/views/planRollingUpdates.njk', {
              plan,
              view,
              may,
              asAt: at ? { param: request.query.at } : null,
              csrfToken: () => formToken,
            }),
          contentType: 'text/html; charset=utf-8',
          data: {
            plan,
            horizons: contents.horizons,
            themes: contents.themes,
            view: { total, counts, overdueCount, ownerNames, filtered, shownCount },
          },
        };
      };
      const partFor = async () =>
        at
          ? new CachedResponse(await build())
          : await app.responseCache.response(
              cacheKey(request, {
                kind: 'plan page',
                variant: pageVariant(access),
                query: queryKey(filters),
              }),
              build,
            );
      const drawPage = async () => {
        const part = await partFor();
        const { plan, view, horizons, themes } = part.data as {
          plan: PlanRow;
          view: Record<string, unknown>;
          horizons: unknown;
          themes: unknown;
        };
        const around = reply.renderHtml('plans/views/plan.njk', {
          title: at ? `${plan.title} as it stood on ${asAtLabel(at)}` : plan.title,
          asAt: at ? { param: request.query.at, label: asAtLabel(at) } : null,
          plan,
          marking: plan.marking,
          horizons,
          themes,
          view,
          filters,
          statuses,
          rags,
          actionsHtml: actionsPlace,
          notice: noticeText(request.query.notice),
          breadcrumbs: [{ text: 'Plans', href: '/plans' }],
        });
        return stitchedPage(around, part, kept ? reply.csrfToken() : null);
      };
      // The whole page is kept for this reader in this browser: its form tokens are made from the browser's own secret
      // (the cookie), so they stay good for as long as it does. A browser without one yet gets a page drawn for it,
      // which sets the cookie.
      const browserSecret = request.cookies[csrfSecretCookie];
      if (at || !browserSecret || !request.user)
        return reply.type('text/html; charset=utf-8').send(await drawPage());
      return sendCached(request, reply, {
        kind: 'plan page, whole',
        variant: readerOfPage(request.user, access, browserSecret, request.url.split('?')[0]!),
        query: queryKey({ ...filters, notice: request.query.notice }),
        build: async () => {
          const html = await drawPage();
          // A nonce is good for one response only: a page that printed one could not be kept.
          if (html.includes(reply.styleNonce)) throw new Error('A page with a style nonce cannot be kept');
          return { body: html, contentType: 'text/html; charset=utf-8' };
        },
      });
    },
  );

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const contents = await loadPlanContents(app.db.kysely, request.params.slug, { updates: 'themes' });
      return renderPlanForm(reply, {
        title: `Edit ${contents.plan.title}`,
        plan: contents.plan,
        marking: contents.plan.marking,
        form: planForm(
          contents.plan,
          contents.horizons.map((h) => h.name),
        ),
        action: `/plans/${contents.plan.slug}/edit`,
        breadcrumbs: [
          { text: 'Plans', href: '/plans' },
          { text: contents.plan.title, href: `/plans/${contents.plan.slug}` },
        ],
      });
    },
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/edit',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const stored = await loadPlanContents(app.db.kysely, request.params.slug, { updates: 'themes' });
      const plan = stored.plan;
      const shown = planForm(
        plan,
        stored.horizons.map((h) => h.name),
      );
      if (formVersion(request.body) === plan.version && unchangedForm(shown, request.body))
        return reply.redirect(withNotice(`/plans/${plan.slug}`, 'no-changes'), 303);
      const input = planInputFrom(request.body, plan);
      const context = {
        plan,
        marking: plan.marking,
        action: `/plans/${plan.slug}/edit`,
        breadcrumbs: [
          { text: 'Plans', href: '/plans' },
          { text: plan.title, href: `/plans/${plan.slug}` },
        ],
      };
      try {
        const saved = await inTransaction(app.db, (trx) =>
          updatePlan(trx, request.actor, plan.id, formVersion(request.body), input),
        );
        return reply.redirect(withNotice(`/plans/${saved.slug}`, 'plan-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError) {
          return renderPlanForm(reply.status(400), {
            ...context,
            title: `Edit ${plan.title}`,
            form: request.body,
            errors: error.fieldErrors,
          });
        }
        if (error instanceof ConflictError) {
          const contents = await loadPlanContents(app.db.kysely, plan.slug, { updates: 'themes' });
          const saved = planForm(
            contents.plan,
            contents.horizons.map((h) => h.name),
          );
          return renderPlanForm(reply.status(409), {
            ...context,
            title: `Edit ${plan.title}`,
            // The user's text stays in the form; the version moves on so that saving again is a deliberate overwrite.
            form: { ...request.body, version: saved.version },
            conflict: { saved, fields: conflictFields(saved, request.body) },
          });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const contents = await loadPlanContents(app.db.kysely, request.params.slug, { updates: 'themes' });
      return reply.render('plans/views/planDelete.njk', {
        title: `Delete ${contents.plan.title}`,
        plan: contents.plan,
        marking: contents.plan.marking,
        actionCount: contents.actions.length,
        themeCount: contents.themes.length,
        breadcrumbs: [
          { text: 'Plans', href: '/plans' },
          { text: contents.plan.title, href: `/plans/${contents.plan.slug}` },
        ],
      });
    },
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/delete',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect(`/plans/${plan.slug}`, 303);
      await inTransaction(app.db, (trx) => deletePlan(trx, request.actor, plan.id));
      return reply.redirect(withNotice('/plans', 'plan-deleted'), 303);
    },
  );
}

/** Lists the fields where the saved version and the user's differ, for the side-by-side conflict view. */
export function conflictFields(
  saved: Record<string, string>,
  mine: FormBody,
  labels: Record<string, string> = planLabels,
) {
  return Object.entries(labels)
    .map(([field, label]) => ({ field, label, saved: saved[field] ?? '', mine: formText(mine, field) ?? '' }))
    .filter((row) => row.saved.trim() !== row.mine.trim());
}

const planLabels: Record<string, string> = {
  title: 'Title',
  slug: 'Web address',
  source: 'Source',
  sponsor: 'Sponsor',
  marking: 'Protective marking',
  rag: 'Overall RAG',
  ragNote: 'RAG note',
  summary: 'Summary',
  horizons: 'Horizons',
};
