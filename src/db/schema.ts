// The tables as Kysely sees them: one interface per table, shared by SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ActionSearchTable } from '../search/searchIndex.js';

export type Status = 'not_started' | 'in_progress' | 'ongoing' | 'complete' | 'cancelled';
export type Rag = 'red' | 'amber' | 'green';
export type OwnerKind = 'person' | 'team';
export type TargetDateKindColumn =
  'date' | 'ongoing' | 'not_applicable' | 'complete' | 'to_be_confirmed' | 'unparsed' | 'none';

export interface PlanTable {
  id: string;
  slug: string;
  title: string;
  source: string;
  sponsor: string;
  marking: string;
  rag: Rag | null;
  rag_note: string;
  summary: string;
  version: number;
  /** Moved by every change to the plan or anything in it, in the change's transaction: what cached responses key on. */
  content_version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface HorizonTable {
  id: string;
  plan_id: string;
  name: string;
  position: number;
}

export interface ThemeTable {
  id: string;
  plan_id: string;
  title: string;
  lead_owner_id: string | null;
  status: Status | null;
  rag: Rag | null;
  progress: string;
  future_actions: string;
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ActionTable {
  id: string;
  plan_id: string;
  theme_id: string | null;
  horizon_id: string | null;
  ref: string;
  title: string;
  description: string;
  status: Status;
  rag: Rag | null;
  rag_reason: string;
  progress: string;
  future_actions: string;
  target_text: string;
  target_kind: TargetDateKindColumn;
  target_start: string | null;
  target_end: string | null;
  revised_target_text: string;
  revised_target_kind: TargetDateKindColumn;
  revised_target_start: string | null;
  revised_target_end: string | null;
  revised_reason: string;
  completed_on: string | null;
  /** How far through the action is, 0 to 100; null when nobody has said. */
  percent_complete: number | null;
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** What a finding is, in the words of the body that made it. */
export type FindingKind =
  'recommendation' | 'area_for_improvement' | 'survey_finding' | 'focus_group_theme' | 'other';

/** An item of the source a plan answers: a review's recommendation, an inspection's area for improvement, …. */
export interface FindingTable {
  id: string;
  plan_id: string;
  /** The source's own number for it, e.g. "R3" or "AFI 2". */
  reference: string;
  text: string;
  kind: FindingKind;
  /** The document it comes from, e.g. "HMICFRS inspection report". */
  source_document: string;
  /** The document's date, ISO; null when not known. */
  source_date: string | null;
  /** The source's own priority for it ("High", "Must do"), in its words; null when it gives none. */
  priority: string | null;
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** An action answering a finding: an action may answer several, and a finding be answered by several. */
export interface ActionFindingTable {
  action_id: string;
  finding_id: string;
}

export interface OwnerTable {
  id: string;
  name: string;
  name_key: string;
  kind: OwnerKind;
  email: string;
  version: number;
  created_at: string;
}

export interface ActionOwnerTable {
  action_id: string;
  owner_id: string;
  position: number;
}

export interface UpdateTable {
  id: string;
  plan_id: string;
  action_id: string | null;
  theme_id: string | null;
  effective_on: string;
  author: string;
  body: string;
  status_change: Status | null;
  version: number;
  created_at: string;
}

export interface HistoryTable {
  id: Generated<number>;
  at: string;
  actor: string;
  /** The signed-in user who made the change, when there was one (null for the CLI and the demo loader). */
  actor_id: string | null;
  record_type:
    | 'plan'
    | 'horizon'
    | 'theme'
    | 'action'
    | 'update'
    | 'owner'
    | 'report'
    | 'user'
    | 'plan_member'
    | 'api_token'
    | 'site_setting'
    | 'update_round'
    | 'finding'
    /** An action answering a finding, or no longer: record_id is the finding's, subject_id the action's. */
    | 'action_finding'
    /** A staff survey's wave, with its scores (src/surveys/). */
    | 'survey_wave'
    /** A survey question, and the focus area it measures. */
    | 'survey_question'
    /** A plan's staff page: its settings, and each publication (src/staff/). */
    | 'staff_page'
    /** A finding or action chosen for the staff page, with its words for staff. */
    | 'staff_mark';
  record_id: string;
  plan_id: string | null;
  /** What happened; the security events (sign-in, tokens, roles) have their own words so an administrator can find them. */
  change: HistoryChange;
  before_json: string | null;
  after_json: string | null;
  /** Where the change came from besides the person, e.g. "import: staff-survey.docx"; '' for the pages and API. */
  source: Generated<string>;
  /**
   * The action, theme or finding the row belongs to: its own id, for an update the action or theme it is on, for an
   * action answering a finding the action; else null.
   */
  subject_id: string | null;
}

export type HistoryChange =
  'create' | 'update' | 'delete' | 'sign-in' | 'sign-in-failed' | 'sign-out' | 'role-change' | 'token-use';

export type ReportStatus = 'draft' | 'published' | 'superseded';

export interface ReportTable {
  id: string;
  plan_id: string;
  status: ReportStatus;
  period_text: string;
  period_start: string | null;
  period_end: string | null;
  overall_status: string;
  rag: Rag | null;
  /** The narrative sections as JSON: { summary, progress, governance, communication, issues, risks, nextSteps } of HTML. */
  sections_json: string;
  version: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  /** The report model as published (src/reports/reportModel.ts), frozen; null while a draft. */
  snapshot_json: string | null;
  /** The published report this one corrects. */
  replaces_id: string | null;
  /** 1 for a period's first report, 2 for its first correction, and so on. */
  edition: number;
}

export interface PendingImportTable {
  id: string;
  file_name: string;
  content_base64: string;
  byte_size: number;
  sheet: string | null;
  /** Column mappings chosen by hand, by normalised header text. */
  columns_json: string;
  actor: string;
  /** The user who uploaded the file: only they can review, save or cancel it. */
  user_id: string | null;
  created_at: string;
}

/** Administrator: everything. Plan manager: may create plans (and manages those it is given). Others: only what plans give them. */
/** staff: reads only the staff pages ("You said, we did") that are open to anyone signed in. */
export type UserRole = 'admin' | 'manager' | 'contributor' | 'viewer' | 'staff';
/** What a user may do in one plan. */
export type PlanRole = 'manager' | 'contributor' | 'viewer';

export interface UserTable {
  id: string;
  /** Lower-cased; sign-in and single sign-on match on it. */
  email: string;
  name: string;
  /** argon2id; null for a user who signs in only through single sign-on or has not set one yet. */
  password_hash: string | null;
  role: UserRole;
  /** The person or team in the owners directory that this user is, so "my actions" and owner rights follow. */
  owner_id: string | null;
  disabled_at: string | null;
  /** The weekly digest of their items due and overdue, on Monday morning: 'weekly', or 'none'. */
  digest: DigestChoice;
  /** Whether they are told by e-mail when someone else changes the status, date or owner of their items. */
  change_notices: 'on' | 'off';
  version: number;
  created_at: string;
  updated_at: string;
}

export type DigestChoice = 'weekly' | 'none';

/** What an unsubscribe link switches off: the weekly digest, or the e-mails about changes to one's items. */
export type MailTopic = 'digest' | 'changes';

/** A link in an optional e-mail that switches that kind of e-mail off without signing in. */
export interface UnsubscribeLinkTable {
  /** SHA-256 of the link's secret: the secret is in the e-mail only. */
  token_hash: string;
  user_id: string;
  topic: MailTopic;
  created_at: string;
}

export interface PlanMemberTable {
  plan_id: string;
  user_id: string;
  role: PlanRole;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie's value: the database never holds a usable session id. */
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, however active the session. */
  expires_at: string;
  address: string;
}

export type TokenAccess = 'read' | 'write';

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token: it is shown once and never stored. */
  token_hash: string;
  access: TokenAccess;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInFailureTable {
  id: Generated<number>;
  at: string;
  /** The e-mail address tried, lower-cased, and where from: the two things sign-in limits count by. */
  email: string;
  address: string;
}

export interface PasswordLinkTable {
  /** SHA-256 of the link's secret part. */
  token_hash: string;
  /** Null for the link that creates the first administrator on a fresh install. */
  user_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A single sign-on begun in a browser and not yet finished: what the provider's answer is checked against. */
export interface SingleSignOnRequestTable {
  /** SHA-256 of the short-lived cookie that ties the request to the browser that began it. */
  id_hash: string;
  state: string;
  nonce: string;
  /** The PKCE code verifier: only its S256 challenge went to the provider. */
  code_verifier: string;
  return_to: string;
  created_at: string;
  expires_at: string;
}

/** A text of the service itself that an administrator edits, such as the accessibility statement. */
export interface SiteSettingTable {
  name: string;
  value: string;
  version: number;
  updated_at: string;
  /** Who saved it last, as history names them. */
  updated_by: string;
}

/** One piece of work done outside a request (src/jobs/): an e-mail to send, a reminder or digest to prepare. */
export interface JobTable {
  id: string;
  /** Which handler does it (src/jobs/jobHandlers.ts): 'email', …. */
  kind: string;
  payload_json: string;
  /** Work that must happen once however often it is asked for names itself here; null otherwise. */
  unique_key: string | null;
  /** queued: waiting for run_at; running: leased until lease_until; done; failed: gave up after max_attempts; cancelled. */
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  run_at: string;
  attempts: Generated<number>;
  max_attempts: number;
  lease_until: string | null;
  /** Which process holds the lease, for the outbox and the logs. */
  leased_by: string | null;
  /** The last failure in words, e.g. the SMTP server's reply. */
  last_error: string | null;
  /** The plan it concerns, if any, so that a plan's rounds and the outbox can be filtered by plan. */
  plan_id: string | null;
  created_at: string;
  finished_at: string | null;
}

/** An update request before a board or meeting (src/rounds/): owners are asked for updates on their items by a deadline. */
export interface UpdateRoundTable {
  id: string;
  plan_id: string;
  /** The board or meeting the updates are for, e.g. "Fire Authority, December". */
  meeting_name: string;
  meeting_on: string;
  /** The last day for updates, ISO. */
  deadline: string;
  message: string;
  /** Days before the deadline on which the not-yet-updated are reminded, as JSON, e.g. [3,0] (0: on the day). */
  reminder_days: string;
  state: 'open' | 'closed';
  started_at: string;
  started_by: string;
  closed_at: string | null;
  version: number;
}

/** One owner asked in a round: the address they were e-mailed at, whether their links are revoked, their last reminder. */
export interface UpdateRoundOwnerTable {
  round_id: string;
  owner_id: string;
  /** The address the request went to; '' when the owner had none (they "cannot be e-mailed"). */
  email: string;
  /** When a manager revoked this owner's personal links in the round: none works again, none is sent again. */
  links_revoked_at: string | null;
  last_reminded_at: string | null;
  /** 'automatic' for the scheduled reminders, else the name of who nudged. */
  last_reminded_by: string | null;
}

/** A personal link sent to an owner without an account: only the SHA-256 of its secret is kept. */
export interface PersonalLinkTable {
  link_hash: string;
  round_id: string;
  owner_id: string;
  created_at: string;
  expires_at: string;
}

/** An action or focus area asked about in a round, and whose answer it awaits (null: it has no owner). */
export interface UpdateRoundItemTable {
  id: string;
  round_id: string;
  owner_id: string | null;
  action_id: string | null;
  theme_id: string | null;
}

/** A request through a personal link that counts towards its limits: a post, or a link that named nothing valid. */
export interface PersonalLinkAttemptTable {
  id: Generated<number>;
  at: string;
  address: string;
  link_hash: string | null;
  outcome: 'post' | 'invalid';
}

/** One running of a staff survey (src/surveys/): "Staff survey 2023", held on a date, with how many answered. */
export interface SurveyWaveTable {
  id: string;
  plan_id: string;
  name: string;
  /** ISO date the survey closed, or ran. */
  held_on: string;
  responses: number | null;
  /** Per cent of those asked who answered, 0–100. */
  response_rate: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A question or driver the plan's surveys ask, across waves, and the focus area it measures. */
export interface SurveyQuestionTable {
  id: string;
  plan_id: string;
  text: string;
  /** The survey's own grouping, e.g. "Leadership"; '' when it has none. */
  driver: string;
  theme_id: string | null;
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A question's score in one wave: per cent positive (0–100), with its responses and a comparator where given. */
export interface SurveyScoreTable {
  wave_id: string;
  question_id: string;
  score: number;
  responses: number | null;
  comparator: number | null;
}

/** An action as one change left it (src/history/actionStates.ts): derived from the history, for the dashboard. */
export interface ActionStateTable {
  id: Generated<number>;
  action_id: string;
  plan_id: string;
  at: string;
  /** 1 where the change deleted the action. */
  deleted: number;
  status: string;
  rag: string | null;
  target_text: string;
  target_kind: string;
  target_end: string | null;
  revised_text: string;
  revised_kind: string;
  revised_end: string | null;
  /** When the action's next state followed this one; null while this one stands. */
  superseded_at: string | null;
}

/**
 * A row of history of a record a plan as at a date is rebuilt from, and the moment the record's next row superseded it
 * (src/history/historySpans.ts): derived from the history, so the rows standing at a moment are found without reading
 * every row before it.
 */
export interface HistorySpanTable {
  history_id: number;
  plan_id: string | null;
  record_type: string;
  record_id: string;
  at: string;
  /** The `at` of the record's next row of history; null while this row is its last. */
  superseded_at: string | null;
}

/**
 * A plan's trend at the end of a past day, counted once from the actions' states and kept (src/dashboard/
 * dashboardTrend.ts): derived, and checked against the states written since before it is used.
 */
export interface TrendPointTable {
  plan_id: string;
  on_day: string;
  complete: number;
  in_progress: number;
  overdue: number;
  /** The last state of the plan's actions there was when it was counted: a later one dated by then makes it stale. */
  upto_state_id: number;
}

/** Who may read a plan's staff page: the plan's own readers, anyone signed in (staff accounts too), or anyone. */
export type StaffPageReaders = 'plan' | 'signed-in' | 'public';

/** A plan's staff page, "You said, we did" (src/staff/): its opening words and who may read it once published. */
export interface StaffPageTable {
  id: string;
  plan_id: string;
  intro: string;
  readers: StaffPageReaders;
  /** The secret part of the page's public address, /you-said-we-did/KEY: a plan's slug is not enough to find it. */
  public_key: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * A finding or an action chosen for the staff page, in the words a manager writes for staff: nothing appears there
 * without one, and taking it off keeps the words (shown = 0) so they are not lost.
 */
export interface StaffMarkTable {
  id: string;
  plan_id: string;
  /** Exactly one of the two is set. */
  finding_id: string | null;
  action_id: string | null;
  /** 1 when it is on the staff page. */
  shown: number;
  /** For a finding, what staff said; for an action, what was done. */
  summary: string;
  /** The focus area it is shown under: for a finding, none when null; for an action, its own when null. */
  theme_id: string | null;
  /** For an action: 1 to name its owners, 1 to show its latest update. */
  show_owners: number;
  show_update: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The staff page as published: what staff read, frozen until the next publication. */
export interface StaffPagePublicationTable {
  id: string;
  plan_id: string;
  published_at: string;
  published_by: string;
  /** The page's content as JSON (src/staff/staffPageContent.ts's StaffPageContent). */
  content_json: string;
}

export interface Database {
  staff_pages: StaffPageTable;
  staff_marks: StaffMarkTable;
  staff_page_publications: StaffPagePublicationTable;
  plans: PlanTable;
  horizons: HorizonTable;
  themes: ThemeTable;
  actions: ActionTable;
  owners: OwnerTable;
  action_owners: ActionOwnerTable;
  findings: FindingTable;
  action_findings: ActionFindingTable;
  survey_waves: SurveyWaveTable;
  survey_questions: SurveyQuestionTable;
  survey_scores: SurveyScoreTable;
  updates: UpdateTable;
  history: HistoryTable;
  action_states: ActionStateTable;
  history_spans: HistorySpanTable;
  trend_points: TrendPointTable;
  reports: ReportTable;
  pending_imports: PendingImportTable;
  users: UserTable;
  plan_members: PlanMemberTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  sign_in_failures: SignInFailureTable;
  password_links: PasswordLinkTable;
  single_sign_on_requests: SingleSignOnRequestTable;
  site_settings: SiteSettingTable;
  jobs: JobTable;
  update_rounds: UpdateRoundTable;
  update_round_owners: UpdateRoundOwnerTable;
  update_round_items: UpdateRoundItemTable;
  personal_links: PersonalLinkTable;
  personal_link_attempts: PersonalLinkAttemptTable;
  unsubscribe_links: UnsubscribeLinkTable;
  /** Derived from the plans: the search index (src/search/searchIndex.ts). */
  action_search: ActionSearchTable;
}

export type PlanRow = Selectable<PlanTable>;
export type HorizonRow = Selectable<HorizonTable>;
export type ThemeRow = Selectable<ThemeTable>;
export type ActionRow = Selectable<ActionTable>;
export type OwnerRow = Selectable<OwnerTable>;
export type FindingRow = Selectable<FindingTable>;
export type SurveyWaveRow = Selectable<SurveyWaveTable>;
export type SurveyQuestionRow = Selectable<SurveyQuestionTable>;
export type SurveyScoreRow = Selectable<SurveyScoreTable>;
export type ActionOwnerRow = Selectable<ActionOwnerTable>;
export type UpdateRow = Selectable<UpdateTable>;
export type HistoryRow = Selectable<HistoryTable>;
export type ReportRow = Selectable<ReportTable>;
export type PendingImportRow = Selectable<PendingImportTable>;
export type UserRow = Selectable<UserTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type NewAction = Insertable<ActionTable>;
export type ActionPatch = Updateable<ActionTable>;
export type UpdateRoundRow = Selectable<UpdateRoundTable>;
export type UpdateRoundOwnerRow = Selectable<UpdateRoundOwnerTable>;
export type StaffPageRow = Selectable<StaffPageTable>;
export type StaffMarkRow = Selectable<StaffMarkTable>;
