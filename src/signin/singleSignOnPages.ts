// The two addresses of single sign-on: off to the provider, and back from it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors.js';
import { safeReturnTo } from './returnTo.js';
import { cookieOptions, sessionCookieName, sessionTimes, setSessionCookie } from './sessions.js';
import { singleSignOnMinutes, singleSignOnWith, SingleSignOnRefusedError } from './singleSignOn.js';

/** Ties a sign-in begun here to the browser that comes back; only a random id, the checks stay in the database. */
const requestCookieName = 'headway_sign_on';

function requestCookieOptions(request: FastifyRequest) {
  // SameSite=Lax still sends it on the provider's top-level redirect back to the callback.
  return { ...cookieOptions(request), path: '/sign-in/sso', maxAge: singleSignOnMinutes * 60 };
}

function renderRefusal(reply: FastifyReply, error: SingleSignOnRefusedError) {
  return reply.status(error.status).render('signin/views/singleSignOnRefused.njk', {
    title: 'You have not been signed in',
    detail: error.message,
  });
}

export async function singleSignOnPages(app: FastifyInstance): Promise<void> {
  const settings = app.config.singleSignOn;
  const singleSignOn = settings ? singleSignOnWith(settings) : undefined;
  const times = sessionTimes(app.config);

  function configured() {
    if (!singleSignOn) throw new NotFoundError('Single sign-on is not set up here, so it');
    return singleSignOn;
  }

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in/sso',
    { config: { access: 'public' } },
    async (request, reply) => {
      const provider = configured();
      if (request.user) return reply.redirect(safeReturnTo(request.query.returnTo), 303);
      try {
        const { url, requestSecret } = await provider.begin(app.db, request.query.returnTo);
        reply.setCookie(requestCookieName, requestSecret, requestCookieOptions(request));
        return reply.redirect(url.href, 303);
      } catch (error) {
        if (error instanceof SingleSignOnRefusedError) return renderRefusal(reply, error);
        throw error;
      }
    },
  );

  app.get('/sign-in/sso/callback', { config: { access: 'public' } }, async (request, reply) => {
    const provider = configured();
    const requestSecret = request.cookies[requestCookieName];
    reply.clearCookie(requestCookieName, requestCookieOptions(request));
    try {
      const { sessionSecret, returnTo } = await provider.finish(
        app.db,
        {
          query: request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '',
          requestSecret,
          address: request.ip,
          previousSecret: request.cookies[sessionCookieName],
        },
        times,
      );
      setSessionCookie(request, reply, sessionSecret);
      return reply.redirect(safeReturnTo(returnTo), 303);
    } catch (error) {
      if (error instanceof SingleSignOnRefusedError) return renderRefusal(reply, error);
      throw error;
    }
  });
}
