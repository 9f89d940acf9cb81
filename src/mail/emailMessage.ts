// One shape for every e-mail Headway sends, so that each has a plain-text and an HTML part, the plan's protective
// marking at the top of both and in the subject, and, when it is optional, a way to stop it.
import { escapeHtml } from '../import/read/xml.js';
import { enqueueJob } from '../jobs/enqueueJob.js';
import type { Trx } from '../history/recordChange.js';

/** What a message says, before it is laid out. Text is plain: it is escaped for the HTML part. */
export interface EmailContent {
  to: string;
  toName?: string;
  /** The subject without the marking: composeEmail puts the marking in front. */
  subject: string;
  /** The plan's protective marking ("OFFICIAL-SENSITIVE"); empty when the message concerns no marked plan. */
  marking: string;
  /** Paragraphs of plain text, in order. */
  paragraphs: string[];
  /** Items listed after the paragraphs, each with a link (absolute) and a line of detail. */
  items?: EmailItem[];
  /** Items in groups under headings ("Overdue", "Due in the next 14 days"), after the items; empty groups left out. */
  groups?: { heading: string; items: EmailItem[] }[];
  /** The one thing to do, shown as a button in HTML and as a line in text. */
  action?: { label: string; url: string };
  /** Present on optional messages (digests, notifications): where to stop receiving them. */
  unsubscribeUrl?: string;
}

export interface EmailItem {
  title: string;
  url: string;
  detail?: string;
}

/** The message as sent: both parts laid out. */
export interface EmailMessage {
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html: string;
  /** Sent as List-Unsubscribe when present. */
  unsubscribeUrl?: string;
}

/** Lays a message out as text and HTML, with the marking at the top of both and in the subject. */
export function composeEmail(content: EmailContent): EmailMessage {
  const marking = content.marking.trim();
  const subject = marking ? `[${marking}] ${content.subject}` : content.subject;
  const text: string[] = [];
  const html: string[] = [];
  if (marking) {
    text.push(marking, '');
    html.push(`<p style="font-weight:bold;text-align:center;margin:0 0 16px">${escapeHtml(marking)}</p>`);
  }
  for (const paragraph of content.paragraphs) {
    text.push(paragraph, '');
    html.push(`<p>${escapeHtml(paragraph)}</p>`);
  }
  const list = (items: EmailItem[]) => {
    html.push('<ul>');
    for (const item of items) {
      text.push(`- ${item.title}${item.detail ? ` (${item.detail})` : ''}`, `  ${item.url}`);
      html.push(
        `<li><a href="${escapeHtml(item.url)}">${escapeHtml(item.title)}</a>` +
          (item.detail ? `<br>${escapeHtml(item.detail)}` : '') +
          '</li>',
      );
    }
    html.push('</ul>');
    text.push('');
  };
  if (content.items?.length) list(content.items);
  for (const group of content.groups ?? []) {
    if (group.items.length === 0) continue;
    text.push(group.heading, '-'.repeat(group.heading.length));
    html.push(`<h2 style="font-size:19px;margin:24px 0 8px">${escapeHtml(group.heading)}</h2>`);
    list(group.items);
  }
  if (content.action) {
    text.push(`${content.action.label}: ${content.action.url}`, '');
    html.push(
      `<p><a href="${escapeHtml(content.action.url)}"><strong>${escapeHtml(content.action.label)}</strong></a></p>`,
    );
  }
  if (content.unsubscribeUrl) {
    text.push(`To stop these e-mails: ${content.unsubscribeUrl}`, '');
    html.push(`<p><a href="${escapeHtml(content.unsubscribeUrl)}">Stop these e-mails</a></p>`);
  }
  if (marking) {
    text.push(marking);
    html.push(`<p style="font-weight:bold;text-align:center;margin:16px 0 0">${escapeHtml(marking)}</p>`);
  }
  return {
    to: content.to,
    ...(content.toName ? { toName: content.toName } : {}),
    subject,
    text: text.join('\n').trimEnd() + '\n',
    html: `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.4">${html.join('\n')}</body></html>`,
    ...(content.unsubscribeUrl ? { unsubscribeUrl: content.unsubscribeUrl } : {}),
  };
}

/**
 * Queues an e-mail in the caller's transaction (job kind 'email'): it is sent if and only if the change that asked
 * for it is saved, and once, however many processes run.
 */
export async function queueEmail(
  trx: Trx,
  content: EmailContent,
  options: { uniqueKey?: string; runAt?: string; planId?: string | null } = {},
): Promise<string> {
  return enqueueJob(trx, { kind: 'email', payload: composeEmail(content), ...options });
}
