// /admin/outbox: the e-mail Headway has queued, sent and failed to send, newest first, with Retry for failures.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError } from '../errors.js';
import { mailNotSetUpReason } from '../mail/sendEmail.js';
import { formText, type FormBody } from '../web/forms.js';
import { noticeText, withNotice } from '../web/notices.js';
import { paginationLinks } from '../web/pagination.js';
import { retryJob } from './jobCommands.js';
import { listOutbox, outboxStates, type OutboxMessage, type OutboxState } from './outboxQueries.js';

const pageSize = 50;

const stateNames: Record<OutboxState, string> = {
  waiting: 'Waiting to be sent',
  sent: 'Sent',
  failed: 'Failed',
};

/** The message's state in words, with the tag colour GOV.UK uses for it. */
function describeState(message: OutboxMessage, notSetUp: boolean): { text: string; classes: string } {
  if (message.state === 'done') return { text: 'Sent', classes: 'govuk-tag--green' };
  if (message.state === 'failed') return { text: 'Failed', classes: 'govuk-tag--red' };
  if (message.state === 'cancelled') return { text: 'Cancelled', classes: 'govuk-tag--grey' };
  if (message.state === 'running') return { text: 'Sending', classes: 'govuk-tag--blue' };
  if (notSetUp) return { text: 'Not sent: e-mail is not set up', classes: 'govuk-tag--orange' };
  if (message.attempts > 0) return { text: 'Waiting to try again', classes: 'govuk-tag--yellow' };
  return { text: 'Queued', classes: 'govuk-tag--grey' };
}

function stateFilter(value: string | undefined): OutboxState | undefined {
  return (outboxStates as readonly string[]).includes(value ?? '') ? (value as OutboxState) : undefined;
}

export async function outboxPages(app: FastifyInstance): Promise<void> {
  async function renderOutbox(
    query: { state?: string; page?: string; notice?: string },
    reply: FastifyReply,
    context: Record<string, unknown> = {},
  ) {
    const state = stateFilter(query.state);
    const { total, page, messages } = await listOutbox(app.db, { state, page: query.page, pageSize });
    const notSetUp = mailNotSetUpReason(app.config) !== undefined;
    return reply.render('jobs/views/outbox.njk', {
      title: 'Outbox',
      total,
      messages: messages.map((message) => ({ ...message, stateTag: describeState(message, notSetUp) })),
      filters: { state: state ?? '' },
      stateItems: [
        { value: '', text: 'Any state' },
        ...outboxStates.map((value) => ({ value, text: stateNames[value] })),
      ],
      pagination: paginationLinks('/admin/outbox', { state }, page, total, pageSize),
      notice: noticeText(query.notice),
      ...context,
    });
  }

  app.get<{ Querystring: { state?: string; page?: string; notice?: string } }>(
    '/admin/outbox',
    { config: { access: 'admin' } },
    async (request, reply) => renderOutbox(request.query, reply),
  );

  app.post<{ Params: { jobId: string }; Body: FormBody }>(
    '/admin/outbox/:jobId/retry',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const state = stateFilter(formText(request.body, 'state'));
      try {
        await inTransaction(app.db, (trx) => retryJob(trx, request.params.jobId, { kind: 'email' }));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderOutbox({ state }, reply.status(400), { errors: error.fieldErrors });
      }
      return reply.redirect(
        withNotice(`/admin/outbox${state ? `?state=${state}` : ''}`, 'message-retried'),
        303,
      );
    },
  );
}
