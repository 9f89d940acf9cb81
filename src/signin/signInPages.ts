// Sign-in, sign-out and the one-time links that set a password (and, on a fresh install, make the first administrator).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { passwordMinLength, passwordProblem } from '../people/passwords.js';
import { createUser, setUserPassword } from '../people/userCommands.js';
import { countUsers, findUserRowById, presentUser } from '../people/users.js';
import { formText, type FormBody } from '../web/forms.js';
import { findPasswordLink, useUpPasswordLink, type PasswordLink } from './passwordLinks.js';
import { safeReturnTo } from './returnTo.js';
import { sessionCookieName, sessionTimes, setSessionCookie, clearSessionCookie } from './sessions.js';
import { openSession, signInWithPassword, signOut, SignInRefusedError } from './signIn.js';

type TokenParams = { token: string };

function renderSignIn(reply: FastifyReply, context: Record<string, unknown>) {
  return reply.render('signin/views/signIn.njk', {
    title: 'Sign in',
    singleSignOn: reply.server.config.singleSignOn?.label,
    ...context,
  });
}

export async function signInPages(app: FastifyInstance): Promise<void> {
  const times = sessionTimes(app.config);

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in',
    { config: { access: 'public' } },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.query.returnTo);
      if (request.user) return reply.redirect(returnTo, 303);
      return renderSignIn(reply, { form: {}, returnTo, setupNeeded: (await countUsers(app.db)) === 0 });
    },
  );

  app.post<{ Body: FormBody }>('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const email = formText(request.body, 'email') ?? '';
    const returnTo = safeReturnTo(formText(request.body, 'returnTo'));
    try {
      const { sessionSecret } = await signInWithPassword(
        app.db,
        {
          email,
          password: formText(request.body, 'password') ?? '',
          address: request.ip,
          previousSecret: request.cookies[sessionCookieName],
        },
        times,
      );
      setSessionCookie(request, reply, sessionSecret);
      return reply.redirect(returnTo, 303);
    } catch (error) {
      if (!(error instanceof SignInRefusedError)) throw error;
      // The e-mail address comes back in the form; the password never does.
      return renderSignIn(reply.status(error.message.includes('Wait') ? 429 : 400), {
        form: { email },
        returnTo,
        errors: { email: error.message },
      });
    }
  });

  app.post('/sign-out', { config: { access: 'account' } }, async (request, reply) => {
    const secret = request.cookies[sessionCookieName];
    if (secret && request.user) await signOut(app.db, request.user, secret);
    clearSessionCookie(request, reply);
    return reply.redirect('/sign-in?notice=signed-out', 303);
  });

  async function linkFor(request: FastifyRequest<{ Params: TokenParams }>): Promise<PasswordLink> {
    const link = await findPasswordLink(app.db, request.params.token);
    if (!link) throw new NotFoundError('This link has been used or has expired, so it');
    // The first-administrator link works only while there is no user at all.
    if (link.userId === null && (await countUsers(app.db)) > 0)
      throw new NotFoundError('This link has been used or has expired, so it');
    return link;
  }

  async function renderLink(reply: FastifyReply, link: PasswordLink, context: Record<string, unknown>) {
    const user = link.userId ? await findUserRowById(app.db, link.userId) : undefined;
    return reply.render('signin/views/setPassword.njk', {
      title: link.userId ? 'Choose your password' : 'Set up Headway',
      firstAdmin: link.userId === null,
      email: user?.email,
      passwordMinLength,
      form: {},
      ...context,
    });
  }

  app.get<{ Params: TokenParams }>(
    '/setup/:token',
    { config: { access: 'public' } },
    async (request, reply) =>
      renderLink(reply, await linkFor(request), {
        action: `/setup/${encodeURIComponent(request.params.token)}`,
      }),
  );

  app.post<{ Params: TokenParams; Body: FormBody }>(
    '/setup/:token',
    { config: { access: 'public' } },
    async (request, reply) => {
      const link = await linkFor(request);
      const password = formText(request.body, 'password') ?? '';
      const confirm = formText(request.body, 'confirmPassword') ?? '';
      try {
        const sessionSecret = await inTransaction(app.db, async (trx) => {
          if (!(await useUpPasswordLink(trx, link)))
            throw new NotFoundError('This link has been used or has expired, so it');
          const existing = link.userId ? await findUserRowById({ kysely: trx }, link.userId) : undefined;
          const email = existing?.email ?? formText(request.body, 'email') ?? '';
          const problem =
            password !== confirm ? 'The two passwords are not the same' : passwordProblem(password, email);
          if (problem) throw new InvalidInputError({ password: problem });
          const actor = { name: existing?.name ?? 'First administrator' };
          const user = existing
            ? await setUserPassword(trx, { ...actor, userId: existing.id }, existing.id, password)
            : await createUser(trx, actor, {
                email,
                name: formText(request.body, 'name'),
                role: 'admin',
                password,
              });
          return openSession(
            trx,
            presentUser(user),
            times,
            request.ip,
            'password link',
            request.cookies[sessionCookieName],
          );
        });
        setSessionCookie(request, reply, sessionSecret);
        return reply.redirect('/', 303);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderLink(reply.status(400), link, {
          action: `/setup/${encodeURIComponent(request.params.token)}`,
          form: { email: formText(request.body, 'email'), name: formText(request.body, 'name') },
          errors: error.fieldErrors,
        });
      }
    },
  );
}
