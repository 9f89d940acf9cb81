// Each plan's part of the dashboard kept at its content version: what is built again after a change, and whose
// figures a view may add up, on both databases.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { findAction, updateAction } from '../actions/actionCommands.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import { cachedDashboard } from './dashboardCache.js';
import { makeScriptedPlan, scriptedToday } from './dashboardFixture.js';
import { loadDashboard } from './dashboardFigures.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('the dashboard’s parts kept per plan', (current) => {
  it('builds again only the plan that changed, and the view across plans shows the change', async () => {
    const db = current();
    const alpha = await makeScriptedPlan(db, 'Alpha plan');
    const beta = await makeScriptedPlan(db, 'Beta plan');
    const ids = [alpha.plan.id, beta.plan.id];
    const before = await cachedDashboard(db.kysely, ids, 'plan', scriptedToday);
    expect(before.byGroup.map((g) => [g.label, g.counts.complete])).toEqual([
      ['Alpha plan', 1],
      ['Beta plan', 1],
    ]);

    // Beta's action is completed behind the dashboard's back, its content version left as it was: its kept part is
    // still served, which shows it was not built again.
    await db.kysely
      .updateTable('actions')
      .set({ status: 'complete' })
      .where('id', '=', beta.survey)
      .execute();
    // Alpha's is completed through its command, which moves Alpha's version.
    await inTransaction(db, async (trx) => {
      const action = await findAction(trx, alpha.plan.id, alpha.survey);
      await updateAction(trx, testActor, alpha.plan.id, alpha.survey, action.version, { status: 'complete' });
    });

    const after = await cachedDashboard(db.kysely, ids, 'plan', scriptedToday);
    expect(after.byGroup.map((g) => [g.label, g.counts.complete])).toEqual([
      ['Alpha plan', 2],
      ['Beta plan', 1],
    ]);
    expect(after.counts.complete).toBe(3);
    expect(after.trend.at(-1)).toMatchObject({ on: scriptedToday, complete: 3 });
    // One plan's dashboard uses the same kept part.
    const alphaOnly = await cachedDashboard(db.kysely, [alpha.plan.id], 'theme', scriptedToday);
    expect(alphaOnly.counts.complete).toBe(2);
    // Built from scratch, both changes show: the kept parts differ from the database only where no version moved.
    expect((await loadDashboard(db.kysely, ids, 'plan', scriptedToday)).counts.complete).toBe(4);
  });

  it('adds up only the plans asked for, whatever other plans’ parts are kept', async () => {
    const db = current();
    const open = await makeScriptedPlan(db, 'Open plan');
    const closed = await makeScriptedPlan(db, 'Closed Quokka plan', ['Quokka theme', 'Other theme']);
    // Someone who may read both opens the view across them, so both parts are kept.
    await cachedDashboard(db.kysely, [open.plan.id, closed.plan.id], 'plan', scriptedToday);

    const figures = await cachedDashboard(db.kysely, [open.plan.id], 'plan', scriptedToday);
    expect(figures.plans).toEqual([{ slug: open.plan.slug, title: 'Open plan' }]);
    expect(figures.total).toBe(5);
    expect(figures.byGroup.map((g) => g.label)).toEqual(['Open plan']);
    expect(figures.movers.actions.every((mover) => mover.planSlug === open.plan.slug)).toBe(true);
    expect(figures.trend.at(-1)).toMatchObject({ complete: 1, inProgress: 2 });
    const everything = JSON.stringify(figures);
    expect(everything).not.toContain('Quokka');
    expect(everything).not.toContain(closed.plan.slug);
    expect(everything).not.toContain(closed.plan.id);
    // And no plan at all gives no figures of any.
    const none = await cachedDashboard(db.kysely, [], 'plan', scriptedToday);
    expect(none.total).toBe(0);
    expect(none.plans).toEqual([]);
  });
});
