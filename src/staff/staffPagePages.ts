// The staff page, "You said, we did": the manager's page (draft beside published, what is chosen, publish), the forms
// to choose a finding or action and word it for staff, who may read it (administrators), and the pages staff read:
// signed in, printable, as a fragment for an intranet, and at a public address when the plan's administrator opens it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlanRow, StaffMarkRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { absoluteUrl } from '../mail/links.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { conflictFields } from '../plans/planPages.js';
import { readablePlans } from '../web/access.js';
import { formList, formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { buildStaffPageContent } from './staffPageContent.js';
import {
  latestPublication,
  publishStaffPage,
  saveStaffMark,
  saveStaffPageIntro,
  setStaffPageReaders,
  staffMarkOf,
  staffPageOf,
  staffPageReaderLabels,
  staffPageReaders,
  type StaffPagePublication,
  type StaffSubject,
} from './staffPageCommands.js';

type SlugParams = { slug: string };
type MarkParams = { slug: string; findingId?: string; actionId?: string };

/** Neither listed nor followed by search engines: the public page is for the staff it is sent to. */
const noIndex = 'noindex, nofollow';

function markForm(mark: StaffMarkRow, fallbackSummary: string, fallbackTheme: string | null) {
  return {
    shown: mark.shown === 1 ? 'yes' : '',
    summary: mark.version === 0 ? fallbackSummary : mark.summary,
    themeId: (mark.version === 0 ? fallbackTheme : mark.theme_id) ?? '',
    showOwners: mark.show_owners === 1 ? 'yes' : '',
    showUpdate: mark.show_update === 1 ? 'yes' : '',
    version: String(mark.version),
  };
}

const markLabels: Record<string, string> = {
  shown: 'Shown on the staff page',
  summary: 'Words for staff',
  themeId: 'Focus area',
  showOwners: 'Who leads it',
  showUpdate: 'Latest update',
};

/** The form as posted, in markForm's terms, to compare with what was saved meanwhile. */
function postedMark(body: FormBody) {
  const extras = formList(body, 'extras');
  return {
    shown: formList(body, 'shown').includes('yes') ? 'yes' : '',
    summary: formText(body, 'summary') ?? '',
    themeId: formText(body, 'themeId') ?? '',
    showOwners: extras.includes('owners') ? 'yes' : '',
    showUpdate: extras.includes('update') ? 'yes' : '',
    version: formText(body, 'version') ?? '',
  };
}

export async function staffPagePages(app: FastifyInstance): Promise<void> {
  const manageCrumbs = (plan: PlanRow) => [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
    { text: 'Staff page', href: `/plans/${plan.slug}/staff-page` },
  ];

  async function renderManage(
    request: FastifyRequest,
    reply: FastifyReply,
    plan: PlanRow,
    context: { errors?: Record<string, string>; notice?: string } = {},
  ) {
    const [page, publication, draft, findings, actions] = await Promise.all([
      staffPageOf(app.db.kysely, plan.id),
      latestPublication(app.db.kysely, plan.id),
      buildStaffPageContent(app.db.kysely, plan.id),
      app.db.kysely
        .selectFrom('findings')
        .leftJoin('staff_marks', 'staff_marks.finding_id', 'findings.id')
        .select([
          'findings.id',
          'findings.reference',
          'findings.text',
          'staff_marks.shown',
          'staff_marks.summary',
        ])
        .where('findings.plan_id', '=', plan.id)
        .orderBy('findings.position')
        .execute(),
      app.db.kysely
        .selectFrom('staff_marks')
        .innerJoin('actions', 'actions.id', 'staff_marks.action_id')
        .select(['actions.id', 'actions.ref', 'actions.title', 'staff_marks.shown', 'staff_marks.summary'])
        .where('staff_marks.plan_id', '=', plan.id)
        .orderBy('actions.position')
        .execute(),
    ]);
    return reply.render('staff/views/staffPageManage.njk', {
      title: 'Staff page',
      plan,
      page,
      publication,
      draft,
      sameAsPublished: publication !== null && JSON.stringify(publication.content) === JSON.stringify(draft),
      findings: findings.map((f) => ({ ...f, shown: f.shown === 1 })),
      actions: actions.map((a) => ({ ...a, shown: a.shown === 1 })),
      readersLabel: staffPageReaderLabels[page.readers],
      readerItems: staffPageReaders.map((value) => ({ value, text: staffPageReaderLabels[value] })),
      isAdmin: request.user?.role === 'admin',
      publicAddress:
        page.readers === 'public' && page.public_key
          ? absoluteUrl(app.config, `/you-said-we-did/${page.public_key}`)
          : null,
      marking: plan.marking,
      breadcrumbs: [
        { text: 'Plans', href: '/plans' },
        { text: plan.title, href: `/plans/${plan.slug}` },
      ],
      ...context,
    });
  }

  app.get<{ Params: SlugParams; Querystring: { notice?: string } }>(
    '/plans/:slug/staff-page',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      return renderManage(request, reply, plan, { notice: noticeText(request.query.notice) });
    },
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/staff-page/publish',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        await inTransaction(app.db, (trx) => publishStaffPage(trx, request.actor, plan.id));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderManage(request, reply.status(400), plan, { errors: error.fieldErrors });
      }
      return reply.redirect(withNotice(`/plans/${plan.slug}/staff-page`, 'staff-page-published'), 303);
    },
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/staff-page/readers',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      // Opening a plan's page to everyone signed in, or to anyone, is the organisation's decision, not the plan's.
      if (request.user?.role !== 'admin')
        throw new ForbiddenError('Only an administrator can choose who reads the staff page');
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      try {
        await inTransaction(app.db, (trx) =>
          setStaffPageReaders(
            trx,
            request.actor,
            plan.id,
            formVersion(request.body),
            formText(request.body, 'readers'),
          ),
        );
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderManage(request, reply.status(400), plan, { errors: error.fieldErrors });
        if (error instanceof ConflictError)
          return renderManage(request, reply.status(409), plan, {
            errors: { readers: 'Someone else changed the staff page meanwhile: here it is as it now stands' },
          });
        throw error;
      }
      return reply.redirect(withNotice(`/plans/${plan.slug}/staff-page`, 'staff-readers-saved'), 303);
    },
  );

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/staff-page/intro',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const page = await staffPageOf(app.db.kysely, plan.id);
      return reply.render('staff/views/staffPageIntro.njk', {
        title: 'Introduction to the staff page',
        plan,
        form: { intro: page.intro, version: String(page.version) },
        marking: plan.marking,
        breadcrumbs: manageCrumbs(plan),
      });
    },
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/staff-page/intro',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const context = {
        title: 'Introduction to the staff page',
        plan,
        marking: plan.marking,
        breadcrumbs: manageCrumbs(plan),
      };
      try {
        await inTransaction(app.db, (trx) =>
          saveStaffPageIntro(
            trx,
            request.actor,
            plan.id,
            formVersion(request.body),
            formText(request.body, 'intro'),
          ),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/staff-page`, 'staff-intro-saved'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return reply.status(400).render('staff/views/staffPageIntro.njk', {
            ...context,
            form: request.body,
            errors: error.fieldErrors,
          });
        if (error instanceof ConflictError) {
          const saved = await staffPageOf(app.db.kysely, plan.id);
          return reply.status(409).render('staff/views/staffPageIntro.njk', {
            ...context,
            form: { ...request.body, version: String(saved.version) },
            conflict: {
              saved: { intro: saved.intro },
              fields: conflictFields({ intro: saved.intro }, request.body, { intro: 'Introduction' }),
            },
          });
        }
        throw error;
      }
    },
  );

  /** The finding or action an entry is for, with what the form starts from when it has none yet. */
  async function subjectOf(plan: PlanRow, kind: StaffSubject['kind'], id: string) {
    if (kind === 'finding') {
      const finding = await app.db.kysely
        .selectFrom('findings')
        .select(['id', 'reference', 'text'])
        .where('id', '=', id)
        .where('plan_id', '=', plan.id)
        .executeTakeFirst();
      if (!finding) return null;
      // Shown by default under the focus area of the first action answering it.
      const answering = await app.db.kysely
        .selectFrom('action_findings')
        .innerJoin('actions', 'actions.id', 'action_findings.action_id')
        .select('actions.theme_id')
        .where('action_findings.finding_id', '=', id)
        .orderBy('actions.position')
        .executeTakeFirst();
      return {
        text: `Finding ${finding.reference}: ${finding.text}`,
        fallbackSummary: finding.text,
        fallbackTheme: answering?.theme_id ?? null,
      };
    }
    const action = await app.db.kysely
      .selectFrom('actions')
      .select(['id', 'ref', 'title'])
      .where('id', '=', id)
      .where('plan_id', '=', plan.id)
      .executeTakeFirst();
    if (!action) return null;
    return {
      text: `Action${action.ref ? ` ${action.ref}` : ''}: ${action.title}`,
      fallbackSummary: '',
      fallbackTheme: null,
    };
  }

  for (const kind of ['finding', 'action'] as const) {
    const path = `/plans/:slug/staff-page/${kind}s/:${kind}Id`;
    const subjectIdOf = (params: MarkParams) =>
      (kind === 'finding' ? params.findingId : params.actionId) ?? '';

    async function renderMark(
      reply: FastifyReply,
      plan: PlanRow,
      subjectText: string,
      subjectId: string,
      context: Record<string, unknown>,
    ) {
      const themes = await app.db.kysely
        .selectFrom('themes')
        .select(['id', 'title'])
        .where('plan_id', '=', plan.id)
        .orderBy('position')
        .execute();
      return reply.render('staff/views/staffMarkForm.njk', {
        title: kind === 'finding' ? 'What staff said' : 'What was done',
        kind,
        plan,
        subjectText,
        summaryLabel:
          kind === 'finding' ? 'What staff said, in plain words' : 'What was done, in plain words',
        summaryHint:
          kind === 'finding'
            ? 'As staff would recognise it, for example “You told us you did not know who leads each part of the force.”'
            : 'What changed for staff, for example “We published a chart of who leads each area on the intranet.”',
        themeItems: [
          kind === 'finding'
            ? { value: '', text: 'Across the plan (no focus area)' }
            : { value: '', text: 'The action’s own focus area' },
          ...themes.map((theme) => ({ value: theme.id, text: theme.title })),
        ],
        action: `/plans/${plan.slug}/staff-page/${kind}s/${subjectId}`,
        cancel: `/plans/${plan.slug}/staff-page`,
        marking: plan.marking,
        breadcrumbs: manageCrumbs(plan),
        ...context,
      });
    }

    app.get<{ Params: MarkParams }>(path, { config: { access: 'plan:manage' } }, async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const subject = await subjectOf(plan, kind, subjectIdOf(request.params));
      if (!subject) throw new NotFoundError(kind === 'finding' ? 'Finding' : 'Action');
      const mark = await staffMarkOf(app.db.kysely, plan.id, { kind, id: subjectIdOf(request.params) });
      return renderMark(reply, plan, subject.text, subjectIdOf(request.params), {
        form: markForm(mark, subject.fallbackSummary, subject.fallbackTheme),
      });
    });

    app.post<{ Params: MarkParams; Body: FormBody }>(
      path,
      { config: { access: 'plan:manage' } },
      async (request, reply) => {
        const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
        const subjectId = subjectIdOf(request.params);
        const subject = await subjectOf(plan, kind, subjectId);
        if (!subject) throw new NotFoundError(kind === 'finding' ? 'Finding' : 'Action');
        const posted = postedMark(request.body);
        try {
          await inTransaction(app.db, (trx) =>
            saveStaffMark(trx, request.actor, plan.id, { kind, id: subjectId }, formVersion(request.body), {
              shown: posted.shown === 'yes',
              summary: posted.summary,
              themeId: posted.themeId,
              showOwners: posted.showOwners === 'yes',
              showUpdate: posted.showUpdate === 'yes',
            }),
          );
          return reply.redirect(withNotice(`/plans/${plan.slug}/staff-page`, 'staff-entry-saved'), 303);
        } catch (error) {
          if (error instanceof InvalidInputError)
            return renderMark(reply.status(400), plan, subject.text, subjectId, {
              form: posted,
              errors: error.fieldErrors,
            });
          if (error instanceof ConflictError) {
            const saved = markForm(
              await staffMarkOf(app.db.kysely, plan.id, { kind, id: subjectId }),
              '',
              null,
            );
            return renderMark(reply.status(409), plan, subject.text, subjectId, {
              form: { ...posted, version: saved.version },
              conflict: { saved, fields: conflictFields(saved, posted, markLabels) },
            });
          }
          throw error;
        }
      },
    );
  }

  /** The published page, or the reply already sent that says there is none. */
  async function published(
    request: FastifyRequest,
    reply: FastifyReply,
    plan: PlanRow,
  ): Promise<StaffPagePublication | null> {
    const publication = await latestPublication(app.db.kysely, plan.id);
    if (publication) return publication;
    const manages = request.planAccess?.level === 'manager';
    await reply.status(404).render('staff/views/staffPageMissing.njk', {
      title: 'This staff page has not been published yet',
      message: 'When the plan’s managers publish it, it will be here.',
      manageHref: manages ? `/plans/${plan.slug}/staff-page` : null,
    });
    return null;
  }

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/you-said-we-did',
    { config: { access: 'plan:staff' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const publication = await published(request, reply, plan);
      if (!publication) return reply;
      return reply.render('staff/views/staffPage.njk', {
        title: `You said, we did: ${publication.content.planTitle}`,
        content: publication.content,
        publishedAt: publication.publishedAt,
        printHref: `/plans/${plan.slug}/you-said-we-did/print`,
        breadcrumbs: [{ text: 'You said, we did', href: '/you-said-we-did' }],
      });
    },
  );

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/you-said-we-did/print',
    { config: { access: 'plan:staff' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const publication = await published(request, reply, plan);
      if (!publication) return reply;
      return reply.render('staff/views/staffPagePrint.njk', {
        content: publication.content,
        publishedAt: publication.publishedAt,
      });
    },
  );

  app.get<{ Params: SlugParams }>(
    '/plans/:slug/staff-page/fragment.html',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const publication = await published(request, reply, plan);
      if (!publication) return reply;
      return reply
        .header('content-disposition', `attachment; filename="you-said-we-did-${plan.slug}.html"`)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(
          app.renderFragment('staff/views/staffPageFragment.njk', {
            content: publication.content,
            publishedAt: publication.publishedAt,
          }),
        );
    },
  );

  app.get('/you-said-we-did', { config: { access: 'account' } }, async (request, reply) => {
    const readable = await readablePlans(request);
    const rows = await app.db.kysely
      .selectFrom('staff_page_publications')
      .innerJoin('plans', 'plans.id', 'staff_page_publications.plan_id')
      .leftJoin('staff_pages', 'staff_pages.plan_id', 'plans.id')
      .select((eb) => [
        'plans.id',
        'plans.slug',
        'plans.title',
        'staff_pages.readers',
        eb.fn.max('staff_page_publications.published_at').as('publishedAt'),
      ])
      .groupBy(['plans.id', 'plans.slug', 'plans.title', 'staff_pages.readers'])
      .orderBy('plans.title')
      .execute();
    const pages = rows.filter(
      (row) => (row.readers !== null && row.readers !== 'plan') || readable === 'all' || readable.has(row.id),
    );
    return reply.render('staff/views/staffPageList.njk', { title: 'You said, we did', pages });
  });

  app.get<{ Params: { pageKey: string } }>(
    '/you-said-we-did/:pageKey',
    { config: { access: 'public' } },
    async (request, reply) => {
      reply.header('x-robots-tag', noIndex);
      const page = await app.db.kysely
        .selectFrom('staff_pages')
        .select(['plan_id', 'readers'])
        .where('public_key', '=', request.params.pageKey)
        .executeTakeFirst();
      const publication =
        page && page.readers === 'public' ? await latestPublication(app.db.kysely, page.plan_id) : null;
      // A key that was never given, a page no longer public and one not yet published all look the same.
      if (!publication)
        return reply.status(404).render('staff/views/staffPageMissing.njk', {
          title: 'Page not found',
          message: 'This address is not, or is no longer, a staff page. Check the link you were sent.',
          noindex: true,
        });
      return reply.render('staff/views/staffPagePrint.njk', {
        content: publication.content,
        publishedAt: publication.publishedAt,
        noindex: true,
      });
    },
  );
}
