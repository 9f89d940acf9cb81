// Which code does each kind of job. A handler is given the job's payload and does the work once; it throws to have the
// job tried again later (with back-off), and the worker marks the job failed after its last try.
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { sendEmailJob } from '../mail/sendEmail.js';
import { checkRoundReminders, roundReminderKind } from '../rounds/roundReminders.js';
import { changeNoticeJobKind, sendChangeNotices } from '../notifications/changeNotices.js';
import { digestJobKind, sendWeeklyDigests } from '../notifications/weeklyDigest.js';

export interface JobContext {
  db: Db;
  config: Config;
  /** The moment the worker took the job: handlers use it, not the clock, so that tests control time. */
  now: Date;
  /** The job's own id and how many tries it has had, this one included. */
  job: { id: string; attempts: number };
}

export type JobHandler = (context: JobContext, payload: unknown) => Promise<void>;

/** Every kind of job this Headway knows; a job of a kind not listed fails with that reason. */
export const jobHandlers: Record<string, JobHandler> = {
  email: sendEmailJob,
  [roundReminderKind]: checkRoundReminders,
  [digestJobKind]: sendWeeklyDigests,
  [changeNoticeJobKind]: sendChangeNotices,
};
