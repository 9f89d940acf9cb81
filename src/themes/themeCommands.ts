// Creating, changing, reordering and deleting themes (focus areas); each writes history in the caller's transaction.
import { nowIso } from '../db/migrations.js';
import type { Rag, Status, ThemeRow } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { recordChange, type Actor, type Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { findOrCreateOwner } from '../owners/ownerCommands.js';
import { nextPosition } from '../plans/planCommands.js';
import { rags, statuses } from '../plans/vocabulary.js';
import { toRichText } from '../richtext/sanitise.js';
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
  const title = checks.text('title', 'a title', input.title ?? existing?.title, { required: true, max: 300 });
  const lead =
    input.lead === undefined ? undefined : checks.text('lead', 'the lead', input.lead, { max: 200 });
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
      checks.text('progress', 'the progress', input.progress ?? existing?.progress, { max: 50000 }),
    ),
    future_actions: toRichText(
      checks.text(
        'futureActions',
        'the future planned actions',
        input.futureActions ?? existing?.future_actions,
        {
          max: 50000,
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
    after: theme,
  });
  return theme;
}

export async function findTheme(trx: Trx, planId: string, themeId: string): Promise<ThemeRow> {
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
  if (before.version !== expectedVersion) throw new ConflictError('This theme', before.version, before);
  const values = await themeValues(trx, actor, input, before);
  const after: ThemeRow = { ...before, ...values, version: before.version + 1, updated_at: nowIso() };
  const result = await trx
    .updateTable('themes')
    .set({ ...values, version: after.version, updated_at: after.updated_at })
    .where('id', '=', themeId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConflictError('This theme', before.version + 1, before);
  await recordChange(trx, actor, {
    recordType: 'theme',
    recordId: themeId,
    planId,
    change: 'update',
    before,
    after,
  });
  return after;
}

/** Deletes a theme and its own updates; its actions stay in the plan without a theme. */
export async function deleteTheme(trx: Trx, actor: Actor, planId: string, themeId: string): Promise<void> {
  const before = await findTheme(trx, planId, themeId);
  const orphans = await trx.selectFrom('actions').selectAll().where('theme_id', '=', themeId).execute();
  const now = nowIso();
  for (const action of orphans) {
    const after = { ...action, theme_id: null, version: action.version + 1, updated_at: now };
    await trx
      .updateTable('actions')
      .set({ theme_id: null, version: after.version, updated_at: now })
      .where('id', '=', action.id)
      .execute();
    await recordChange(trx, actor, {
      recordType: 'action',
      recordId: action.id,
      planId,
      change: 'update',
      before: action,
      after,
    });
  }
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
  await trx.deleteFrom('themes').where('id', '=', themeId).execute();
  await recordChange(trx, actor, {
    recordType: 'theme',
    recordId: themeId,
    planId,
    change: 'delete',
    before,
  });
}

/**
 * Moves a theme, or an action within its theme, one place up or down by swapping positions with its neighbour.
 * Positions are numbers across the whole plan; ties left by imports are renumbered first so a swap always moves.
 */
export async function moveInList(
  trx: Trx,
  actor: Actor,
  table: 'themes' | 'actions',
  planId: string,
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  const load = async () =>
    table === 'themes'
      ? (
          await trx
            .selectFrom('themes')
            .select(['id', 'position'])
            .where('plan_id', '=', planId)
            .orderBy('position')
            .orderBy('id')
            .execute()
        ).map((row) => ({ ...row, group: '' }))
      : (
          await trx
            .selectFrom('actions')
            .select(['id', 'position', 'theme_id'])
            .where('plan_id', '=', planId)
            .orderBy('position')
            .orderBy('id')
            .execute()
        ).map((row) => ({ id: row.id, position: row.position, group: row.theme_id ?? '' }));
  let rows = await load();
  const self = rows.find((row) => row.id === id);
  if (!self) throw new NotFoundError(table === 'themes' ? 'Theme' : 'Action');
  if (new Set(rows.map((row) => row.position)).size !== rows.length) {
    for (const [i, row] of rows.entries())
      await trx.updateTable(table).set({ position: i }).where('id', '=', row.id).execute();
    rows = await load();
  }
  const siblings = rows.filter((row) => row.group === self.group);
  const index = siblings.findIndex((row) => row.id === id);
  const me = siblings[index]!;
  const other = siblings[direction === 'up' ? index - 1 : index + 1];
  if (!other) return;
  await trx.updateTable(table).set({ position: other.position }).where('id', '=', me.id).execute();
  await trx.updateTable(table).set({ position: me.position }).where('id', '=', other.id).execute();
  const recordType = table === 'themes' ? 'theme' : 'action';
  for (const [row, position] of [
    [me, other.position],
    [other, me.position],
  ] as const) {
    await recordChange(trx, actor, {
      recordType,
      recordId: row.id,
      planId,
      change: 'update',
      before: { position: row.position },
      after: { position },
    });
  }
}
