// The "My work" page, and the short form it opens to post an update on one of its items and come back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAction } from '../actions/actionCommands.js';
import { todayIso } from '../dates/ukDate.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { statuses } from '../plans/vocabulary.js';
import { findTheme } from '../themes/themeCommands.js';
import type { UpdateSubject } from '../updates/updateCommands.js';
import { postUpdateFromForm } from '../updates/updatePages.js';
import { assertMayContribute } from '../web/access.js';
import type { FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { pageNumber, paginationLinks } from '../web/pagination.js';
import { myWorkOf } from './myWork.js';

/** How many of "Everything else" a page shows: the groups that need the person are always shown whole. */
export const everythingElsePageSize = 25;

type SubjectParams = { slug: string; actionId?: string; themeId?: string };

/** The action or focus area a post-update route names, once it is clear this user may post on it. */
async function subjectOf(app: FastifyInstance, request: FastifyRequest<{ Params: SubjectParams }>) {
  const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
  const { actionId, themeId } = request.params;
  const subject: UpdateSubject = actionId ? { actionId } : { themeId: themeId ?? '' };
  await assertMayContribute(request, subject);
  const record = actionId
    ? await findAction(app.db.kysely, plan.id, actionId)
    : await findTheme(app.db.kysely, plan.id, themeId ?? '');
  return { plan, subject, record, kind: actionId ? ('action' as const) : ('theme' as const) };
}

function renderPostForm(
  reply: FastifyReply,
  found: Awaited<ReturnType<typeof subjectOf>>,
  context: { updateForm: FormBody; errors?: Record<string, string> },
) {
  const { plan, record, kind } = found;
  const path = `/plans/${plan.slug}/${kind === 'action' ? 'actions' : 'themes'}/${record.id}`;
  return reply.render('mywork/views/postUpdate.njk', {
    title: 'Post an update',
    plan,
    marking: plan.marking,
    item: { kind, title: record.title, ref: 'ref' in record ? record.ref : '', status: record.status, path },
    postAction: `${path}/post-update`,
    statuses,
    today: todayIso(),
    ...context,
  });
}

/**
 * Where a signed-in person lands: the staff pages for a staff account, My work for those linked to an owner (who may
 * own or lead something), else the plans.
 */
export function landingPath(user: { ownerId: string | null; role: string }): string {
  if (user.role === 'staff') return '/you-said-we-did';
  return user.ownerId ? '/my-work' : '/plans';
}

export async function myWorkPages(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { access: 'account' } }, async (request, reply) =>
    reply.redirect(landingPath(request.user!)),
  );

  app.get<{ Querystring: { notice?: string; page?: string } }>(
    '/my-work',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const user = request.user!;
      const groups = await myWorkOf(app.db, user, todayIso());
      const rest = groups.find((group) => group.id === 'everything-else');
      const page = pageNumber(request.query.page, rest?.items.length ?? 0, everythingElsePageSize);
      const shown = groups.map((group) =>
        group === rest
          ? {
              ...group,
              total: group.items.length,
              items: group.items.slice((page - 1) * everythingElsePageSize, page * everythingElsePageSize),
              pagination: paginationLinks('/my-work', {}, page, group.items.length, everythingElsePageSize),
            }
          : { ...group, total: group.items.length },
      );
      // One marking for the page where every item's plan has the same; else each item says its own.
      const markings = new Set(groups.flatMap((group) => group.items.map((item) => item.plan.marking)));
      return reply.render('mywork/views/myWork.njk', {
        title: 'My work',
        marking: markings.size === 1 ? [...markings][0] : undefined,
        markEachItem: markings.size > 1,
        linked: user.ownerId !== null,
        isAdmin: user.role === 'admin',
        userId: user.id,
        groups: shown,
        notice: noticeText(request.query.notice),
      });
    },
  );

  for (const [kind, param] of [
    ['actions', 'actionId'],
    ['themes', 'themeId'],
  ] as const) {
    const url = `/plans/:slug/${kind}/:${param}/post-update`;

    app.get<{ Params: SubjectParams }>(
      url,
      { config: { access: 'plan:contribute' } },
      async (request, reply) => renderPostForm(reply, await subjectOf(app, request), { updateForm: {} }),
    );

    app.post<{ Params: SubjectParams; Body: FormBody }>(
      url,
      { config: { access: 'plan:contribute' } },
      async (request, reply) => {
        const found = await subjectOf(app, request);
        const result = await postUpdateFromForm(app, request, found.plan.id, found.subject);
        if (result.ok) return reply.redirect(withNotice('/my-work', 'update-posted'), 303);
        return renderPostForm(reply.status(400), found, { updateForm: request.body, errors: result.errors });
      },
    );
  }
}
