// Creating, changing, reordering and deleting themes (focus areas); each writes history in the caller's transaction.
import { nowIso } from '../db/migrations.js';
import type { ActionRow, Rag, Status, ThemeRow } from '../db/schema.js';
import { checkVersion, forChange, updateAtVersion } from '../db/versionedUpdate.js';
import { ownerNamesOf, updateAction } from '../actions/actionCommands.js';
import { NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Reader, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { noticeThemeChange } from '../notifications/changeNotices.js';
import { findOrCreateOwner } from '../owners/ownerCommands.js';
import { nextPosition } from '../plans/planCommands.js';
import { rags, statuses } from '../plans/vocabulary.js';
import { toRichText } from '../richtext/sanitise.js';
import { reindexThemeActions } from '../search/searchIndex.js';
import { moveStaffMarksOutOf } from '../staff/staffPageCommands.js';
import { themeLimits } from '../fieldLimits.js';
import { FieldChecks } from '../validation.js';

export interface ThemeInput {
  title?: string;
  /** The lead's name: a person or team, added to the owners directory if new; empty for none. */
  lead?: string;
  status?: Status | '' | null;
  rag?: Rag | '' | null;
  progress?: string;
  futureActions?: string;
}

async function themeValues(trx: Trx, actor: Actor, input: ThemeInput, existing?: ThemeRow) {
  const checks = new FieldChecks();
  const title = checks.text('title', 'a title', input.title ?? existing?.title, {
    required: true,
    max: themeLimits.title,
  });
  const lead =
    input.lead === undefined
      ? undefined
      : checks.text('lead', 'the lead', input.lead, { max: themeLimits.lead });
  const values = {
    title,
    status:
      input.status === undefined
        ? (existing?.status ?? null)
        : checks.choice('status', 'a status', input.status, statuses),
    rag:
      input.rag === undefined
        ? (existing?.rag ?? null)
        : checks.choice('rag', 'a RAG status', input.rag, rags),
    progress: toRichText(
      checks.text('progress', 'the progress', input.progress ?? existing?.progress, {
        max: themeLimits.progress,
      }),
    ),
    future_actions: toRichText(
      checks.text(
        'futureActions',
        'the future planned actions',
        input.futureActions ?? existing?.future_actions,
        {
          max: themeLimits.futureActions,
        },
      ),
    ),
  };
  checks.done();
  const leadOwnerId =
    lead === undefined
      ? (existing?.lead_owner_id ?? null)
      : lead === ''
        ? null
        : (await findOrCreateOwner(trx, actor, lead)).id;
  return { ...values, lead_owner_id: leadOwnerId };
}

export async function createTheme(
  trx: Trx,
  actor: Actor,
  planId: string,
  input: ThemeInput,
): Promise<ThemeRow> {
  const values = await themeValues(trx, actor, input);
  const now = nowIso();
  const theme: ThemeRow = {
    id: newId(),
    plan_id: planId,
    ...values,
    position: await nextPosition(trx, 'themes', planId),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('themes').values(theme).execute();
  await recordChange(trx, actor, {
    recordType: 'theme',
    recordId: theme.id,
    planId,
    change: 'create',
    after: await withLead(trx, theme),
  });
  return theme;
}

/**
 * A theme as its history keeps it: with its lead's name as the directory spells it then, as actions keep their
 * owners' names, so that the plan as it stood and the words of its history need no other record.
 */
async function withLead(trx: Reader, theme: ThemeRow): Promise<ThemeRow & { lead: string | null }> {
  const lead = theme.lead_owner_id
    ? await trx.selectFrom('owners').select('name').where('id', '=', theme.lead_owner_id).executeTakeFirst()
    : undefined;
  return { ...theme, lead: lead?.name ?? null };
}

export async function findTheme(trx: Reader, planId: string, themeId: string): Promise<ThemeRow> {
  const theme = await trx
    .selectFrom('themes')
    .selectAll()
    .where('id', '=', themeId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!theme) throw new NotFoundError('Theme');
  return theme;
}

export async function updateTheme(
  trx: Trx,
  actor: Actor,
  planId: string,
  themeId: string,
  expectedVersion: number,
  input: ThemeInput,
): Promise<ThemeRow> {
  const before = await findTheme(trx, planId, themeId);
  checkVersion('themes', before, expectedVersion);
  const values = await themeValues(trx, actor, input, before);
  const updatedAt = nowIso();
  const version = await updateAtVersion(trx, 'themes', themeId, expectedVersion, {
    ...values,
    updated_at: updatedAt,
  });
  const after: ThemeRow = { ...before, ...values, version, updated_at: updatedAt };
  await reindexThemeActions(trx, themeId);
  await recordChange(trx, actor, {
    recordType: 'theme',
    recordId: themeId,
    planId,
    change: 'update',
    before: await withLead(trx, before),
    after: await withLead(trx, after),
  });
  await noticeThemeChange(trx, actor, before, after);
  return after;
}

/** Deletes a theme and its own updates; its actions stay in the plan without a theme. */
export async function deleteTheme(trx: Trx, actor: Actor, planId: string, themeId: string): Promise<void> {
  const before = await findTheme(trx, planId, themeId);
  // Each action leaves the theme through its own command, as an edit would: a new version and its history.
  const orphans = await forChange(
    trx,
    trx.selectFrom('actions').select(['id', 'version']).where('theme_id', '=', themeId),
  ).execute();
  for (const action of orphans)
    await updateAction(trx, actor, planId, action.id, action.version, { themeId: null });
  // So does each staff page entry shown under it, through the entry's command: it keeps its words and is shown without
  // a focus area (an action's, under its own).
  await moveStaffMarksOutOf(trx, actor, planId, themeId);
  const updates = await trx.selectFrom('updates').selectAll().where('theme_id', '=', themeId).execute();
  for (const update of updates) {
    await recordChange(trx, actor, {
      recordType: 'update',
      recordId: update.id,
      planId,
      change: 'delete',
      before: update,
    });
  }
  await trx.deleteFrom('updates').where('theme_id', '=', themeId).execute();
  const deleted = await withLead(trx, before);
  await trx.deleteFrom('themes').where('id', '=', themeId).execute();
  await recordChange(trx, actor, {
    recordType: 'theme',
    recordId: themeId,
    planId,
    change: 'delete',
    before: deleted,
  });
}

/**
 * Moves a theme, or an action within its theme, one place up or down by swapping positions with its neighbour.
 * Positions are numbers across the whole plan; ties left by imports are renumbered in the same move so a swap always
 * moves. Every row whose position changes gets a new version and a row of history, like any other edit; the rows are
 * read under lock (see forChange), so a move is worked out from the order as stored.
 */
export async function moveInList(
  trx: Trx,
  actor: Actor,
  table: 'themes' | 'actions',
  planId: string,
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  const rows: (ThemeRow | ActionRow)[] = await forChange(
    trx,
    trx
      .selectFrom(table as 'actions')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('position')
      .orderBy('id'),
  ).execute();
  const groupOf = (row: ThemeRow | ActionRow) => ('theme_id' in row ? (row.theme_id ?? '') : '');
  const self = rows.find((row) => row.id === id);
  if (!self) throw new NotFoundError(table === 'themes' ? 'Theme' : 'Action');
  const tied = new Set(rows.map((row) => row.position)).size !== rows.length;
  const moved = new Map(rows.map((row, i) => [row.id, tied ? i : row.position]));
  const siblings = rows.filter((row) => groupOf(row) === groupOf(self));
  const index = siblings.findIndex((row) => row.id === id);
  const other = siblings[direction === 'up' ? index - 1 : index + 1];
  if (!other && !tied) return;
  if (other) {
    const mine = moved.get(self.id)!;
    moved.set(self.id, moved.get(other.id)!);
    moved.set(other.id, mine);
  }
  const recordType = table === 'themes' ? 'theme' : 'action';
  const now = nowIso();
  for (const row of rows) {
    const position = moved.get(row.id)!;
    if (position === row.position) continue;
    const version = await updateAtVersion(trx, table, row.id, row.version, { position, updated_at: now });
    // Actions are kept in history with their owners' names and themes with their lead's, as their commands keep them.
    const before =
      table === 'actions'
        ? { ...row, owners: await ownerNamesOf(trx, row.id) }
        : await withLead(trx, row as ThemeRow);
    await recordChange(trx, actor, {
      recordType,
      recordId: row.id,
      planId,
      change: 'update',
      before,
      after: { ...before, position, version, updated_at: now },
    });
  }
}
