// The tables as Kysely sees them: one interface per table, shared by SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

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
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OwnerTable {
  id: string;
  name: string;
  name_key: string;
  kind: OwnerKind;
  email: string;
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
  record_type: 'plan' | 'horizon' | 'theme' | 'action' | 'update' | 'owner' | 'report';
  record_id: string;
  plan_id: string | null;
  change: 'create' | 'update' | 'delete';
  before_json: string | null;
  after_json: string | null;
  /** Where the change came from besides the person, e.g. "import: staff-survey.docx"; '' for the pages and API. */
  source: Generated<string>;
}

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
  created_at: string;
}

export interface Database {
  plans: PlanTable;
  horizons: HorizonTable;
  themes: ThemeTable;
  actions: ActionTable;
  owners: OwnerTable;
  action_owners: ActionOwnerTable;
  updates: UpdateTable;
  history: HistoryTable;
  reports: ReportTable;
  pending_imports: PendingImportTable;
}

export type PlanRow = Selectable<PlanTable>;
export type HorizonRow = Selectable<HorizonTable>;
export type ThemeRow = Selectable<ThemeTable>;
export type ActionRow = Selectable<ActionTable>;
export type OwnerRow = Selectable<OwnerTable>;
export type ActionOwnerRow = Selectable<ActionOwnerTable>;
export type UpdateRow = Selectable<UpdateTable>;
export type HistoryRow = Selectable<HistoryTable>;
export type ReportRow = Selectable<ReportTable>;
export type PendingImportRow = Selectable<PendingImportTable>;
export type NewAction = Insertable<ActionTable>;
export type ActionPatch = Updateable<ActionTable>;
