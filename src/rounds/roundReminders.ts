// The hourly check for reminders due in open rounds, run by the job worker: each occurrence is one job, and each
// reminder's unique key (round, owner, London day) keeps it to one a day however many processes run the check.
import { inTransaction } from '../db/transaction.js';
import type { JobHandler } from '../jobs/jobHandlers.js';
import type { RecurringJob } from '../jobs/recurringJobs.js';
import { queueDueReminders } from './roundCommands.js';

export const roundReminderKind = 'update-round-reminders';

export const checkRoundReminders: JobHandler = async (context) => {
  await inTransaction(context.db, (trx) => queueDueReminders(trx, context.config, context.now));
};

/** On the hour, every hour: a reminder day begins at midnight in London, whatever the offset. */
export const roundReminderCheck: RecurringJob = {
  kind: roundReminderKind,
  next(after: Date): Date {
    const next = new Date(after.getTime());
    next.setUTCMinutes(0, 0, 0);
    next.setUTCHours(next.getUTCHours() + 1);
    return next;
  },
};
