// A scripted year of a plan's life through the real commands, with the clock held still at each step: the plan rebuilt
// from its history as at every step's moment is the plan as it stood then, on both databases.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  createAction,
  createActions,
  deleteAction,
  findAction,
  updateAction,
} from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import type { PlanRow } from '../db/schema.js';
import { InvalidInputError } from '../errors.js';
import { importActor } from '../import/importFile.js';
import { savePlanDraft } from '../import/savePlanDraft.js';
import { findOrCreateOwner, mergeOwner, updateOwner } from '../owners/ownerCommands.js';
import { createPlan, findPlanBySlug, setHorizons, updatePlan } from '../plans/planCommands.js';
import { loadPlanContents, type PlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import { createTheme, deleteTheme, findTheme, moveInList, updateTheme } from '../themes/themeCommands.js';
import { deleteUpdate, editUpdate, postUpdate } from '../updates/updateCommands.js';
import { loadPlanAsAt, readAsAt } from './planAsAt.js';
import type { Trx } from './recordChange.js';

beforeEach(() => {
  // Only the clock is faked: the databases' own timers run as ever.
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** What a plan shows: its content version counts changes for the response cache and is not part of the plan. */
function shown(contents: PlanContents): PlanContents {
  return { ...contents, plan: { ...contents.plan, content_version: 0 } };
}

describeEachDatabase('the plan as at a date', (current) => {
  it('rebuilds every step of a scripted year exactly as it stood, and refuses a moment before the plan', async () => {
    const db: Db = current();
    const slug = `year-${Math.random().toString(36).slice(2, 8)}`;
    const steps: { label: string; at: string; page: PlanContents; full: PlanContents }[] = [];
    let clock = Date.parse('2025-04-01T08:30:00.000Z');
    const step = async (label: string, work: (trx: Trx) => Promise<unknown>) => {
      // Three weeks and a few minutes on, so steps fall on different days, months and sides of British Summer Time.
      clock += 21 * 24 * 3600 * 1000 + 7 * 60 * 1000 + 123;
      vi.setSystemTime(clock);
      await db.kysely.transaction().execute(work);
      steps.push({
        label,
        at: new Date(clock).toISOString(),
        page: shown(await loadPlanContents(db.kysely, slug, { updates: 'themes' })),
        full: shown(await loadPlanContents(db.kysely, slug, { updates: 'all' })),
      });
    };
    const plan = async (trx: Trx): Promise<PlanRow> => findPlanBySlug(trx, slug);
    const ids: Record<string, string> = {};
    const actionNamed = async (trx: Trx, title: string) => {
      const { id } = await plan(trx);
      return (await trx
        .selectFrom('actions')
        .selectAll()
        .where('plan_id', '=', id)
        .where('title', '=', title)
        .executeTakeFirstOrThrow())!;
    };
    const lead = `Luke Baldock ${slug}`;
    const comms = `Corp Comms ${slug}`;

    await step('plan created', (trx) =>
      createPlan(trx, testActor, {
        title: 'Staff survey action plan',
        slug,
        sponsor: 'Chief Constable',
        horizons: ['Short term', 'Medium term'],
      }),
    );
    await step('two themes', async (trx) => {
      const { id } = await findPlanBySlug(trx, slug);
      ids.vision = (await createTheme(trx, testActor, id, { title: 'Vision clarity', lead })).id;
      ids.wellbeing = (
        await createTheme(trx, testActor, id, { title: 'Wellbeing', progress: '<p>Started</p>' })
      ).id;
    });
    await step('three actions', async (trx) => {
      const { id } = await findPlanBySlug(trx, slug);
      const [short] = await trx
        .selectFrom('horizons')
        .select('id')
        .where('plan_id', '=', id)
        .orderBy('position')
        .execute();
      for (const [n, title] of ['Publish the vision', 'Run focus groups', 'Survey again'].entries())
        ids[title] = (
          await createAction(trx, testActor, id, {
            ref: String(n + 1),
            title,
            owners: n === 0 ? [lead, comms] : [lead],
            themeId: n < 2 ? ids.vision : ids.wellbeing,
            horizonId: n === 0 ? short!.id : null,
            targetDate: 'End of June 2025',
            progress: `<p>Action <strong>${n + 1}</strong> begun</p>`,
          })
        ).id;
    });
    await step('status and RAG', async (trx) => {
      const action = await findAction(trx, (await plan(trx)).id, ids['Publish the vision']!);
      await updateAction(trx, testActor, action.plan_id, action.id, action.version, {
        status: 'in_progress',
        rag: 'amber',
        ragReason: 'Supplier slow',
      });
    });
    await step('an update completes an action', (trx) =>
      postUpdate(
        trx,
        testActor,
        steps[0]!.full.plan.id,
        { actionId: ids['Run focus groups']! },
        {
          body: '<p>All six groups held</p>',
          effectiveOn: '2025-06-20',
          statusChange: 'complete',
        },
      ),
    );
    await step('the date moves', async (trx) => {
      const action = await findAction(trx, (await plan(trx)).id, ids['Publish the vision']!);
      await updateAction(trx, testActor, action.plan_id, action.id, action.version, {
        revisedTargetDate: 'Sep-25',
        revisedReason: 'Waiting for the survey results',
        rag: 'red',
        ragReason: 'Supplier withdrew',
      });
    });
    await step('a focus area update', async (trx) => {
      ids.themeUpdate = (
        await postUpdate(
          trx,
          testActor,
          (await plan(trx)).id,
          { themeId: ids.vision! },
          {
            body: '<p>Vision drafted</p>',
            effectiveOn: '2025-07-01',
          },
        )
      ).id;
    });
    await step('the update corrected', async (trx) => {
      const { id } = await plan(trx);
      await editUpdate(trx, testActor, id, ids.themeUpdate!, 1, { body: '<p>Vision drafted and shared</p>' });
    });
    await step('the lead renamed', async (trx) => {
      const owner = await findOrCreateOwner(trx, testActor, lead);
      await updateOwner(trx, testActor, owner.id, owner.version, { name: `${lead} Smith` });
    });
    await step('an action moved down', async (trx) => {
      await moveInList(trx, testActor, 'actions', (await plan(trx)).id, ids['Publish the vision']!, 'down');
    });
    await step('an import merged', async (trx) => {
      const into = await plan(trx);
      await savePlanDraft(
        trx,
        importActor(testActor, 'survey-update.xlsx'),
        {
          plan: { title: into.title, horizons: ['Short term', 'Medium term', 'Long term'] },
          themes: [
            {
              title: 'Wellbeing',
              updates: [{ effectiveOn: '2025-09-01', author: 'HR', body: '<p>Champions recruited</p>' }],
            },
          ],
          actions: [
            {
              ref: '3',
              title: 'Survey again',
              theme: 'Wellbeing',
              horizon: 'Long term',
              status: 'in_progress',
              owners: ['HR Team'],
              updates: [{ effectiveOn: '2025-09-02', author: 'HR', body: '<p>Questions agreed</p>' }],
            },
            { title: 'Train line managers', theme: 'Wellbeing', horizon: null, owners: [comms], updates: [] },
          ],
        },
        into,
      );
    });
    await step('an update deleted', async (trx) => {
      await deleteUpdate(trx, testActor, (await plan(trx)).id, ids.themeUpdate!);
    });
    await step('an action deleted with its updates', async (trx) => {
      await deleteAction(trx, testActor, (await plan(trx)).id, ids['Run focus groups']!);
    });
    await step('a horizon removed', async (trx) => {
      await setHorizons(trx, testActor, (await plan(trx)).id, ['Medium term', 'Long term']);
    });
    await step('a theme edited', async (trx) => {
      const theme = await findTheme(trx, (await plan(trx)).id, ids.wellbeing!);
      await updateTheme(trx, testActor, theme.plan_id, theme.id, theme.version, {
        status: 'ongoing',
        rag: 'green',
        lead: comms,
      });
    });
    await step('owners merged', async (trx) => {
      const from = await findOrCreateOwner(trx, testActor, 'HR Team');
      const into = await findOrCreateOwner(trx, testActor, comms);
      await mergeOwner(trx, testActor, from.id, from.version, into.id);
    });
    await step('an owner becomes a team with an address', async (trx) => {
      const owner = await findOrCreateOwner(trx, testActor, comms);
      await updateOwner(trx, testActor, owner.id, owner.version, {
        kind: 'team',
        email: 'comms@example.org',
      });
    });
    await step('a theme deleted', async (trx) => {
      await deleteTheme(trx, testActor, (await plan(trx)).id, ids.vision!);
    });
    await step('actions added in a batch', async (trx) => {
      await createActions(trx, testActor, (await plan(trx)).id, [
        { title: 'Batch one', owners: ['New Person'], status: 'complete' },
        { title: 'Batch two', targetDate: 'Ongoing' },
      ]);
    });
    await step('the plan edited', async (trx) => {
      const row = await plan(trx);
      await updatePlan(trx, testActor, row.id, row.version, {
        title: 'Staff survey action plan 2025',
        rag: 'amber',
        ragNote: '<p>Two actions late</p>',
      });
    });
    await step('the last action completed', async (trx) => {
      const action = await actionNamed(trx, 'Train line managers');
      await updateAction(trx, testActor, action.plan_id, action.id, action.version, {
        status: 'complete',
        completedOn: '2026-03-01',
      });
    });

    expect(steps.length).toBeGreaterThan(15);
    for (const [index, { label, at, page, full }] of steps.entries()) {
      expect({ label, contents: shown(await loadPlanAsAt(db.kysely, slug, at, { updates: 'all' })) }).toEqual(
        {
          label,
          contents: full,
        },
      );
      expect({
        label,
        contents: shown(await loadPlanAsAt(db.kysely, slug, at, { updates: 'themes' })),
      }).toEqual({
        label,
        contents: page,
      });
      // Every step changed the plan, so each comparison tells the moments apart.
      if (index > 0) expect(full, label).not.toEqual(steps[index - 1]!.full);
      // A moment before the next step still shows this one.
      const next = steps[index + 1];
      if (next) {
        const before = new Date(Date.parse(next.at) - 1).toISOString();
        expect({
          label,
          contents: shown(await loadPlanAsAt(db.kysely, slug, before, { updates: 'all' })),
        }).toEqual({
          label,
          contents: full,
        });
      }
    }
    const beforeCreation = new Date(Date.parse(steps[0]!.at) - 1).toISOString();
    await expect(loadPlanAsAt(db.kysely, slug, beforeCreation, { updates: 'all' })).rejects.toThrow(
      InvalidInputError,
    );
  });
});

it('reads a moment on London clocks or as an instant, and nothing else', () => {
  expect(readAsAt('2026-02-14T12:00')).toBe('2026-02-14T12:00:00.000Z');
  expect(readAsAt('2026-06-14T12:00')).toBe('2026-06-14T11:00:00.000Z');
  expect(readAsAt('2026-06-14T12:00:30')).toBe('2026-06-14T11:00:30.000Z');
  expect(readAsAt('2026-06-14T11:00:00.000Z')).toBe('2026-06-14T11:00:00.000Z');
  expect(readAsAt('2026-02-30T12:00')).toBeNull();
  expect(readAsAt('2026-02-14T25:00')).toBeNull();
  expect(readAsAt('yesterday')).toBeNull();
  expect(readAsAt(undefined)).toBeNull();
});
