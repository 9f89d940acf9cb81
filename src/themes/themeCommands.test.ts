import { expect, it } from 'vitest';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { deleteTheme, moveInList, updateTheme } from './themeCommands.js';
import { ConflictError } from '../errors.js';
import { updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';

/** The versions a record's history rows record, in the order written. */
async function historyVersions(db: Db, recordId: string): Promise<number[]> {
  const rows = await db.kysely
    .selectFrom('history')
    .select('after_json')
    .where('record_id', '=', recordId)
    .orderBy('id')
    .execute();
  return rows.map((row) => (JSON.parse(row.after_json ?? '{}') as { version: number }).version);
}

describeEachDatabase('theme commands', (current) => {
  it('gives a theme a lead from the owners directory', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeTheme(db, plan.id, { title: 'Vision Clarity', lead: 'Stuart Phoenix' });
    const contents = await loadPlanContents(db.kysely, plan.slug, { updates: 'all' });
    expect(contents.themes.map((t) => [t.title, t.lead])).toEqual([['Vision Clarity', 'Stuart Phoenix']]);
  });

  it('moves themes up and down, and actions within their theme', async () => {
    const db = current();
    const plan = await makePlan(db);
    const a = await makeTheme(db, plan.id, { title: 'A' });
    await makeTheme(db, plan.id, { title: 'B' });
    await makeTheme(db, plan.id, { title: 'C' });
    await db.kysely
      .transaction()
      .execute((trx) => moveInList(trx, testActor, 'themes', plan.id, a.id, 'down'));
    const first = await makeAction(db, plan.id, { title: 'first', themeId: a.id });
    await makeAction(db, plan.id, { title: 'elsewhere' });
    await makeAction(db, plan.id, { title: 'second', themeId: a.id });
    await db.kysely
      .transaction()
      .execute((trx) => moveInList(trx, testActor, 'actions', plan.id, first.id, 'down'));
    const contents = await loadPlanContents(db.kysely, plan.slug, { updates: 'all' });
    expect(contents.themes.map((t) => t.title)).toEqual(['B', 'A', 'C']);
    expect(contents.actions.filter((x) => x.theme_id === a.id).map((x) => x.title)).toEqual([
      'second',
      'first',
    ]);
  });

  it("keeps a deleted theme's actions, without a theme", async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id);
    const action = await makeAction(db, plan.id, { themeId: theme.id });
    await db.kysely.transaction().execute((trx) => deleteTheme(trx, testActor, plan.id, theme.id));
    const contents = await loadPlanContents(db.kysely, plan.slug, { updates: 'all' });
    expect(contents.themes).toHaveLength(0);
    expect(contents.actions.map((x) => [x.id, x.theme_id])).toEqual([[action.id, null]]);
  });

  it('refuses a stale theme edit', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id);
    await db.kysely
      .transaction()
      .execute((trx) => updateTheme(trx, testActor, plan.id, theme.id, 1, { title: 'Renamed' }));
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => updateTheme(trx, testActor, plan.id, theme.id, 1, { title: 'Again' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('gives each row a move shifts a new version and a row of history, so an edit opened before it is stale', async () => {
    const db = current();
    const plan = await makePlan(db);
    const [a, b, c] = [
      await makeTheme(db, plan.id),
      await makeTheme(db, plan.id),
      await makeTheme(db, plan.id),
    ];
    await db.kysely
      .transaction()
      .execute((trx) => moveInList(trx, testActor, 'themes', plan.id, a.id, 'down'));
    expect(await historyVersions(db, a.id)).toEqual([1, 2]);
    expect(await historyVersions(db, b.id)).toEqual([1, 2]);
    expect(await historyVersions(db, c.id)).toEqual([1]);
    const moved = await db.kysely
      .selectFrom('history')
      .select(['before_json', 'after_json'])
      .where('record_id', '=', a.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(moved.before_json!)).toMatchObject({ title: a.title, position: 0, version: 1 });
    expect(JSON.parse(moved.after_json!)).toMatchObject({ title: a.title, position: 1, version: 2 });
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => updateTheme(trx, testActor, plan.id, a.id, 1, { title: 'From before the move' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('renumbers tied positions in the same move, each renumbered action with its version and history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const actions = [
      await makeAction(db, plan.id),
      await makeAction(db, plan.id),
      await makeAction(db, plan.id),
    ];
    // An import can leave ties; these three all stand at position 5.
    await db.kysely.updateTable('actions').set({ position: 5 }).where('plan_id', '=', plan.id).execute();
    const order = [...actions].sort((x, y) => x.id.localeCompare(y.id));
    await db.kysely
      .transaction()
      .execute((trx) => moveInList(trx, testActor, 'actions', plan.id, order[0]!.id, 'down'));
    const stored = await db.kysely
      .selectFrom('actions')
      .select(['id', 'position', 'version'])
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .execute();
    expect(stored.map((row) => row.id)).toEqual([order[1]!.id, order[0]!.id, order[2]!.id]);
    expect(stored.map((row) => row.position)).toEqual([0, 1, 2]);
    for (const row of stored) {
      expect(await historyVersions(db, row.id)).toEqual([1, 2]);
      expect(row.version).toBe(2);
    }
  });

  it("gives each of a deleted theme's actions a new version and a row of history", async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id);
    const action = await makeAction(db, plan.id, { themeId: theme.id, owners: ['Corp Comms'] });
    await db.kysely.transaction().execute((trx) => deleteTheme(trx, testActor, plan.id, theme.id));
    expect(await historyVersions(db, action.id)).toEqual([1, 2]);
    const left = await db.kysely
      .selectFrom('history')
      .select('after_json')
      .where('record_id', '=', action.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    // Written by the action's own command: the whole action as an edit records it, owners included.
    expect(JSON.parse(left.after_json!)).toMatchObject({
      theme_id: null,
      owners: ['Corp Comms'],
      version: 2,
    });
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Opened before' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
