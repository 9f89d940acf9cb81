// Maps every failure to one answer: problem+json (RFC 9457) for the API, a GOV.UK error page for people; including
// the failures Fastify and Node answer before any route is found (a malformed address, headers too large).
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type nunjucks from 'nunjucks';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { permissionsFor, sendSignInProblem, signInRedirect, SignInRequiredError } from './access.js';
import { isCsrfRefusal } from './csrf.js';
import { createViews } from './views.js';

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: Record<string, string>;
  currentVersion?: number;
  current?: unknown;
}

function problemFor(error: FastifyError | Error): Problem {
  if (error instanceof NotFoundError) return { status: 404, title: 'Not found', detail: error.message };
  if (error instanceof InvalidInputError)
    return { status: 400, title: 'Invalid input', detail: error.message, errors: error.fieldErrors };
  if (error instanceof ConflictError)
    return {
      status: 409,
      title: 'Conflict',
      detail: error.message,
      currentVersion: error.currentVersion,
      current: error.current,
    };
  if (error instanceof ForbiddenError) return { status: 403, title: 'Forbidden', detail: error.message };
  const fastifyError = error as FastifyError;
  if (isCsrfRefusal(fastifyError))
    return {
      status: 403,
      title: 'The form could not be sent',
      detail:
        'Nothing was changed. The form had expired or did not come from this Headway page. Go back, reload the page and send the form again.',
    };
  if (fastifyError.validation) {
    const errors: Record<string, string> = {};
    for (const issue of fastifyError.validation) {
      const field =
        issue.instancePath.replace(/^\//, '').replace(/\//g, '.') ||
        String(issue.params?.missingProperty ?? 'body');
      errors[field] = issue.message ?? 'is not valid';
    }
    return { status: 400, title: 'Invalid input', detail: error.message, errors };
  }
  const status = fastifyError.statusCode && fastifyError.statusCode >= 400 ? fastifyError.statusCode : 500;
  if (status === 413)
    return { status, title: 'Too large', detail: 'The request is larger than Headway accepts' };
  if (status === 414 || fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return {
      status: 414,
      title: 'Address too long',
      detail: 'A part of the address is longer than Headway accepts',
    };
  if (fastifyError.code === 'FST_ERR_BAD_URL')
    return {
      status: 400,
      title: 'Bad address',
      detail: 'The address has a malformed %-escape in it; check the link, or go back and try again',
    };
  if (status === 415) return { status, title: 'Unsupported media type', detail: error.message };
  if (status < 500) return { status, title: 'Bad request', detail: error.message };
  return {
    status: 500,
    title: 'Something went wrong',
    detail: 'Headway could not complete the request; it has been logged',
  };
}

export function wantsProblemJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send({ type: 'about:blank', instance: request.url, ...problem });
}

/**
 * The address of a request Fastify refused before routing it (Fastify's `frameworkErrors`): answered as any other
 * error, though no hook has run, so the headers every answer carries are added here.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  void reply.headers(rawAnswerHeaders);
  const problem = problemFor(error);
  request.log.info({ status: problem.status, detail: problem.detail }, 'request refused before routing');
  if (wantsProblemJson(request)) return sendProblem(request, reply, problem);
  return reply.status(problem.status).type('text/html; charset=utf-8').send(errorPage(problem, request.url));
}

/** What every answer written outside Fastify carries: what src/web/security.ts and its hooks would have set. */
const rawAnswerHeaders = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self'; img-src 'self' data:; " +
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; frame-src 'none'; " +
    "object-src 'none'; base-uri 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

let views: nunjucks.Environment | undefined;

/** The error page drawn for someone not known to be signed in: for answers given before any hook has run. */
function errorPage(problem: Problem, url: string): string {
  views ??= createViews();
  return views.render('web/views/error.njk', {
    problem,
    cspStyleNonce: '',
    csrfToken: () => '',
    currentPath: url.split('?')[0],
    actor: null,
    user: null,
    navigation: [],
    may: permissionsFor(null, null),
  });
}

/**
 * Node's answer to a request it could not read (headers too large, a timeout, broken HTTP), written to the socket as
 * Fastify's own default does, but in Headway's shapes. The path is read from what arrived, when it did.
 */
export function answerClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const problem: Problem =
    status === 431
      ? {
          status,
          title: 'Request headers too large',
          detail:
            'The request’s headers (its address or cookies) are larger than Headway accepts. Clear this site’s cookies, or use a shorter address',
        }
      : status === 408
        ? { status, title: 'Request timed out', detail: 'The request took too long to arrive; try again' }
        : { status, title: 'Bad request', detail: 'The request could not be read as HTTP' };
  // A Buffer in fact, though Fastify's types describe it as a Buffer's JSON.
  const raw: unknown = error.rawPacket;
  const received = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const firstLine = received.subarray(0, 2048).toString('latin1').split('\r\n')[0] ?? '';
  const url = /^[A-Z]+ (\/\S*) HTTP\/1\.[01]$/.exec(firstLine)?.[1] ?? '/';
  const [type, body] = url.startsWith('/api/')
    ? [
        'application/problem+json; charset=utf-8',
        JSON.stringify({ type: 'about:blank', instance: url.slice(0, 200), ...problem }),
      ]
    : ['text/html; charset=utf-8', errorPage(problem, url)];
  if (socket.writable) {
    const headers = Object.entries({
      ...rawAnswerHeaders,
      'content-type': type,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

export function setUpErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const problem = {
      status: 404,
      title: 'Not found',
      detail: `There is nothing at ${request.url.split('?')[0]}`,
    };
    if (wantsProblemJson(request)) return sendProblem(request, reply, problem);
    return reply.status(404).render('web/views/error.njk', { problem });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof SignInRequiredError) {
      if (wantsProblemJson(request)) return sendSignInProblem(request, reply);
      return (
        signInRedirect(request, reply) ??
        reply.status(401).render('web/views/error.njk', {
          problem: {
            status: 401,
            title: 'Sign in to continue',
            detail: 'Your session has ended. Sign in, then try again.',
          },
          signInLink: true,
        })
      );
    }
    const problem = problemFor(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, detail: problem.detail }, 'request refused');
    if (wantsProblemJson(request)) return sendProblem(request, reply, problem);
    return reply.status(problem.status).render('web/views/error.njk', { problem });
  });
}
