import { expect, it } from 'vitest';
import { loadPlanContents } from '../plans/planContents.js';
import { filterActions, readPlanFilters } from '../plans/planView.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme } from '../testing/factories.js';
import { listActionPage, type ActionListFilters } from './actionList.js';

describeEachDatabase('a page of actions read in SQL', (current) => {
  it('gives the same actions, in the same order and total, as filtering the whole plan does', async () => {
    const db = current();
    const plan = await makePlan(db);
    const themes = [await makeTheme(db, plan.id), await makeTheme(db, plan.id)];
    const statuses = ['not_started', 'in_progress', 'complete', 'cancelled', 'ongoing'] as const;
    const targets = ['7/8/21', 'end of sept 21', 'Ongoing', '', '31 December 2099'];
    for (let i = 0; i < 30; i++)
      await makeAction(db, plan.id, {
        title: i % 4 === 0 ? `Publish the vision ${i}` : `Action ${i}`,
        themeId: themes[i % 2]!.id,
        owners: i % 3 === 0 ? ['Corp Comms', `Owner ${i % 5}`] : [`owner ${i % 5}`],
        status: statuses[i % 5],
        rag: i % 6 === 0 ? null : i % 2 === 0 ? 'red' : 'green',
        progress: i % 7 === 0 ? '<p>Staff <strong>café</strong> opened</p>' : '',
        targetDate: targets[i % 5],
        ...(i % 8 === 0 ? { revisedTargetDate: '1/1/22', revisedReason: 'Moved' } : {}),
      });
    const contents = await loadPlanContents(db.kysely, plan.slug, { updates: 'themes' });
    const today = '2026-12-02';
    const cases: ActionListFilters[] = [
      {},
      { status: 'in_progress' },
      { owner: 'CORP comms' },
      { rag: 'none' },
      { rag: 'red', overdue: true },
      { overdue: true },
      { q: 'vision' },
      { q: 'café staff', owner: 'owner 0' },
      { themeId: themes[1]!.id, status: 'complete' },
    ];
    for (const filters of cases) {
      const planFilters = { ...readPlanFilters({}), ...filters };
      const { shown } = filterActions(contents.actions, planFilters, today);
      const expected = shown.filter((a) => !filters.themeId || a.theme_id === filters.themeId);
      const whole = await listActionPage(db.kysely, plan.id, filters, { limit: 100, offset: 0 }, today);
      expect(whole.total, JSON.stringify(filters)).toBe(expected.length);
      expect(whole.actions.map((a) => a.id)).toEqual(expected.map((a) => a.id));
      expect(whole.actions.map((a) => a.owners)).toEqual(expected.map((a) => a.owners));
      const page = await listActionPage(db.kysely, plan.id, filters, { limit: 4, offset: 2 }, today);
      expect(page.total).toBe(expected.length);
      expect(page.actions.map((a) => a.id)).toEqual(expected.slice(2, 6).map((a) => a.id));
    }
    // Some of the cases really select: not every one is everything or nothing.
    const overdue = await listActionPage(
      db.kysely,
      plan.id,
      { overdue: true },
      { limit: 100, offset: 0 },
      today,
    );
    expect(overdue.total).toBeGreaterThan(0);
    expect(overdue.total).toBeLessThan(30);
  });
});
