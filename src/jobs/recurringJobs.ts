// Work that comes round again (the weekly digest, the check for reminders due). The worker keeps the next occurrence of
// each queued under the unique key `${kind}:${at}`, so however many processes run, each occurrence is one job.
import { roundReminderCheck } from '../rounds/roundReminders.js';
import { weeklyDigestJob } from '../notifications/weeklyDigest.js';

export interface RecurringJob {
  /** The job kind queued at each occurrence (a handler in src/jobs/jobHandlers.ts). */
  kind: string;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
}

export const recurringJobs: RecurringJob[] = [roundReminderCheck, weeklyDigestJob];
