import { expect, it } from 'vitest';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { deleteTheme, moveInList, updateTheme } from './themeCommands.js';
import { ConflictError } from '../errors.js';

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
});
