// "Your account": who you are, your plans, the e-mail you get, changing your password, and your API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../signin/apiTokens.js';
import { changeOwnPassword } from '../signin/changePassword.js';
import { sessionCookieName } from '../signin/sessions.js';
import { formText, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { passwordMinLength } from './passwords.js';
import { planRoleNames, setMailPreferences, userRoleNames } from './userCommands.js';
import { plansOfUser, userDetails } from './userQueries.js';
import { findUserRowById } from './users.js';

type TokenParams = { tokenId: string };

export const tokenAccessNames = { read: 'Read only', write: 'Read and write' };

function signedInUser(request: FastifyRequest) {
  if (!request.user) throw new NotFoundError('Your account');
  return request.user;
}

export async function accountPages(app: FastifyInstance): Promise<void> {
  async function renderAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    context: Record<string, unknown>,
  ) {
    const user = signedInUser(request);
    const [details, plans, tokens, row] = await Promise.all([
      userDetails(app.db, user.id),
      plansOfUser(app.db, user.id),
      listApiTokens(app.db, user.id),
      findUserRowById(app.db, user.id),
    ]);
    // The page can carry a token that is shown only this once: no copy may be kept by the browser or a proxy.
    reply.header('cache-control', 'no-store');
    return reply.render('people/views/account.njk', {
      title: 'Your account',
      account: {
        name: user.name,
        email: user.email,
        role: userRoleNames[user.role],
        isAdmin: user.role === 'admin',
        // A staff account reads staff pages only: no plans, items to be told about, or API to reach.
        isStaff: user.role === 'staff',
      },
      details,
      plans: plans.map((plan) => ({ ...plan, roleName: planRoleNames[plan.role] })),
      tokens,
      tokenAccessNames,
      passwordMinLength,
      tokenForm: {},
      mailForm: {
        digest: row?.digest ?? 'weekly',
        changeNotices: row?.change_notices ?? 'on',
        version: String(row?.version ?? ''),
      },
      ...context,
    });
  }

  app.get<{ Querystring: { notice?: string } }>(
    '/account',
    { config: { access: 'account' } },
    async (request, reply) => renderAccount(request, reply, { notice: noticeText(request.query.notice) }),
  );

  app.post<{ Body: FormBody }>(
    '/account/password',
    { config: { access: 'account' } },
    async (request, reply) => {
      const user = signedInUser(request);
      try {
        await inTransaction(app.db, (trx) =>
          changeOwnPassword(
            trx,
            request.actor,
            user.id,
            {
              currentPassword: formText(request.body, 'currentPassword') ?? '',
              newPassword: formText(request.body, 'newPassword') ?? '',
              confirmPassword: formText(request.body, 'confirmPassword') ?? '',
            },
            request.cookies[sessionCookieName],
          ),
        );
        return reply.redirect(withNotice('/account', 'password-changed'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // Passwords are never sent back into a page, even a mistyped one.
        return renderAccount(request, reply.status(400), { errors: error.fieldErrors });
      }
    },
  );

  app.post<{ Body: FormBody }>(
    '/account/tokens',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const user = signedInUser(request);
      const input = {
        name: formText(request.body, 'tokenName'),
        access: formText(request.body, 'tokenAccess'),
      };
      try {
        const made = await inTransaction(app.db, (trx) => createApiToken(trx, request.actor, user.id, input));
        return renderAccount(request, reply.status(201), {
          newToken: { name: made.row.name, access: made.row.access, token: made.token },
        });
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        const { name, access } = error.fieldErrors;
        return renderAccount(request, reply.status(400), {
          errors: { ...(name ? { tokenName: name } : {}), ...(access ? { tokenAccess: access } : {}) },
          tokenForm: input,
        });
      }
    },
  );

  app.post<{ Body: FormBody }>(
    '/account/email',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const user = signedInUser(request);
      const input = {
        digest: formText(request.body, 'digest') ?? '',
        // An unticked checkbox sends nothing: that is the choice not to be told.
        changeNotices: formText(request.body, 'changeNotices') === 'on' ? 'on' : 'off',
      };
      const version = Number(formText(request.body, 'version'));
      try {
        await inTransaction(app.db, (trx) => setMailPreferences(trx, request.actor, user.id, version, input));
        return reply.redirect(withNotice('/account', 'email-settings-saved'), 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderAccount(request, reply.status(400), {
          errors: error.fieldErrors,
          mailForm: { ...input, version: String(version) },
        });
      }
    },
  );

  async function ownToken(request: FastifyRequest<{ Params: TokenParams }>) {
    const user = signedInUser(request);
    const token = (await listApiTokens(app.db, user.id)).find((row) => row.id === request.params.tokenId);
    if (!token) throw new NotFoundError('API token');
    return token;
  }

  app.get<{ Params: TokenParams }>(
    '/account/tokens/:tokenId/revoke',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const token = await ownToken(request);
      return reply.render('people/views/tokenRevoke.njk', {
        title: `Revoke the API token ${token.name}`,
        token,
        breadcrumbs: [{ text: 'Your account', href: '/account' }],
      });
    },
  );

  app.post<{ Params: TokenParams; Body: FormBody }>(
    '/account/tokens/:tokenId/revoke',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const token = await ownToken(request);
      if (formText(request.body, 'confirm') !== 'yes') return reply.redirect('/account', 303);
      await inTransaction(app.db, (trx) =>
        revokeApiToken(trx, request.actor, signedInUser(request).id, token.id),
      );
      return reply.redirect(withNotice('/account', 'token-revoked'), 303);
    },
  );
}
