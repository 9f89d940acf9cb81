import { afterAll, beforeAll, expect, it } from 'vitest';
import { updateAction } from '../../actions/actionCommands.js';
import type { Db } from '../../db/connection.js';
import { demoPlans, loadDemo } from '../../demo/loadDemo.js';
import { loadPlanContents } from '../../plans/planContents.js';
import { presentPlanExport, type PlanExport } from '../../plans/presenters.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../../testing/factories.js';
import { saveImport, understandFile } from '../importFile.js';
import { createFinding, setActionFindings } from '../../findings/findingCommands.js';
import { findingsForExport } from '../../findings/findingQueries.js';

async function exportOf(db: Db, slug: string): Promise<PlanExport> {
  const contents = await loadPlanContents(db.kysely, slug, { updates: 'all' });
  return presentPlanExport(
    contents,
    undefined,
    undefined,
    await findingsForExport(db.kysely, contents.plan.id),
  );
}

/**
 * The export with what one database gives a plan of its own taken out: ids (references become positions in the
 * file), timestamps and versions (the count of edits made in that database).
 */
function comparable(file: PlanExport) {
  const horizon = new Map(file.horizons.map((h, i) => [h.id, `horizon ${i}`]));
  const theme = new Map(file.themes.map((t, i) => [t.id, `theme ${i}`]));
  const action = new Map(file.actions.map((a, i) => [a.id, `action ${i}`]));
  const update = ({
    id: _id,
    version: _v,
    createdAt: _c,
    ...rest
  }: PlanExport['themes'][number]['updates'][number]) => ({
    ...rest,
    actionId: rest.actionId && action.get(rest.actionId),
    themeId: rest.themeId && theme.get(rest.themeId),
  });
  const { id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...plan } = file.plan;
  return {
    format: file.format,
    formatVersion: file.formatVersion,
    plan,
    horizons: file.horizons.map(({ id: _hid, ...rest }) => rest),
    owners: file.owners.map(({ id: _oid, ...rest }) => rest),
    themes: file.themes.map(({ id: _tid, version: _tv, ...rest }) => ({
      ...rest,
      updates: rest.updates.map(update),
    })),
    actions: file.actions.map(({ id: _aid, version: _av, createdAt: _ac, updatedAt: _au, ...rest }) => ({
      ...rest,
      themeId: rest.themeId && theme.get(rest.themeId),
      horizonId: rest.horizonId && horizon.get(rest.horizonId),
      updates: rest.updates.map(update),
    })),
    findings: (file.findings ?? []).map(({ id: _fid, ...rest }) => ({
      ...rest,
      actionIds: rest.actionIds.map((id) => action.get(id)),
    })),
  };
}

describeEachDatabase('a plan exported as export.json and imported again', (current) => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await openTestDatabase(current().dialect);
    await loadDemo(current(), testActor);
  });
  afterAll(async () => {
    await target.close();
  });

  const roundTrip = async (slug: string) => {
    const before = await exportOf(current(), slug);
    const understood = await understandFile({
      fileName: `${slug}.json`,
      bytes: Buffer.from(JSON.stringify(before, null, 2)),
    });
    expect(understood.warnings).toEqual([]);
    const saved = await saveImport(target.db, testActor, understood, `${slug}.json`, null);
    expect(saved.plan.slug).toBe(slug);
    const after = await exportOf(target.db, saved.plan.slug);
    return { before, after };
  };

  it.each(demoPlans.map((demo) => demo.draft.plan.slug!))(
    'gives the same JSON for the sample plan %s',
    async (slug) => {
      const { before, after } = await roundTrip(slug);
      expect(before.actions.length).toBeGreaterThan(5);
      expect(comparable(after)).toEqual(comparable(before));
    },
  );

  it('keeps updates that moved statuses, revised dates and their reasons, percent complete, findings and the actions answering them, theme updates, owners and marking', async () => {
    const db = current();
    const plan = await makePlan(db, {
      title: 'Inspection response',
      slug: 'inspection-response',
      source: 'HMICFRS inspection 2025',
      sponsor: 'Deputy Chief Constable',
      marking: 'OFFICIAL-SENSITIVE',
      rag: 'amber',
      ragNote: '<p>Two actions are late.</p>',
      summary: '<p>The <b>summary</b>.</p>',
      horizons: ['Short term (by April 2026)', 'Medium term'],
    });
    const horizons = await db.kysely
      .selectFrom('horizons')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .execute();
    const theme = await makeTheme(db, plan.id, {
      title: 'Leadership',
      lead: 'Chief Superintendent Ops',
      status: 'in_progress',
      rag: 'green',
      progress: '<p>Going well</p>',
    });
    await db.kysely
      .updateTable('owners')
      .set({ email: 'ops.lead@example.org', kind: 'person' })
      .where('name', '=', 'Chief Superintendent Ops')
      .execute();
    await makeUpdate(
      db,
      plan.id,
      { themeId: theme.id },
      { effectiveOn: '2025-03-01', body: 'Started', statusChange: 'ongoing' },
    );
    await makeUpdate(
      db,
      plan.id,
      { themeId: theme.id },
      { effectiveOn: '2025-04-01', body: 'Reviewed', author: 'Board' },
    );
    const late = await makeAction(db, plan.id, {
      ref: '1.1',
      title: 'Refresh the leadership programme',
      owners: ['People Services', 'Ops lead'],
      themeId: theme.id,
      horizonId: horizons[0]!.id,
      status: 'in_progress',
      rag: 'red',
      ragReason: 'Supplier withdrew',
      targetDate: 'end of sept 25',
      revisedTargetDate: 'March 2026',
      revisedReason: 'The supplier withdrew in August',
      percentComplete: 40,
      description: '<ul><li>Design</li><li>Deliver</li></ul>',
    });
    const done = await makeAction(db, plan.id, {
      ref: '1.2',
      title: 'Publish the values',
      owners: ['Corp Comms'],
      horizonId: horizons[1]!.id,
      targetDate: 'Ongoing',
    });
    await makeUpdate(
      db,
      plan.id,
      { actionId: done.id },
      { effectiveOn: '2025-02-10', body: 'Drafted', statusChange: 'in_progress' },
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: done.id },
      { effectiveOn: '2025-05-20', body: 'Published', statusChange: 'complete' },
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: done.id },
      { effectiveOn: '2025-05-20', body: 'Launched at the conference' },
    );
    // Reopened by hand after the last update, with a completion date of its own on the other.
    const row = await db.kysely
      .selectFrom('actions')
      .select('version')
      .where('id', '=', done.id)
      .executeTakeFirstOrThrow();
    await db.kysely.transaction().execute((trx) =>
      updateAction(trx, testActor, plan.id, done.id, row.version, {
        status: 'complete',
        completedOn: '2025-05-01',
      }),
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: late.id },
      { effectiveOn: '2025-08-15', body: '<p>Supplier <i>withdrew</i></p>' },
    );
    await makeAction(db, plan.id, { title: 'Cancelled work', status: 'cancelled', targetDate: 'TBC' });
    await db.kysely.transaction().execute(async (trx) => {
      const afi = await createFinding(trx, testActor, plan.id, {
        reference: 'AFI 1',
        text: 'The force should improve how it develops its leaders',
        kind: 'area_for_improvement',
        sourceDocument: 'PEEL inspection 2025',
        sourceDate: '2025-01-31',
        priority: 'High',
      });
      await createFinding(trx, testActor, plan.id, {
        reference: 'R2',
        text: 'Publish the values staff helped to write',
        kind: 'recommendation',
      });
      await setActionFindings(trx, testActor, plan.id, late.id, [afi.id]);
      await setActionFindings(trx, testActor, plan.id, done.id, [afi.id]);
    });

    const { before, after } = await roundTrip('inspection-response');
    expect(before.findings?.map((f) => [f.reference, f.actionIds.length])).toEqual([
      ['AFI 1', 2],
      ['R2', 0],
    ]);
    expect(after.findings?.[0]).toMatchObject({
      reference: 'AFI 1',
      kind: 'area_for_improvement',
      sourceDocument: 'PEEL inspection 2025',
      sourceDate: '2025-01-31',
      priority: 'High',
    });
    expect(before.actions.find((a) => a.ref === '1.2')).toMatchObject({
      status: 'complete',
      completedOn: '2025-05-01',
    });
    expect(before.actions.find((a) => a.ref === '1.1')?.percentComplete).toBe(40);
    expect(after.actions.find((a) => a.ref === '1.1')?.percentComplete).toBe(40);
    expect(before.owners.find((o) => o.name === 'Chief Superintendent Ops')).toMatchObject({
      email: 'ops.lead@example.org',
    });
    expect(comparable(after)).toEqual(comparable(before));
  });

  it('refuses a file whose finding names an action it does not hold, saving nothing', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Plan with a finding' });
    const action = await makeAction(db, plan.id, { title: 'Answer it' });
    await db.kysely.transaction().execute(async (trx) => {
      const finding = await createFinding(trx, testActor, plan.id, {
        reference: 'R1',
        text: 'Do it',
        kind: 'other',
      });
      await setActionFindings(trx, testActor, plan.id, action.id, [finding.id]);
    });
    const file = await exportOf(db, plan.slug);
    expect(file.findings![0]!.actionIds).toEqual([action.id]);
    file.findings![0]!.actionIds = ['no-such-action'];
    await expect(
      understandFile({ fileName: 'bad.json', bytes: Buffer.from(JSON.stringify(file)) }),
    ).rejects.toThrow(
      'This JSON file is not a Headway plan export (the export.json of a plan): findings[0].actionIds names "no-such-action", which it does not hold. Nothing was saved',
    );
  });
});
