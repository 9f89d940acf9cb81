// A plan with a scripted quarter of history for the dashboard's tests and its benchmark's check: actions made in
// January, one completed in February, a report published on 1 March, then a status, RAG and date moved in March, and a
// board meeting set for 1 May. `today` is 20 March 2026.
import { vi } from 'vitest';
import { createAction, findAction, updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { createPlan } from '../plans/planCommands.js';
import { makePublishedReport, testActor } from '../testing/factories.js';
import { createTheme } from '../themes/themeCommands.js';

export const scriptedToday = '2026-03-20';

export async function makeScriptedPlan(db: Db, title: string, themeTitles = ['Vision clarity', 'Wellbeing']) {
  const slug = `dash-${Math.random().toString(36).slice(2, 8)}`;
  const at = (iso: string) => vi.setSystemTime(Date.parse(iso));
  at('2026-01-10T09:00:00.000Z');
  const ids = await db.kysely.transaction().execute(async (trx) => {
    const plan = await createPlan(trx, testActor, {
      title,
      slug,
      marking: 'OFFICIAL',
      horizons: ['Short term', 'Medium term'],
    });
    const horizons = await trx
      .selectFrom('horizons')
      .select(['id', 'name'])
      .where('plan_id', '=', plan.id)
      .execute();
    const horizon = (name: string) => horizons.find((h) => h.name === name)!.id;
    const vision = await createTheme(trx, testActor, plan.id, { title: themeTitles[0]! });
    const wellbeing = await createTheme(trx, testActor, plan.id, { title: themeTitles[1]! });
    const make = (input: Parameters<typeof createAction>[3]) =>
      createAction(trx, testActor, plan.id, { owners: ['Luke Baldock'], ...input }).then((a) => a.id);
    return {
      plan,
      vision: vision.id,
      wellbeing: wellbeing.id,
      publish: await make({
        ref: '1.1',
        title: 'Publish the vision',
        themeId: vision.id,
        horizonId: horizon('Short term'),
        status: 'in_progress',
        rag: 'green',
        targetDate: '28/2/26',
      }),
      focus: await make({
        ref: '1.2',
        title: 'Run focus groups',
        themeId: vision.id,
        horizonId: horizon('Medium term'),
        status: 'not_started',
        rag: 'amber',
        targetDate: '30/6/26',
      }),
      quiet: await make({
        ref: '2.1',
        title: 'Open a quiet room',
        themeId: wellbeing.id,
        horizonId: horizon('Short term'),
        status: 'in_progress',
        rag: 'red',
        targetDate: '15/2/26',
      }),
      idea: await make({ ref: '2.2', title: 'Cancelled idea', themeId: wellbeing.id, status: 'cancelled' }),
      survey: await make({
        ref: '2.3',
        title: 'Survey again',
        themeId: wellbeing.id,
        horizonId: horizon('Short term'),
        status: 'not_started',
        targetDate: '31/1/26',
      }),
    };
  });
  const change = (actionId: string, input: Parameters<typeof updateAction>[5]) =>
    db.kysely.transaction().execute(async (trx) => {
      const action = await findAction(trx, ids.plan.id, actionId);
      await updateAction(trx, testActor, ids.plan.id, actionId, action.version, input);
    });
  at('2026-02-05T10:00:00.000Z');
  await change(ids.publish, { status: 'complete' });
  await makePublishedReport(db, ids.plan.id, `report-${slug}`, '2026-03-01T09:30:00.000Z');
  at('2026-03-10T10:00:00.000Z');
  await change(ids.quiet, {
    rag: 'amber',
    ragReason: 'Builders booked',
    revisedTargetDate: '30/4/26',
    revisedReason: 'Builders late',
  });
  await change(ids.focus, { status: 'in_progress', rag: 'red', ragReason: '<p>Venue withdrew</p>' });
  await db.kysely
    .insertInto('update_rounds')
    .values({
      id: `round-${slug}`,
      plan_id: ids.plan.id,
      meeting_name: 'Fire Authority, May',
      meeting_on: '2026-05-01',
      deadline: '2026-04-24',
      message: '',
      reminder_days: '[]',
      state: 'open',
      started_at: '2026-03-10T10:00:00.000Z',
      started_by: 'Test Manager',
      closed_at: null,
      version: 1,
    })
    .execute();
  at('2026-03-20T12:00:00.000Z');
  return ids;
}
