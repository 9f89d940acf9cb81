// A plan's People page, for its managers: who has which role in the plan; give, change and take away roles.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { formText, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { planRoles } from './roles.js';
import { givePlanRoleByEmail, planRoleNames, setPlanRole, userRoleNames } from './userCommands.js';
import { peopleInPlan } from './userQueries.js';

type SlugParams = { slug: string };
type PersonParams = { slug: string; userId: string };

const roleItems = planRoles.map((value) => ({ value, text: planRoleNames[value] }));

function planOf(request: FastifyRequest) {
  if (!request.planAccess) throw new NotFoundError('Plan');
  return request.planAccess;
}

/** A plan manager who is not an administrator could shut themselves out of the plan: another manager does it for them. */
function refuseOwnRole(request: FastifyRequest, userId: string | undefined): void {
  if (request.user && userId === request.user.id && request.user.role !== 'admin')
    throw new InvalidInputError({
      email: 'You cannot change your own role in this plan: ask another of its managers or an administrator',
    });
}

export async function planPeoplePages(app: FastifyInstance): Promise<void> {
  async function renderPeople(
    request: FastifyRequest<{ Params: SlugParams }>,
    reply: FastifyReply,
    context: Record<string, unknown>,
  ) {
    const plan = await findPlanBySlug(app.db.kysely, planOf(request).slug);
    const people = await peopleInPlan(app.db, plan.id);
    return reply.render('people/views/planPeople.njk', {
      title: `People in ${plan.title}`,
      plan,
      marking: plan.marking,
      people: people.map((person) => ({
        ...person,
        roleName: planRoleNames[person.role],
        userRoleName: userRoleNames[person.userRole],
      })),
      roleItems,
      selfId: request.user?.role === 'admin' ? undefined : request.user?.id,
      form: { role: 'viewer' },
      breadcrumbs: [
        { text: 'Plans', href: '/plans' },
        { text: plan.title, href: `/plans/${plan.slug}` },
      ],
      ...context,
    });
  }

  app.get<{ Params: SlugParams; Querystring: { notice?: string } }>(
    '/plans/:slug/people',
    { config: { access: 'plan:manage' } },
    async (request, reply) => renderPeople(request, reply, { notice: noticeText(request.query.notice) }),
  );

  app.post<{ Params: SlugParams; Body: FormBody }>(
    '/plans/:slug/people',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = planOf(request);
      const email = formText(request.body, 'email');
      const role = formText(request.body, 'role');
      try {
        await inTransaction(app.db, async (trx) => {
          const user = await givePlanRoleByEmail(trx, request.actor, plan.planId, email, role);
          refuseOwnRole(request, user.id);
        });
        return reply.redirect(withNotice(`/plans/${plan.slug}/people`, 'members-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderPeople(request, reply.status(400), { errors: error.fieldErrors, form: { email, role } });
      }
    },
  );

  app.post<{ Params: PersonParams; Body: FormBody }>(
    '/plans/:slug/people/:userId',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = planOf(request);
      try {
        refuseOwnRole(request, request.params.userId);
        await inTransaction(app.db, (trx) =>
          setPlanRole(
            trx,
            request.actor,
            plan.planId,
            request.params.userId,
            formText(request.body, 'role') ?? '',
          ),
        );
        return reply.redirect(withNotice(`/plans/${plan.slug}/people`, 'members-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderPeople(request, reply.status(400), {
          errors: { [`role-${request.params.userId}`]: Object.values(error.fieldErrors).join('; ') },
        });
      }
    },
  );

  async function member(request: FastifyRequest<{ Params: PersonParams }>) {
    const people = await peopleInPlan(app.db, planOf(request).planId);
    const person = people.find((p) => p.userId === request.params.userId);
    if (!person) throw new NotFoundError('Person in this plan');
    return person;
  }

  app.get<{ Params: PersonParams }>(
    '/plans/:slug/people/:userId/remove',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const person = await member(request);
      const plan = await findPlanBySlug(app.db.kysely, planOf(request).slug);
      return reply.render('people/views/planPersonRemove.njk', {
        title: `Remove ${person.name} from ${plan.title}`,
        person,
        plan,
        marking: plan.marking,
        roleName: planRoleNames[person.role],
        breadcrumbs: [
          { text: 'Plans', href: '/plans' },
          { text: plan.title, href: `/plans/${plan.slug}` },
          { text: 'People', href: `/plans/${plan.slug}/people` },
        ],
      });
    },
  );

  app.post<{ Params: PersonParams; Body: FormBody }>(
    '/plans/:slug/people/:userId/remove',
    { config: { access: 'plan:manage' } },
    async (request, reply) => {
      const plan = planOf(request);
      const person = await member(request);
      if (formText(request.body, 'confirm') !== 'yes')
        return reply.redirect(`/plans/${plan.slug}/people`, 303);
      if (request.user && person.userId === request.user.id && request.user.role !== 'admin')
        throw new ForbiddenError(
          'You cannot remove yourself from this plan: ask another of its managers or an administrator',
        );
      await inTransaction(app.db, (trx) => setPlanRole(trx, request.actor, plan.planId, person.userId, null));
      return reply.redirect(withNotice(`/plans/${plan.slug}/people`, 'members-saved'), 303);
    },
  );
}
