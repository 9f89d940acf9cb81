// Confirmation messages shown after a redirect; the URL carries a key, never the text, so links cannot put words on the page.
import { describeChanges } from '../import/importFile.js';
import type { SaveCounts } from '../import/savePlanDraft.js';

const notices: Record<string, string> = {
  'plan-saved': 'Plan saved',
  'plan-deleted': 'Plan deleted',
  'theme-saved': 'Theme saved',
  'theme-deleted': 'Theme deleted; its actions are kept under "No theme"',
  'action-saved': 'Action saved',
  'action-deleted': 'Action deleted',
  'finding-saved': 'Finding saved',
  'finding-deleted': 'Finding deleted; the actions that answered it are kept',
  'survey-saved': 'Survey saved',
  'survey-deleted': 'Survey deleted, with its scores',
  'score-saved': 'Score saved',
  'question-saved': 'Focus area saved',
  'staff-entry-saved': 'Staff page entry saved: publish the staff page for staff to see it',
  'staff-intro-saved': 'Introduction saved: publish the staff page for staff to see it',
  'staff-readers-saved': 'Who can read the staff page saved',
  'staff-page-published': 'Staff page published',
  'update-posted': 'Update posted',
  'update-saved': 'Update saved',
  'update-deleted': 'Update deleted',
  'owner-saved': 'Owner saved',
  'owner-deleted': 'Owner deleted',
  'owner-merged': 'Owners merged: every action and theme of the one merged is now here',
  moved: 'Order changed',
  'signed-out': 'You have signed out',
  'token-revoked': 'API token revoked',
  'email-settings-saved': 'E-mail settings saved',
  'password-changed': 'Password changed; you have been signed out everywhere else',
  'user-saved': 'User saved',
  'members-saved': 'People and roles saved',
  'statement-saved': 'Accessibility statement saved',
  'no-changes': 'Nothing was changed, so nothing was saved',
  'message-retried': 'Message queued to be sent again',
  'round-started': 'Update request started: the e-mails to owners are queued',
  'round-closed': 'Update request closed: its personal links no longer work',
  'reminder-queued': 'Reminder queued',
  'links-revoked': 'Personal link revoked',
  'links-setting-saved': 'Personal links setting saved',
};

const reportStates: SaveCounts['report'][] = ['none', 'unchanged', 'created', 'changed'];

/**
 * Notices that say how many: the key is a name followed by numbers only ("imported.14.0.4.0.5.0.1"), so a link
 * can change a count but still cannot put words on the page.
 */
const countedNotices: Record<string, (numbers: number[]) => string | undefined> = {
  imported(numbers) {
    const report = reportStates[numbers[5] ?? -1];
    if (numbers.length !== 9 || !report) return undefined;
    const [actionsAdded, actionsChanged, themesAdded, themesChanged, updatesAdded] = numbers as [
      number,
      number,
      number,
      number,
      number,
    ];
    const [findingsAdded, findingLinksAdded] = numbers.slice(7) as [number, number];
    const counts = {
      actionsAdded,
      actionsChanged,
      themesAdded,
      themesChanged,
      updatesAdded,
      findingsAdded,
      findingLinksAdded,
      report,
    };
    return describeChanges(counts, numbers[6] === 1);
  },
};

/** The notice key for what an import changed: read back by noticeText as "Imported: 14 actions added, ...". */
export function importedNotice(counts: SaveCounts, created: boolean): string {
  const numbers = [
    counts.actionsAdded,
    counts.actionsChanged,
    counts.themesAdded,
    counts.themesChanged,
    counts.updatesAdded,
    reportStates.indexOf(counts.report),
    created ? 1 : 0,
    counts.findingsAdded,
    counts.findingLinksAdded,
  ];
  return ['imported', ...numbers].join('.');
}

function countedNoticeText(key: string): string | undefined {
  const [name, ...rest] = key.split('.');
  const format = name !== undefined && Object.hasOwn(countedNotices, name) ? countedNotices[name] : undefined;
  if (!format || rest.length === 0 || rest.some((part) => !/^\d{1,7}$/.test(part))) return undefined;
  return format(rest.map(Number));
}

export function noticeText(key: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  return Object.hasOwn(notices, key) ? notices[key] : countedNoticeText(key);
}

export function withNotice(path: string, key: keyof typeof notices | string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${key}`;
}
