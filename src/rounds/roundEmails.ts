// The e-mails of a round: the request, the automatic reminders and a manager's nudge, each listing the owner's items
// with links, and carrying the plan's marking.
import type { PlanRow, UpdateRoundRow } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import type { EmailContent } from '../mail/emailMessage.js';
import { absoluteUrl, type LinkConfig } from '../mail/links.js';
import type { RoundItem } from './roundQueries.js';

export type RoundEmailKind = 'request' | 'reminder' | 'nudge';

export interface RoundEmailInput {
  plan: Pick<PlanRow, 'slug' | 'title' | 'marking'>;
  round: Pick<UpdateRoundRow, 'meeting_name' | 'meeting_on' | 'deadline' | 'message'>;
  owner: { name: string; email: string };
  items: Pick<RoundItem, 'kind' | 'id' | 'ref' | 'title'>[];
  /** The personal link's secret, for an owner without an account while links are allowed. */
  linkSecret: string | null;
  /** True for an owner without an account when links are switched off or theirs were revoked. */
  askForAccount: boolean;
}

const subjects: Record<RoundEmailKind, (round: RoundEmailInput['round']) => string> = {
  request: (round) => `Updates requested for ${round.meeting_name} by ${formatUkDate(round.deadline)}`,
  reminder: (round) => `Reminder: updates due by ${formatUkDate(round.deadline)} for ${round.meeting_name}`,
  nudge: (round) => `Reminder: updates due by ${formatUkDate(round.deadline)} for ${round.meeting_name}`,
};

export function roundEmail(config: LinkConfig, kind: RoundEmailKind, input: RoundEmailInput): EmailContent {
  const { plan, round, owner, items, linkSecret } = input;
  const linkUrl = linkSecret ? absoluteUrl(config, `/respond/${linkSecret}`) : null;
  const itemUrl = (item: RoundEmailInput['items'][number]) =>
    linkUrl ??
    absoluteUrl(config, `/plans/${plan.slug}/${item.kind === 'action' ? 'actions' : 'themes'}/${item.id}`);
  const opening =
    kind === 'request'
      ? `Please post an update on each of the items below by ${formatUkDate(round.deadline)}, for ${round.meeting_name} on ${formatUkDate(round.meeting_on)} (${plan.title}).`
      : `We have not yet had an update on the items below, due by ${formatUkDate(round.deadline)} for ${round.meeting_name} on ${formatUkDate(round.meeting_on)} (${plan.title}).`;
  const paragraphs = [`Dear ${owner.name},`, opening];
  if (kind === 'request' && round.message.trim() !== '') paragraphs.push(round.message.trim());
  if (linkUrl)
    paragraphs.push(
      'The link below is yours alone: it lets you post updates on these items without a password until the request closes. Do not forward it.',
    );
  if (input.askForAccount)
    paragraphs.push(
      'To post updates, ask your programme manager or a Headway administrator for an account: personal links are not available for this request.',
    );
  return {
    to: owner.email,
    toName: owner.name,
    subject: subjects[kind](round),
    marking: plan.marking,
    paragraphs,
    items: items.map((item) => ({
      title: [item.ref, item.title].filter(Boolean).join(' '),
      url: itemUrl(item),
      detail: item.kind === 'theme' ? 'Focus area' : 'Action',
    })),
    ...(linkUrl
      ? { action: { label: 'Post your updates', url: linkUrl } }
      : input.askForAccount
        ? {}
        : { action: { label: 'Sign in to Headway', url: absoluteUrl(config, '/') } }),
  };
}
