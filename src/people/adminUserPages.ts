// Administration of users: the list, adding someone (with their one-time link), and one user's role, owner link, access and plans.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserRole } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { formText, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { paginationLinks } from '../web/pagination.js';
import {
  addUser,
  changeUserRole,
  issuePasswordLink,
  passwordLinkHours,
  planRoleNames,
  updateUserDetails,
  userRoleNames,
} from './userCommands.js';
import { userRoles } from './roles.js';
import {
  listUsers,
  ownerChoices,
  plansOfUser,
  userDetails,
  userSorts,
  type UserSort,
} from './userQueries.js';

type UserParams = { userId: string };
const pageSize = 50;
const usersCrumb = { text: 'Users', href: '/admin/users' };

const sortNames: Record<UserSort, string> = {
  name: 'Name',
  email: 'E-mail address',
  role: 'Role',
  newest: 'Newest first',
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
}

/** Where a one-time link starts: HEADWAY_PUBLIC_URL, else the address this page was asked for at. */
function linkBase(request: FastifyRequest): string {
  return request.server.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export async function adminUserPages(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { q?: string; role?: string; sort?: string; page?: string } }>(
    '/admin/users',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const role = oneOf<UserRole>(request.query.role, userRoles);
      const sort = oneOf(request.query.sort, userSorts) ?? 'name';
      const { total, page, users } = await listUsers(app.db, {
        q: q || undefined,
        role,
        sort,
        page: request.query.page,
        pageSize,
      });
      return reply.render('people/views/userList.njk', {
        title: 'Users',
        users: users.map((user) => ({ ...user, roleName: userRoleNames[user.role] })),
        total,
        filters: { q, role: role ?? '', sort },
        roleItems: [
          { value: '', text: 'Any role' },
          ...userRoles.map((value) => ({ value, text: userRoleNames[value] })),
        ],
        sortItems: userSorts.map((value) => ({ value, text: sortNames[value] })),
        pagination: paginationLinks('/admin/users', { q, role, sort }, page, total, pageSize),
      });
    },
  );

  function renderNewUser(reply: FastifyReply, context: Record<string, unknown>) {
    return reply.render('people/views/userNew.njk', {
      title: 'Add a user',
      roleItems: userRoles.map((value) => ({ value, text: userRoleNames[value] })),
      breadcrumbs: [usersCrumb],
      form: { role: 'viewer' },
      ...context,
    });
  }

  function renderLink(
    request: FastifyRequest,
    reply: FastifyReply,
    user: { id: string; name: string; email: string },
    secret: string,
    added: boolean,
  ) {
    // The link is shown on this page only: it must not be kept by the browser's cache.
    reply.header('cache-control', 'no-store');
    return reply.render('people/views/userLink.njk', {
      title: added ? `${user.name} added` : `New password link for ${user.name}`,
      added,
      person: user,
      link: `${linkBase(request)}/setup/${secret}`,
      passwordLinkHours,
      breadcrumbs: [usersCrumb],
    });
  }

  app.get('/admin/users/new', { config: { access: 'admin' } }, async (_request, reply) =>
    renderNewUser(reply, {}),
  );

  app.post<{ Body: FormBody }>('/admin/users', { config: { access: 'admin' } }, async (request, reply) => {
    const input = {
      email: formText(request.body, 'email'),
      name: formText(request.body, 'name'),
      role: (formText(request.body, 'role') ?? '') as UserRole | '',
    };
    try {
      const { user, secret } = await inTransaction(app.db, (trx) => addUser(trx, request.actor, input));
      return renderLink(request, reply.status(201), user, secret, true);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderNewUser(reply.status(400), { form: input, errors: error.fieldErrors });
    }
  });

  async function renderUser(
    request: FastifyRequest<{ Params: UserParams }>,
    reply: FastifyReply,
    context: Record<string, unknown>,
  ) {
    const details = await userDetails(app.db, request.params.userId);
    if (!details) throw new NotFoundError('User');
    const [plans, owners] = await Promise.all([plansOfUser(app.db, details.id), ownerChoices(app.db)]);
    return reply.render('people/views/user.njk', {
      title: details.name,
      person: { ...details, roleName: userRoleNames[details.role] },
      isSelf: details.id === request.user?.id,
      plans: plans.map((plan) => ({ ...plan, roleName: planRoleNames[plan.role] })),
      roleItems: userRoles.map((value) => ({ value, text: userRoleNames[value] })),
      ownerItems: [
        { value: '', text: 'Not linked' },
        ...owners.map((owner) => ({
          value: owner.id,
          text: `${owner.name}${owner.kind === 'team' ? ' (team)' : ''}`,
        })),
      ],
      form: { name: details.name, role: details.role, ownerId: details.owner_id ?? '' },
      breadcrumbs: [usersCrumb],
      ...context,
    });
  }

  app.get<{ Params: UserParams; Querystring: { notice?: string } }>(
    '/admin/users/:userId',
    { config: { access: 'admin' } },
    async (request, reply) => renderUser(request, reply, { notice: noticeText(request.query.notice) }),
  );

  /** Runs one change to a user from their page: saved, back to the page; refused, the page again with the message and what was typed. */
  async function changeFromPage(
    request: FastifyRequest<{ Params: UserParams; Body: FormBody }>,
    reply: FastifyReply,
    change: () => Promise<unknown>,
    typed: Record<string, string | undefined> = {},
  ) {
    if (!(await userDetails(app.db, request.params.userId))) throw new NotFoundError('User');
    try {
      await change();
      return reply.redirect(withNotice(`/admin/users/${request.params.userId}`, 'user-saved'), 303);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const current = await userDetails(app.db, request.params.userId);
      return renderUser(request, reply.status(400), {
        errors: error.fieldErrors,
        form: { name: current?.name, role: current?.role, ownerId: current?.owner_id ?? '', ...typed },
      });
    }
  }

  app.post<{ Params: UserParams; Body: FormBody }>(
    '/admin/users/:userId/role',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const role = formText(request.body, 'role') ?? '';
      return changeFromPage(
        request,
        reply,
        () => inTransaction(app.db, (trx) => changeUserRole(trx, request.actor, request.params.userId, role)),
        { role },
      );
    },
  );

  app.post<{ Params: UserParams; Body: FormBody }>(
    '/admin/users/:userId/details',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const typed = {
        name: formText(request.body, 'name'),
        ownerId: formText(request.body, 'ownerId') ?? '',
      };
      return changeFromPage(
        request,
        reply,
        () =>
          inTransaction(app.db, (trx) => updateUserDetails(trx, request.actor, request.params.userId, typed)),
        typed,
      );
    },
  );

  app.post<{ Params: UserParams; Body: FormBody }>(
    '/admin/users/:userId/access',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const disabled = formText(request.body, 'disabled');
      if (disabled !== 'yes' && disabled !== 'no')
        throw new InvalidInputError({ disabled: 'Choose whether to disable or enable the account' });
      return changeFromPage(request, reply, () =>
        inTransaction(app.db, (trx) =>
          updateUserDetails(trx, request.actor, request.params.userId, { disabled: disabled === 'yes' }),
        ),
      );
    },
  );

  app.post<{ Params: UserParams }>(
    '/admin/users/:userId/password-link',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const user = await userDetails(app.db, request.params.userId);
      if (!user) throw new NotFoundError('User');
      const secret = await inTransaction(app.db, (trx) => issuePasswordLink(trx, request.actor, user.id));
      return renderLink(request, reply, user, secret, false);
    },
  );
}
