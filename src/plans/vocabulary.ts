// The words users see for statuses and RAG, and the stored values behind them.
import type { Rag, Status } from '../db/schema.js';

export const statuses: readonly Status[] = ['not_started', 'in_progress', 'ongoing', 'complete', 'cancelled'];
export const rags: readonly Rag[] = ['red', 'amber', 'green'];

export const statusLabels: Record<Status, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  ongoing: 'Ongoing',
  complete: 'Complete',
  cancelled: 'Cancelled',
};

export const ragLabels: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green' };

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (statuses as readonly string[]).includes(value);
}

export function isRag(value: unknown): value is Rag {
  return typeof value === 'string' && (rags as readonly string[]).includes(value);
}

/** Statuses at which an action is finished with, so it can be neither overdue nor chased. */
export function isClosed(status: Status): boolean {
  return status === 'complete' || status === 'cancelled';
}
