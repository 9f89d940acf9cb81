import { describe, expect, it } from 'vitest';
import type { Status } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { coverageSentence, coverageState, planCoverage } from './coverage.js';
import { createFinding, setActionFindings, type FindingInput } from './findingCommands.js';

const counts = (total: number, withActions: number, complete: number) => ({
  total,
  withActions,
  complete,
  open: withActions - complete,
  noAction: total - withActions,
});

describe('a coverage sentence', () => {
  it('counts a kind in the singular and plural', () => {
    expect(coverageSentence('recommendation', counts(14, 12, 5))).toBe(
      '14 recommendations: 12 with actions, 5 complete',
    );
    expect(coverageSentence('recommendation', counts(1, 0, 0))).toBe(
      '1 recommendation: 0 with actions, 0 complete',
    );
    expect(coverageSentence('area_for_improvement', counts(3, 2, 1))).toBe(
      '3 areas for improvement: 2 with actions, 1 complete',
    );
    expect(coverageSentence('focus_group_theme', counts(1, 1, 1))).toBe(
      '1 focus-group theme: 1 with actions, 1 complete',
    );
  });

  it('takes a finding answered only by cancelled actions as having no action', () => {
    const state = (...statuses: Status[]) => coverageState(statuses.map((status) => ({ status })));
    expect(state()).toBe('no_action');
    expect(state('cancelled')).toBe('no_action');
    expect(state('complete', 'cancelled')).toBe('complete');
    expect(state('complete', 'ongoing')).toBe('open');
    expect(state('not_started')).toBe('open');
  });
});

describeEachDatabase('coverage of findings', (current) => {
  it('puts each finding under no action, open actions or all complete, and counts them by kind', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const add = (reference: string, kind: FindingInput['kind']) =>
      inTransaction(db, (trx) =>
        createFinding(trx, testActor, plan.id, { reference, kind, text: `Finding ${reference}` }),
      );
    const r1 = await add('R1', 'recommendation');
    const r2 = await add('R2', 'recommendation');
    await add('R3', 'recommendation');
    const a1 = await add('AFI1', 'area_for_improvement');
    const done = await makeAction(db, plan.id, { ref: '1', status: 'complete' });
    const going = await makeAction(db, plan.id, { ref: '2', status: 'in_progress' });
    const dropped = await makeAction(db, plan.id, { ref: '3', status: 'cancelled' });
    await inTransaction(db, async (trx) => {
      await setActionFindings(trx, testActor, plan.id, done.id, [r1.id, r2.id]);
      await setActionFindings(trx, testActor, plan.id, going.id, [r2.id]);
      await setActionFindings(trx, testActor, plan.id, dropped.id, [a1.id]);
    });
    // Another plan's findings and actions count for nothing here.
    await inTransaction(db, (trx) =>
      createFinding(trx, testActor, other.id, { reference: 'R9', kind: 'recommendation', text: 'Elsewhere' }),
    );

    const coverage = await planCoverage(db.kysely, plan.id);
    expect(coverage.findings.map((item) => [item.finding.reference, item.state])).toEqual([
      ['R1', 'complete'],
      ['R2', 'open'],
      ['R3', 'no_action'],
      ['AFI1', 'no_action'],
    ]);
    expect(coverage.findings[1]!.actions.map((action) => action.ref)).toEqual(['1', '2']);
    expect(coverage.counts).toEqual({ total: 4, noAction: 2, open: 1, complete: 1, withActions: 2 });
    expect(coverage.byKind.map((kind) => kind.sentence)).toEqual([
      '3 recommendations: 2 with actions, 1 complete',
      '1 area for improvement: 0 with actions, 0 complete',
    ]);
  });

  it('has nothing to count for a plan without findings', async () => {
    const db = current();
    const plan = await makePlan(db);
    expect(await planCoverage(db.kysely, plan.id)).toEqual({
      findings: [],
      counts: { total: 0, noAction: 0, open: 0, complete: 0, withActions: 0 },
      byKind: [],
    });
  });
});
