// Maps every failure to one answer: problem+json (RFC 9457) for the API, a GOV.UK error page for people.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { sendSignInProblem, signInRedirect, SignInRequiredError } from './access.js';
import { isCsrfRefusal } from './csrf.js';

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
