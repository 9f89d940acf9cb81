// The pages of update requests: a plan's rounds, starting one, its progress per owner and item, reminding, revoking
// links, closing and drafting the report; and the administrator's switch for personal links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import type { PlanRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { readDateFields } from '../web/dateFields.js';
import { formList, formText, formVersion, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { personalLinksAllowed, setPersonalLinksAllowed } from './personalLinks.js';
import {
  closeRound,
  defaultReminderDays,
  draftReportForRound,
  isOpenItem,
  nudgeOwner,
  planItems,
  revokeLinks,
  roundLimits,
  startRound,
  type RoundInput,
} from './roundCommands.js';
import { findRound, listRounds, roundProgress, type RoundProgress } from './roundQueries.js';

type PlanParams = { slug: string };
type RoundParams = { slug: string; roundId: string };

function crumbs(plan: PlanRow) {
  return [
    { text: 'Plans', href: '/plans' },
    { text: plan.title, href: `/plans/${plan.slug}` },
    { text: 'Update requests', href: `/plans/${plan.slug}/rounds` },
  ];
}

/** A round as the form posts it: dates read from day, month and year first, in the Design System's words. */
function roundInputFrom(body: FormBody): RoundInput {
  const { dates, errors } = readDateFields(body, {
    meetingOn: { label: 'date of the board or meeting', required: true },
    deadline: { label: 'deadline for updates', required: true },
  });
  if (Object.keys(errors).length > 0) throw new InvalidInputError(errors);
  return {
    meetingName: formText(body, 'meetingName') ?? '',
    meetingOn: dates.meetingOn,
    deadline: dates.deadline,
    message: formText(body, 'message') ?? '',
    reminderDays: formText(body, 'reminderDays') ?? '',
    items: formList(body, 'items'),
  };
}

/** Files a command's complaint about a date under the date's first field, where the error summary's link lands. */
function dateErrorsLinked(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, text]) => [
      ['meetingOn', 'deadline'].includes(field) ? `${field}-day` : field,
      text,
    ]),
  );
}

/** "3 days before the deadline and on the day": to whom is said on the page. */
function reminderText(days: number[]): string {
  if (days.length === 0) return 'None';
  const before = days.filter((day) => day > 0).map((day) => `${day} ${day === 1 ? 'day' : 'days'}`);
  const parts = [...(before.length ? [`${before.join(', ')} before the deadline`] : [])];
  if (days.includes(0)) parts.push('on the day of the deadline');
  return `${parts.join(' and ')}, to owners who have not updated`;
}

export async function roundPages(app: FastifyInstance): Promise<void> {
  const manage = { config: { access: 'plan:manage' as const } };

  async function renderNew(
    reply: FastifyReply,
    plan: PlanRow,
    form: FormBody,
    errors?: Record<string, string>,
  ) {
    const items = await planItems(app.db.kysely, plan.id);
    const chosen = new Set(
      form.items === undefined ? items.filter(isOpenItem).map((item) => item.key) : formList(form, 'items'),
    );
    return reply.render('rounds/views/roundForm.njk', {
      title: 'Request updates',
      plan,
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      form,
      errors,
      limits: roundLimits,
      themes: items
        .filter((item) => item.kind === 'theme')
        .map((item) => ({ ...item, checked: chosen.has(item.key) })),
      actions: items
        .filter((item) => item.kind === 'action')
        .map((item) => ({ ...item, checked: chosen.has(item.key) })),
      linksAllowed: await personalLinksAllowed(app.db.kysely),
    });
  }

  async function renderRound(
    request: FastifyRequest<{ Params: RoundParams; Querystring: { show?: string; notice?: string } }>,
    reply: FastifyReply,
    plan: PlanRow,
    context: Record<string, unknown> = {},
  ) {
    const round = await findRound(app.db.kysely, plan.id, request.params.roundId);
    const progress: RoundProgress = await roundProgress(app.db.kysely, round);
    const waitingOnly = request.query.show === 'not-updated';
    const owners = progress.owners
      .map((owner) => ({
        ...owner,
        shown: waitingOnly ? owner.items.filter((item) => item.updatedAt === null) : owner.items,
      }))
      .filter((owner) => !waitingOnly || owner.shown.length > 0);
    const unowned = waitingOnly
      ? progress.unowned.filter((item) => item.updatedAt === null)
      : progress.unowned;
    return reply.render('rounds/views/round.njk', {
      title: `Update request for ${round.meeting_name}`,
      plan,
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      round,
      progress,
      owners,
      unowned,
      waitingOnly,
      reminderText: reminderText(progress.reminderDays),
      linksAllowed: await personalLinksAllowed(app.db.kysely),
      notice: noticeText(request.query.notice),
      ...context,
    });
  }

  app.get<{ Params: PlanParams; Querystring: { notice?: string } }>(
    '/plans/:slug/rounds',
    manage,
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const rounds = await listRounds(app.db.kysely, plan.id);
      const counted = await Promise.all(
        rounds.map(async (round) => {
          const progress = await roundProgress(app.db.kysely, round);
          return { ...round, itemCount: progress.itemCount, updatedCount: progress.updatedCount };
        }),
      );
      return reply.render('rounds/views/roundList.njk', {
        title: 'Update requests',
        plan,
        marking: plan.marking,
        breadcrumbs: crumbs(plan).slice(0, 2),
        rounds: counted,
        notice: noticeText(request.query.notice),
      });
    },
  );

  app.get<{ Params: PlanParams }>('/plans/:slug/rounds/new', manage, async (request, reply) => {
    const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
    const today = londonDate();
    return renderNew(reply, plan, {
      meetingOn: addDays(today, 14),
      deadline: addDays(today, 7),
      reminderDays: defaultReminderDays.join(', '),
    });
  });

  app.post<{ Params: PlanParams; Body: FormBody }>('/plans/:slug/rounds', manage, async (request, reply) => {
    const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
    const body = { ...request.body, items: formList(request.body, 'items') };
    try {
      const input = roundInputFrom(body);
      const round = await inTransaction(app.db, (trx) =>
        startRound(trx, request.actor, app.config, plan, input),
      );
      return reply.redirect(withNotice(`/plans/${plan.slug}/rounds/${round.id}`, 'round-started'), 303);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderNew(reply.status(400), plan, body, dateErrorsLinked(error.fieldErrors));
    }
  });

  app.get<{ Params: RoundParams; Querystring: { show?: string; notice?: string } }>(
    '/plans/:slug/rounds/:roundId',
    manage,
    async (request, reply) =>
      renderRound(request, reply, await findPlanBySlug(app.db.kysely, request.params.slug)),
  );

  // Remind one owner now, or revoke their personal links: a refusal is shown on the round's page.
  for (const [path, act, notice] of [
    [
      'remind',
      (request: FastifyRequest<{ Params: RoundParams; Body: FormBody }>, plan: PlanRow) =>
        inTransaction(app.db, (trx) =>
          nudgeOwner(
            trx,
            request.actor,
            app.config,
            plan,
            request.params.roundId,
            formText(request.body, 'ownerId') ?? '',
          ),
        ),
      'reminder-queued',
    ],
    [
      'revoke',
      (request: FastifyRequest<{ Params: RoundParams; Body: FormBody }>, plan: PlanRow) =>
        inTransaction(app.db, (trx) =>
          revokeLinks(
            trx,
            request.actor,
            plan,
            request.params.roundId,
            formText(request.body, 'ownerId') ?? '',
          ),
        ),
      'links-revoked',
    ],
  ] as const) {
    app.post<{ Params: RoundParams; Body: FormBody; Querystring: { show?: string; notice?: string } }>(
      `/plans/:slug/rounds/:roundId/${path}`,
      manage,
      async (request, reply) => {
        const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
        try {
          await act(request, plan);
          return reply.redirect(
            withNotice(`/plans/${plan.slug}/rounds/${request.params.roundId}`, notice),
            303,
          );
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          return renderRound(request, reply.status(400), plan, { errors: error.fieldErrors });
        }
      },
    );
  }

  app.get<{ Params: RoundParams }>('/plans/:slug/rounds/:roundId/close', manage, async (request, reply) => {
    const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
    const round = await findRound(app.db.kysely, plan.id, request.params.roundId);
    if (round.state !== 'open') return reply.redirect(`/plans/${plan.slug}/rounds/${round.id}`, 303);
    const progress = await roundProgress(app.db.kysely, round);
    return reply.render('rounds/views/roundClose.njk', {
      title: `Close the update request for ${round.meeting_name}`,
      plan,
      marking: plan.marking,
      breadcrumbs: crumbs(plan),
      round,
      progress,
    });
  });

  app.post<{ Params: RoundParams; Body: FormBody; Querystring: { show?: string; notice?: string } }>(
    '/plans/:slug/rounds/:roundId/close',
    manage,
    async (request, reply) => {
      const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
      const path = `/plans/${plan.slug}/rounds/${request.params.roundId}`;
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect(path, 303);
      try {
        await inTransaction(app.db, (trx) =>
          closeRound(trx, request.actor, plan, request.params.roundId, formVersion(request.body)),
        );
        return reply.redirect(withNotice(path, 'round-closed'), 303);
      } catch (error) {
        if (error instanceof InvalidInputError) return reply.redirect(path, 303);
        if (error instanceof ConflictError)
          return renderRound(request, reply.status(409), plan, {
            errors: {
              round:
                'This update request was changed by someone else since you opened it: check it, then close it again',
            },
          });
        throw error;
      }
    },
  );

  app.post<{ Params: RoundParams }>('/plans/:slug/rounds/:roundId/report', manage, async (request, reply) => {
    const plan = await findPlanBySlug(app.db.kysely, request.params.slug);
    const report = await inTransaction(app.db, (trx) =>
      draftReportForRound(trx, request.actor, plan, request.params.roundId),
    );
    return reply.redirect(`/plans/${plan.slug}/reports/${report.id}`, 303);
  });

  app.get<{ Querystring: { notice?: string } }>(
    '/admin/personal-links',
    { config: { access: 'admin' } },
    async (request, reply) =>
      reply.render('rounds/views/personalLinksSetting.njk', {
        title: 'Personal links',
        allowed: await personalLinksAllowed(app.db.kysely),
        notice: noticeText(request.query.notice),
      }),
  );

  app.post<{ Body: FormBody }>(
    '/admin/personal-links',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const choice = formText(request.body, 'allowed');
      if (choice !== 'yes' && choice !== 'no')
        return reply.status(400).render('rounds/views/personalLinksSetting.njk', {
          title: 'Personal links',
          allowed: await personalLinksAllowed(app.db.kysely),
          errors: { allowed: 'Select whether owners without an account may post through personal links' },
        });
      await inTransaction(app.db, (trx) => setPersonalLinksAllowed(trx, request.actor, choice === 'yes'));
      return reply.redirect(withNotice('/admin/personal-links', 'links-setting-saved'), 303);
    },
  );
}
