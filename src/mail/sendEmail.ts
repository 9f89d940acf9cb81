// Sends a composed message over SMTP (HEADWAY_SMTP_URL) with nodemailer: the 'email' job's handler, and the one
// message `headway send-test-email` sends.
import type { Config, MailConfig } from '../config.js';
import type { JobContext } from '../jobs/jobHandlers.js';
import { PermanentJobError } from '../jobs/jobErrors.js';
import type { EmailMessage } from './emailMessage.js';

/** What the server said when it took the message. */
export interface SentReceipt {
  messageId: string;
  /** The server's own words, e.g. "250 2.0.0 Ok: queued as 4F2A1". */
  response: string;
}

/** Why e-mail cannot be sent, in words for a page or the command line; undefined when it is set up. */
export function mailNotSetUpReason(config: Config): string | undefined {
  return config.mail
    ? undefined
    : 'E-mail is not set up: Headway keeps each message in the outbox, unsent, until an administrator sets ' +
        'HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM and restarts it.';
}

/** For pages that would send e-mail: `mail.setUp`, and the sentence to show when it is not. */
export function mailSetUp(config: Config): { setUp: boolean; reason: string | undefined } {
  const reason = mailNotSetUpReason(config);
  return { setUp: reason === undefined, reason };
}

/**
 * A Message-ID made from the job's id, so that a message sent again after a lost acknowledgement carries the same
 * one and the recipient's mail program can see it is the same message.
 */
export function messageIdFor(jobId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'headway.invalid';
  return `<headway-${jobId}@${domain}>`;
}

/** Throws PermanentJobError when the server refuses for good (a 5xx reply): trying again would not help. */
export async function deliverEmail(
  mail: MailConfig,
  message: EmailMessage,
  messageId: string,
): Promise<SentReceipt> {
  // Loaded at the first message: a server whose outbox is empty never needs it.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    url: mail.smtpUrl,
    // A send that hangs must fail in the end; the job's lease is kept alive meanwhile (src/jobs/worker.ts).
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: message.toName ? { name: message.toName, address: message.to } : message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId,
      ...(message.unsubscribeUrl ? { list: { unsubscribe: message.unsubscribeUrl } } : {}),
    });
    return { messageId, response: String(info.response ?? '') };
  } catch (error) {
    const failure = error as Error & { response?: string; responseCode?: number; code?: string };
    const reason = failure.response?.trim() || failure.message;
    if (failure.responseCode !== undefined && failure.responseCode >= 500)
      throw new PermanentJobError(`The mail server refused the message: ${reason}`);
    throw new Error(`The message could not be sent: ${reason}`, { cause: error });
  } finally {
    transport.close();
  }
}

/** The 'email' job: sends the composed message in its payload once the server acknowledges it. */
export async function sendEmailJob(context: JobContext, payload: unknown): Promise<void> {
  const mail = context.config.mail;
  // The worker does not claim e-mail while it is not set up; this guards a setting changed under a running job.
  if (!mail) throw new Error(mailNotSetUpReason(context.config));
  const message = payload as EmailMessage;
  await deliverEmail(mail, message, messageIdFor(context.job.id, mail.from));
}
