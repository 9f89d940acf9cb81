// The outbox: e-mail jobs as administrators read them, newest first, by state.
import type { Db } from '../db/connection.js';
import type { EmailMessage } from '../mail/emailMessage.js';
import { pageNumber } from '../web/pagination.js';

/** What the outbox filters by: waiting (queued or being sent), sent, failed. */
export const outboxStates = ['waiting', 'sent', 'failed'] as const;
export type OutboxState = (typeof outboxStates)[number];

const jobStates: Record<OutboxState, ('queued' | 'running' | 'done' | 'failed')[]> = {
  waiting: ['queued', 'running'],
  sent: ['done'],
  failed: ['failed'],
};

export interface OutboxMessage {
  id: string;
  to: string;
  toName: string | undefined;
  subject: string;
  planTitle: string | null;
  planSlug: string | null;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  runAt: string;
  finishedAt: string | null;
  lastError: string | null;
}

export async function listOutbox(
  db: Db,
  options: { state?: OutboxState; page?: string | number; pageSize: number },
): Promise<{ total: number; page: number; messages: OutboxMessage[] }> {
  let query = db.kysely.selectFrom('jobs').where('jobs.kind', '=', 'email');
  if (options.state) query = query.where('jobs.state', 'in', jobStates[options.state]);
  const counted = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const total = Number(counted.n);
  const page = pageNumber(options.page, total, options.pageSize);
  const rows = await query
    .leftJoin('plans', 'plans.id', 'jobs.plan_id')
    .select([
      'jobs.id',
      'jobs.payload_json',
      'jobs.state',
      'jobs.attempts',
      'jobs.max_attempts',
      'jobs.created_at',
      'jobs.run_at',
      'jobs.finished_at',
      'jobs.last_error',
      'plans.title as plan_title',
      'plans.slug as plan_slug',
    ])
    .orderBy('jobs.created_at', 'desc')
    .orderBy('jobs.id', 'desc')
    .limit(options.pageSize)
    .offset((page - 1) * options.pageSize)
    .execute();
  return {
    total,
    page,
    messages: rows.map((row) => {
      const message = JSON.parse(row.payload_json) as EmailMessage;
      return {
        id: row.id,
        to: message.to,
        toName: message.toName,
        subject: message.subject,
        planTitle: row.plan_title,
        planSlug: row.plan_slug,
        state: row.state,
        attempts: row.attempts,
        maxAttempts: row.max_attempts,
        createdAt: row.created_at,
        runAt: row.run_at,
        finishedAt: row.finished_at,
        lastError: row.last_error,
      };
    }),
  };
}
