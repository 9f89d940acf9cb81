// Comparing two moments of a plan through the real commands, with the clock held still at each step, on both databases.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createAction, deleteAction, findAction, updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { InvalidInputError } from '../errors.js';
import { createPlan } from '../plans/planCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePublishedReport, testActor } from '../testing/factories.js';
import { createTheme } from '../themes/themeCommands.js';
import { postUpdate } from '../updates/updateCommands.js';
import { changeLines, comparisonSummary } from './comparePlans.js';
import { loadComparison } from './planComparison.js';
import type { Trx } from './recordChange.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('comparing two moments of a plan', (current) => {
  it('tells what was added, removed, moved and said between two moments, grouped by theme', async () => {
    const db: Db = current();
    const slug = `compare-${Math.random().toString(36).slice(2, 8)}`;
    let clock = Date.parse('2026-01-05T09:00:00.000Z');
    const at = async <T>(days: number, work: (trx: Trx) => Promise<T>): Promise<T> => {
      clock += days * 24 * 3600 * 1000;
      vi.setSystemTime(clock);
      return db.kysely.transaction().execute(work);
    };
    const ids: Record<string, string> = {};
    await at(0, async (trx) => {
      const plan = await createPlan(trx, testActor, { title: 'Culture plan', slug, horizons: [] });
      ids.plan = plan.id;
      ids.vision = (await createTheme(trx, testActor, plan.id, { title: 'Vision clarity' })).id;
      ids.wellbeing = (await createTheme(trx, testActor, plan.id, { title: 'Wellbeing' })).id;
      for (const [title, themeId] of [
        ['Publish the vision', ids.vision],
        ['Run focus groups', ids.vision],
        ['Open a quiet room', ids.wellbeing],
      ] as const)
        ids[title] = (
          await createAction(trx, testActor, plan.id, {
            title,
            themeId,
            owners: ['Luke Baldock'],
            targetDate: 'End of June 2026',
            status: 'in_progress',
            rag: 'green',
          })
        ).id;
    });
    const board = new Date(clock + 3600_000).toISOString();

    await at(1, async (trx) => {
      const action = await findAction(trx, ids.plan!, ids['Publish the vision']!);
      await updateAction(trx, testActor, ids.plan!, action.id, action.version, {
        rag: 'red',
        ragReason: '<p>Supplier withdrew</p>',
        revisedTargetDate: 'Sep-26',
        revisedReason: 'Waiting for the survey results',
        owners: ['Corp Comms'],
      });
    });
    await at(1, (trx) =>
      postUpdate(
        trx,
        testActor,
        ids.plan!,
        { actionId: ids['Run focus groups']! },
        {
          body: '<p>All six groups held</p>',
          statusChange: 'complete',
        },
      ),
    );
    await at(1, (trx) => deleteAction(trx, testActor, ids.plan!, ids['Open a quiet room']!));
    await at(1, (trx) =>
      createAction(trx, testActor, ids.plan!, { title: 'Survey again', themeId: ids.wellbeing! }),
    );
    const later = new Date(clock + 3600_000).toISOString();
    await at(1, (trx) =>
      postUpdate(trx, testActor, ids.plan!, { themeId: ids.wellbeing! }, { body: '<p>After the moment</p>' }),
    );

    const { comparison, toLabel } = await loadComparison(db.kysely, slug, { from: board, to: later });
    expect(toLabel).not.toBe('now');
    expect(comparison.counts).toEqual({
      added: 1,
      removed: 1,
      statusChanges: 1,
      ragChanges: 1,
      dateMoves: 1,
      ownerChanges: 1,
      newUpdates: 1,
    });
    expect(comparisonSummary(comparison.counts)).toBe(
      '1 action added, 1 action removed, 1 status change, 1 RAG change, 1 target date moved, 1 change of owner, 1 new update',
    );
    expect(comparison.themes.map((t) => t.theme)).toEqual(['Vision clarity', 'Wellbeing']);
    const [vision, wellbeing] = comparison.themes;
    const publish = vision!.changed.find((c) => c.title === 'Publish the vision')!;
    expect(changeLines(publish)).toEqual([
      'RAG: Green → Red: Supplier withdrew',
      "Target date moved from 'End of June 2026' to 'Sep-26': Waiting for the survey results",
      'Owner: Luke Baldock → Corp Comms',
    ]);
    const focus = vision!.changed.find((c) => c.title === 'Run focus groups')!;
    expect(changeLines(focus)).toEqual(['Status: In progress → Complete']);
    expect(vision!.newUpdates.map((u) => [u.on, u.words, u.statusChange])).toEqual([
      ['Run focus groups', 'All six groups held', 'Complete'],
    ]);
    expect(wellbeing!.added.map((a) => a.title)).toEqual(['Survey again']);
    expect(wellbeing!.removed.map((a) => a.title)).toEqual(['Open a quiet room']);
    // The update after the second moment is not in it; compared with now, it is.
    expect(wellbeing!.newUpdates).toEqual([]);
    const untilNow = await loadComparison(db.kysely, slug, { from: board });
    expect(untilNow.toLabel).toBe('now');
    expect(untilNow.comparison.counts.newUpdates).toBe(2);

    // Nothing changed between a moment and itself; a start after the end is refused.
    const same = await loadComparison(db.kysely, slug, { from: later, to: later });
    expect(comparisonSummary(same.comparison.counts)).toBe('Nothing changed');
    expect(same.comparison.themes).toEqual([]);
    await expect(loadComparison(db.kysely, slug, { from: later, to: board })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('starts from the last published report by default, and from the plan’s making before the first', async () => {
    const db: Db = current();
    const slug = `since-${Math.random().toString(36).slice(2, 8)}`;
    vi.setSystemTime(Date.parse('2026-02-01T10:00:00.000Z'));
    const plan = await db.kysely
      .transaction()
      .execute((trx) => createPlan(trx, testActor, { title: 'Since the board', slug, horizons: [] }));
    const first = await loadComparison(db.kysely, slug, {});
    expect(first.sinceReport).toBeNull();
    expect(first.fromLabel).toMatch(/^when the plan was made, 1 February 2026/);

    vi.setSystemTime(Date.parse('2026-03-01T10:00:00.000Z'));
    await makePublishedReport(db, plan.id, `report-${slug}`, '2026-03-01T09:30:00.000Z');
    vi.setSystemTime(Date.parse('2026-03-02T10:00:00.000Z'));
    await db.kysely
      .transaction()
      .execute((trx) => createAction(trx, testActor, plan.id, { title: 'Added after the board' }));
    const since = await loadComparison(db.kysely, slug, {});
    expect(since.sinceReport).toMatchObject({ id: `report-${slug}`, period: 'February 2026' });
    expect(since.fromLabel).toBe('the last published report (February 2026), 1 March 2026 at 09:30');
    expect(since.comparison.themes.flatMap((t) => t.added.map((a) => a.title))).toEqual([
      'Added after the board',
    ]);
  });
});
