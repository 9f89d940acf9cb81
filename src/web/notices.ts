// Confirmation messages shown after a redirect; the URL carries a key, never the text, so links cannot put words on the page.
const notices: Record<string, string> = {
  'plan-saved': 'Plan saved',
  'plan-deleted': 'Plan deleted',
  'theme-saved': 'Theme saved',
  'theme-deleted': 'Theme deleted; its actions are kept under "No theme"',
  'action-saved': 'Action saved',
  'action-deleted': 'Action deleted',
  'update-posted': 'Update posted',
  'update-saved': 'Update saved',
  'update-deleted': 'Update deleted',
  'owner-saved': 'Owner saved',
  'owner-deleted': 'Owner deleted',
  moved: 'Order changed',
  imported: 'Import saved: the plan now holds what the file says',
  'import-unchanged': 'Nothing changed: the plan already has everything in this file',
};

export function noticeText(key: unknown): string | undefined {
  return typeof key === 'string' ? notices[key] : undefined;
}

export function withNotice(path: string, key: keyof typeof notices | string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${key}`;
}
