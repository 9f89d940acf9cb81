// The dashboard's figures for a plan with a scripted quarter of history, with the clock held still, on both databases.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { deleteAction, findAction, updateAction } from '../actions/actionCommands.js';
import { inTransaction } from '../db/transaction.js';
import { makeAction, makePlan, makePublishedReport, testActor } from '../testing/factories.js';
import { makeScriptedPlan, scriptedToday } from './dashboardFixture.js';
import { loadDashboard } from './dashboardFigures.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('the dashboard’s figures', (current) => {
  it('counts statuses by theme and horizon, % complete, overdue, due before the next board and the RAG mix', async () => {
    const ids = await makeScriptedPlan(current(), 'Culture plan');
    const figures = await loadDashboard(current().kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(figures.total).toBe(5);
    expect(figures.counts).toEqual({ not_started: 1, in_progress: 2, ongoing: 0, complete: 1, cancelled: 1 });
    // One complete of the four not cancelled.
    expect(figures.percentComplete).toBe(25);
    // "Survey again" was due on 31 January; "Open a quiet room" was due on 15 February but has moved to 30 April.
    expect(figures.overdue).toBe(1);
    expect(
      figures.byGroup.map((g) => [
        g.label,
        g.counts.complete,
        g.counts.in_progress,
        g.counts.not_started,
        g.counts.cancelled,
      ]),
    ).toEqual([
      ['Vision clarity', 1, 1, 0, 0],
      ['Wellbeing', 0, 1, 1, 1],
    ]);
    expect(figures.byHorizon.map((g) => [g.label, g.total])).toEqual([
      ['Short term', 3],
      ['Medium term', 1],
      ['No horizon', 1],
    ]);
    // The quiet room's new date, 30 April, falls before the board on 1 May.
    expect(figures.boards).toEqual([
      expect.objectContaining({ meetingName: 'Fire Authority, May', meetingOn: '2026-05-01', due: 1 }),
    ]);
    expect(figures.withoutBoard).toEqual([]);
    expect(figures.rag).toEqual({ red: 1, amber: 1, green: 0, none: 1 });
  });

  it('says there is no board when no update request names a meeting from today on', async () => {
    const ids = await makeScriptedPlan(current(), 'Culture plan');
    const figures = await loadDashboard(current().kysely, [ids.plan.id], 'theme', '2026-05-02');
    expect(figures.boards).toEqual([]);
    expect(figures.withoutBoard.map((p) => p.title)).toEqual(['Culture plan']);
  });

  it('rebuilds the trend at each month end from history, and today from the actions as they stand', async () => {
    const ids = await makeScriptedPlan(current(), 'Culture plan');
    const figures = await loadDashboard(current().kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(figures.trend).toEqual([
      // 31 January: the vision and the quiet room in progress; the survey due that day is not yet overdue.
      { on: '2026-01-31', complete: 0, inProgress: 2, overdue: 0 },
      // 28 February: the vision complete; the quiet room (due 15 February) and the survey overdue.
      { on: '2026-02-28', complete: 1, inProgress: 1, overdue: 2 },
      // Today: focus groups started, the quiet room's date moved to 30 April.
      { on: '2026-03-20', complete: 1, inProgress: 2, overdue: 1 },
    ]);
  });

  it('keeps each past month end once counted, and counts it again when a state written since is dated by then', async () => {
    const db = current();
    const ids = await makeScriptedPlan(db, 'Culture plan');
    const kept = () =>
      db.kysely
        .selectFrom('trend_points')
        .select(['on_day', 'complete', 'in_progress', 'overdue'])
        .where('plan_id', '=', ids.plan.id)
        // The months before the plan began are kept too (at nought): a view across older plans shows them.
        .where('on_day', '>=', '2026-01-01')
        .orderBy('on_day')
        .execute();
    // On 1 March, 28 February ended less than a day ago: another server's clock may be behind, so it is not kept yet.
    vi.setSystemTime(Date.parse('2026-03-01T10:00:00.000Z'));
    await loadDashboard(db.kysely, [ids.plan.id], 'theme', '2026-03-01');
    expect((await kept()).map((point) => point.on_day)).toEqual(['2026-01-31']);
    vi.setSystemTime(Date.parse('2026-03-20T10:00:00.000Z'));
    const first = await loadDashboard(db.kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(await kept()).toEqual([
      { on_day: '2026-01-31', complete: 0, in_progress: 2, overdue: 0 },
      { on_day: '2026-02-28', complete: 1, in_progress: 1, overdue: 2 },
    ]);
    // What is kept is what is shown: read, not counted again.
    await db.kysely
      .updateTable('trend_points')
      .set({ complete: 7 })
      .where('plan_id', '=', ids.plan.id)
      .execute();
    const read = await loadDashboard(db.kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(read.trend.slice(0, 2).map((point) => point.complete)).toEqual([7, 7]);
    expect(read.trend.at(-1)).toEqual(first.trend.at(-1));
    // A change stamped 20 January, written now (a clock put back): both months' points are counted again.
    vi.setSystemTime(Date.parse('2026-01-20T10:00:00.000Z'));
    const survey = await findAction(db.kysely, ids.plan.id, ids.survey);
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, ids.plan.id, ids.survey, survey.version, { status: 'complete' }),
    );
    vi.setSystemTime(Date.parse('2026-03-20T10:00:00.000Z'));
    const recounted = await loadDashboard(db.kysely, [ids.plan.id], 'theme', scriptedToday);
    await db.kysely.deleteFrom('trend_points').where('plan_id', '=', ids.plan.id).execute();
    const fromScratch = await loadDashboard(db.kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(recounted.trend).toEqual(fromScratch.trend);
    expect(recounted.trend[0]).toEqual({ on: '2026-01-31', complete: 1, inProgress: 2, overdue: 0 });
  });

  it('ranks the biggest movers since the last published report and tells them in words', async () => {
    const ids = await makeScriptedPlan(current(), 'Culture plan');
    const figures = await loadDashboard(current().kysely, [ids.plan.id], 'theme', scriptedToday);
    expect(figures.movers.since).toEqual([
      expect.objectContaining({ period: 'February 2026', publishedAt: '2026-03-01T09:30:00.000Z' }),
    ]);
    expect(figures.movers.actions.map((m) => [m.title, m.score, m.lines])).toEqual([
      ['Run focus groups', 5, ['Status: Not started → In progress', 'RAG: Amber → Red: Venue withdrew']],
      [
        'Open a quiet room',
        4,
        ['RAG: Red → Amber: Builders booked', "Target date moved from '15/2/26' to '30/4/26': Builders late"],
      ],
    ]);
  });

  it('counts across plans, one bar a plan, and leaves out the plans not asked for', async () => {
    const a = await makeScriptedPlan(current(), 'Alpha plan');
    const b = await makeScriptedPlan(current(), 'Beta plan');
    await makeScriptedPlan(current(), 'Gamma plan');
    const figures = await loadDashboard(current().kysely, [a.plan.id, b.plan.id], 'plan', scriptedToday);
    expect(figures.plans.map((p) => p.title)).toEqual(['Alpha plan', 'Beta plan']);
    expect(figures.total).toBe(10);
    expect(figures.byGroup.map((g) => [g.label, g.total, g.href])).toEqual([
      ['Alpha plan', 5, `/plans/${a.plan.slug}/dashboard`],
      ['Beta plan', 5, `/plans/${b.plan.slug}/dashboard`],
    ]);
    expect(figures.trend.at(-1)).toEqual({ on: scriptedToday, complete: 2, inProgress: 4, overdue: 2 });
    expect(figures.movers.actions).toHaveLength(4);
  });

  it('draws the trend across plans over the oldest plan’s life, a younger plan counting from its own start', async () => {
    const older = await makeScriptedPlan(current(), 'Older plan');
    // Made in March, with one action not yet started.
    vi.setSystemTime(Date.parse('2026-03-05T10:00:00.000Z'));
    const younger = await makePlan(current(), { title: 'Younger plan' });
    await makeAction(current(), younger.id, { title: 'Begin' });
    const across = await loadDashboard(current().kysely, [older.plan.id, younger.id], 'plan', scriptedToday);
    expect(across.trend).toEqual([
      { on: '2026-01-31', complete: 0, inProgress: 2, overdue: 0 },
      { on: '2026-02-28', complete: 1, inProgress: 1, overdue: 2 },
      { on: '2026-03-20', complete: 1, inProgress: 2, overdue: 1 },
    ]);
    expect(across.total).toBe(6);
    const own = await loadDashboard(current().kysely, [younger.id], 'theme', scriptedToday);
    expect(own.trend).toEqual([{ on: '2026-03-20', complete: 0, inProgress: 0, overdue: 0 }]);
    expect(own.byGroup.map((g) => [g.label, g.total])).toEqual([['No theme', 1]]);
  });
  it('counts each action as it stood at a month end and at the report: the later of two changes at one instant, none once deleted', async () => {
    const db = current();
    vi.setSystemTime(Date.parse('2026-01-10T09:00:00.000Z'));
    const plan = await makePlan(db, { title: 'Moving plan' });
    const moved = await makeAction(db, plan.id, { ref: '1', title: 'Moved twice', targetDate: '31/1/26' });
    const gone = await makeAction(db, plan.id, { ref: '2', title: 'Dropped', status: 'in_progress' });
    const change = (input: Parameters<typeof updateAction>[5]) =>
      inTransaction(db, async (trx) => {
        const action = await findAction(trx, plan.id, moved.id);
        await updateAction(trx, testActor, plan.id, moved.id, action.version, input);
      });
    // Completed and reopened at the same instant: the reopening stands.
    vi.setSystemTime(Date.parse('2026-02-20T10:00:00.000Z'));
    await change({ status: 'complete' });
    await change({ status: 'in_progress' });
    vi.setSystemTime(Date.parse('2026-02-21T10:00:00.000Z'));
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, gone.id));
    await makePublishedReport(db, plan.id, `report-${plan.id}`, '2026-02-25T09:00:00.000Z');
    vi.setSystemTime(Date.parse('2026-03-05T10:00:00.000Z'));
    await change({ rag: 'red', ragReason: 'Supplier late' });

    const figures = await loadDashboard(db.kysely, [plan.id], 'theme', scriptedToday);
    expect(figures.trend).toEqual([
      // The dropped action in progress; the other not started, due that day, so not yet overdue.
      { on: '2026-01-31', complete: 0, inProgress: 1, overdue: 0 },
      // Reopened, so in progress and overdue; the dropped action gone.
      { on: '2026-02-28', complete: 0, inProgress: 1, overdue: 1 },
      { on: '2026-03-20', complete: 0, inProgress: 1, overdue: 1 },
    ]);
    // At the report it stood reopened, so only its RAG moved since; the dropped action is no mover.
    expect(figures.movers.actions.map((m) => [m.title, m.score, m.lines])).toEqual([
      ['Moved twice', 2, ['RAG: Not set → Red: Supplier late']],
    ]);
  });
});
