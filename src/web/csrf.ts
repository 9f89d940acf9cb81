// Cross-site request forgery: every form carries a token, and every page request that changes something without the
// token of its own browser is refused before its handler runs.
import csrfProtection from '@fastify/csrf-protection';
import type { Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { checkedParts } from './controlCharacters.js';
import { cookieOptions } from './cookies.js';
import { escapeForPage } from './tags.js';

/** The name of the hidden field that csrfField() puts in every form. */
export const csrfFieldName = '_csrf';

/** The hidden field that carries a form's token, as every form that posts opens with. */
export function csrfFieldHtml(token: string): string {
  return `<input type="hidden" name="${csrfFieldName}" value="${escapeForPage(token)}">`;
}
/** The cookie holding the secret that tokens are made from; it is the browser's own, not the session's. */
export const csrfSecretCookie = 'headway_csrf';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The token of a multipart form, read from its first part before the handler runs. */
    multipartCsrfToken: string | undefined;
    /** The parts the hook has not read. */
    remainingParts: AsyncIterableIterator<Multipart> | null;
    /** A multipart form's parts after its token: what a handler reads instead of request.parts(). */
    formParts(): AsyncIterableIterator<Multipart>;
  }
  interface FastifyReply {
    /** A token for one form on the page being drawn; setting the secret cookie first if the browser has none. */
    csrfToken(): string;
  }
}

/**
 * The JSON API is exempt: it accepts only bearer API tokens, never cookies, so another site cannot make a browser
 * use it. Decided by the route that will answer, so no spelling of a page's path can pass for the API.
 */
function needsToken(request: FastifyRequest): boolean {
  if (!stateChanging.has(request.method)) return false;
  const route = request.routeOptions.url;
  if (route !== undefined) return !(route === '/api/v1' || route.startsWith('/api/v1/'));
  return !request.url.startsWith('/api/');
}

/**
 * A multipart body cannot be read before its handler without reading the file, so the token is its first part
 * (csrfField() opens every form, and browsers send fields in the order of the page). The rest is left to the handler.
 */
async function readMultipartToken(request: FastifyRequest): Promise<void> {
  const parts = request.parts();
  // The handler reads the rest through the text check; the token is this hook's to judge.
  request.remainingParts = checkedParts(parts);
  try {
    const first = await parts.next();
    if (first.done) return;
    if (first.value.type === 'field' && first.value.fieldname === csrfFieldName)
      request.multipartCsrfToken = String(first.value.value ?? '');
    else if (first.value.type === 'file') first.value.file.resume();
  } catch (error) {
    request.log.info({ err: error }, 'multipart form unreadable before its token');
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  if (request.multipartCsrfToken !== undefined) return request.multipartCsrfToken;
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body[csrfFieldName] : undefined;
  if (typeof field === 'string') return field;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

export const setUpCsrf = fp(async (app: FastifyInstance) => {
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfSecretCookie,
    getToken: tokenOf,
    logLevel: 'info',
  });
  app.decorateRequest('multipartCsrfToken', undefined);
  app.decorateRequest('remainingParts', null);
  app.decorateRequest('formParts', function formParts(this: FastifyRequest) {
    if (!this.remainingParts) throw new Error('The multipart form was not read by the CSRF check');
    return this.remainingParts;
  });
  // One token per page: on a browser's first visit each call would make a new secret (the cookie set by the first is
  // not yet in the request), and only the last would match the cookie, so a page of several forms reuses the first.
  const tokenOfReply = new WeakMap<FastifyReply, string>();
  app.decorateReply('csrfToken', function csrfToken(this: FastifyReply) {
    let token = tokenOfReply.get(this);
    if (token === undefined) {
      token = this.generateCsrf(cookieOptions(this.request));
      tokenOfReply.set(this, token);
    }
    return token;
  });

  // A refused request is answered by the plugin (403, mapped to a page in errorHandler.ts) and goes no further.
  app.addHook('preValidation', (request, reply, done) => {
    if (!needsToken(request)) return done();
    const multipart = typeof request.isMultipart === 'function' && request.isMultipart();
    if (!multipart) return app.csrfProtection(request, reply, done);
    // A refused upload is answered before its body has been read; the connection must close, or the unread rest of
    // the body would be taken as the browser's next request on it.
    reply.header('connection', 'close');
    void readMultipartToken(request).then(() =>
      app.csrfProtection(request, reply, () => {
        reply.removeHeader('connection');
        done();
      }),
    );
  });
});

/** Whether an error is the CSRF check's refusal. */
export function isCsrfRefusal(error: { code?: string }): boolean {
  return error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET';
}
