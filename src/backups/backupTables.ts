// What a backup holds: the tables it copies, in the order a restore must load them, and those it leaves out, and why.
import type { Database } from '../db/schema.js';
import { searchIndexTables } from '../search/searchIndex.js';

export interface BackedUpTable {
  table: keyof Database & string;
  /** The primary key: rows are read in its order, a batch at a time, from where the last batch ended. */
  key: string[];
}

/** Parents before children, so every foreign key finds its row as the restore loads them. */
export const backedUpTables: readonly BackedUpTable[] = [
  { table: 'owners', key: ['id'] },
  { table: 'plans', key: ['id'] },
  { table: 'horizons', key: ['id'] },
  { table: 'themes', key: ['id'] },
  { table: 'actions', key: ['id'] },
  { table: 'action_owners', key: ['action_id', 'owner_id'] },
  { table: 'findings', key: ['id'] },
  { table: 'action_findings', key: ['action_id', 'finding_id'] },
  { table: 'survey_waves', key: ['id'] },
  { table: 'survey_questions', key: ['id'] },
  { table: 'survey_scores', key: ['wave_id', 'question_id'] },
  { table: 'staff_pages', key: ['id'] },
  { table: 'staff_marks', key: ['id'] },
  { table: 'staff_page_publications', key: ['id'] },
  { table: 'updates', key: ['id'] },
  { table: 'reports', key: ['id'] },
  { table: 'users', key: ['id'] },
  { table: 'plan_members', key: ['plan_id', 'user_id'] },
  { table: 'api_tokens', key: ['id'] },
  { table: 'history', key: ['id'] },
  { table: 'site_settings', key: ['name'] },
  { table: 'update_rounds', key: ['id'] },
  { table: 'update_round_owners', key: ['round_id', 'owner_id'] },
  { table: 'update_round_items', key: ['id'] },
  { table: 'personal_links', key: ['link_hash'] },
  { table: 'unsubscribe_links', key: ['token_hash'] },
];

/**
 * Left out on purpose. Each is short-lived state whose loss a restore makes harmless or desirable; a new table must be
 * added to one list or the other (a test fails until it is).
 */
export const leftOutTables: Readonly<Record<string, string>> = {
  sessions: 'signed-in browsers: after a restore everyone signs in again',
  password_links: 'one-time links to choose a password: an administrator issues new ones',
  sign_in_failures: 'failed sign-ins counted for the limits over the last 15 minutes',
  single_sign_on_requests: 'single sign-ons begun and not finished, valid for 10 minutes',
  pending_imports: 'uploaded files waiting in the import review, kept for a day',
  personal_link_attempts: 'requests through personal links counted for their limits over the last hour',
  jobs: 'e-mail and reminders queued or sent: a restore must not send again what went before, and scheduled work is derived again from the plans and rounds',
  action_states:
    "each action's status, RAG and dates after each change, derived from the history: a restore rebuilds it",
  history_spans:
    'when each row of history of a plan was superseded, derived from the history: a restore rebuilds it',
  trend_points:
    "each plan's trend at past months' ends, counted from the actions' states and kept: counted again when next shown",
  ...Object.fromEntries(
    searchIndexTables.map((table) => [
      table,
      'the search index, derived from the plans: a restore rebuilds it',
    ]),
  ),
};
