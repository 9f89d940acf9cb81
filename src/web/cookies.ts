// The attributes every Headway cookie is set with, so the CSRF secret and the session cookie are alike.
import cookie, { type CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * HttpOnly, so no script can read them; SameSite=Lax, so another site's form cannot send them, while a link from an
 * e-mail still arrives signed in (Strict would drop them there and look like a sign-out); Secure when the request
 * came over HTTPS, as the connection says or a trusted proxy in front does (X-Forwarded-Proto, believed only from the
 * proxies HEADWAY_TRUST_PROXY names: src/web/clientAddress.ts).
 */
export function cookieOptions(request: FastifyRequest): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' };
}

/** Cookies are read on every request; the CSRF secret and the session both live in them. */
export const setUpCookies = fp(async (app: FastifyInstance) => {
  await app.register(cookie);
});
