// Shapes what the API and the export return: named for users, never raw database rows.
import type { HorizonRow, OwnerRow, PlanRow, UpdateRow } from '../db/schema.js';
import { isOverdue } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import type { ActionWithOwnerNames, PlanContents, ThemeWithLead } from './planContents.js';

export function presentPlan(plan: PlanRow) {
  return {
    id: plan.id,
    slug: plan.slug,
    title: plan.title,
    source: plan.source,
    sponsor: plan.sponsor,
    marking: plan.marking,
    rag: plan.rag,
    ragNote: plan.rag_note,
    summary: plan.summary,
    version: plan.version,
    createdAt: plan.created_at,
    updatedAt: plan.updated_at,
  };
}

export function presentHorizon(horizon: HorizonRow) {
  return { id: horizon.id, name: horizon.name, position: horizon.position };
}

export function presentOwner(owner: OwnerRow) {
  return { id: owner.id, name: owner.name, kind: owner.kind, email: owner.email };
}

export function presentUpdate(update: UpdateRow) {
  return {
    id: update.id,
    actionId: update.action_id,
    themeId: update.theme_id,
    effectiveOn: update.effective_on,
    author: update.author,
    body: update.body,
    statusChange: update.status_change,
    version: update.version,
    createdAt: update.created_at,
  };
}

export function presentTheme(theme: ThemeWithLead) {
  return {
    id: theme.id,
    title: theme.title,
    lead: theme.lead,
    status: theme.status,
    rag: theme.rag,
    progress: theme.progress,
    futureActions: theme.future_actions,
    position: theme.position,
    version: theme.version,
  };
}

export function presentAction(action: ActionWithOwnerNames, today = todayIso()) {
  return {
    id: action.id,
    ref: action.ref,
    title: action.title,
    description: action.description,
    owners: action.owners,
    themeId: action.theme_id,
    horizonId: action.horizon_id,
    status: action.status,
    rag: action.rag,
    ragReason: action.rag_reason,
    progress: action.progress,
    futureActions: action.future_actions,
    targetDate: {
      text: action.target_text,
      kind: action.target_kind,
      start: action.target_start,
      end: action.target_end,
    },
    revisedTargetDate: {
      text: action.revised_target_text,
      kind: action.revised_target_kind,
      start: action.revised_target_start,
      end: action.revised_target_end,
    },
    revisedReason: action.revised_reason,
    completedOn: action.completed_on,
    percentComplete: action.percent_complete,
    overdue: isOverdue(effectiveTarget(action), action.status, today),
    position: action.position,
    version: action.version,
    createdAt: action.created_at,
    updatedAt: action.updated_at,
  };
}

/** The date an action is now held to: the revised one where the date has moved. */
export function effectiveTarget(
  action: Pick<
    ActionWithOwnerNames,
    | 'target_kind'
    | 'target_start'
    | 'target_end'
    | 'revised_target_text'
    | 'revised_target_kind'
    | 'revised_target_start'
    | 'revised_target_end'
  >,
) {
  return action.revised_target_text !== ''
    ? { kind: action.revised_target_kind, start: action.revised_target_start, end: action.revised_target_end }
    : { kind: action.target_kind, start: action.target_start, end: action.target_end };
}

export const interchangeFormat = 'headway.plan';
export const interchangeVersion = 1;

/**
 * The whole plan in the interchange shape (documented in docs/interchange.md and the OpenAPI document):
 * every theme with its updates, every action with its owners and updates, and the owners they name.
 */
export function presentPlanExport(
  contents: PlanContents,
  exportedAt = new Date().toISOString(),
  /** The day overdue is judged by: today, or the day of the moment a plan as it stood is shown at. */
  today = todayIso(),
) {
  const updatesByAction = new Map<string, UpdateRow[]>();
  const updatesByTheme = new Map<string, UpdateRow[]>();
  for (const update of contents.updates) {
    const [map, key] = update.action_id
      ? [updatesByAction, update.action_id]
      : [updatesByTheme, update.theme_id ?? ''];
    const list = map.get(key) ?? [];
    list.push(update);
    map.set(key, list);
  }
  return {
    format: interchangeFormat,
    formatVersion: interchangeVersion,
    exportedAt,
    plan: presentPlan(contents.plan),
    horizons: contents.horizons.map(presentHorizon),
    owners: contents.owners.map(presentOwner),
    themes: contents.themes.map((theme) => ({
      ...presentTheme(theme),
      updates: (updatesByTheme.get(theme.id) ?? []).map(presentUpdate),
    })),
    actions: contents.actions.map((action) => ({
      ...presentAction(action, today),
      updates: (updatesByAction.get(action.id) ?? []).map(presentUpdate),
    })),
  };
}

export type PlanExport = ReturnType<typeof presentPlanExport>;
