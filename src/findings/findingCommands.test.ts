import { expect, it } from 'vitest';
import { deleteAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { describeChange } from '../history/changeSentences.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import {
  createFinding,
  deleteFinding,
  setActionFindings,
  updateFinding,
  type FindingInput,
} from './findingCommands.js';

function makeFinding(db: Db, planId: string, input: FindingInput = {}) {
  return inTransaction(db, (trx) =>
    createFinding(trx, testActor, planId, {
      reference: 'R1',
      text: 'Leaders should explain the service vision to all staff',
      kind: 'recommendation',
      ...input,
    }),
  );
}

async function contentVersion(db: Db, planId: string): Promise<number> {
  const plan = await db.kysely
    .selectFrom('plans')
    .select('content_version')
    .where('id', '=', planId)
    .executeTakeFirstOrThrow();
  return plan.content_version;
}

/** The plan's history in words, oldest first: the subject and lines of each row. */
async function historyInWords(db: Db, planId: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('history')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('record_type', 'in', ['finding', 'action_finding'])
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const told = describeChange(row);
    return `${told.subject}: ${told.lines.map((line) => line.text).join('; ')}`;
  });
}

async function findingsAnswered(db: Db, actionId: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('action_findings')
    .innerJoin('findings', 'findings.id', 'action_findings.finding_id')
    .select('findings.reference')
    .where('action_findings.action_id', '=', actionId)
    .orderBy('findings.reference')
    .execute();
  return rows.map((row) => row.reference);
}

describeEachDatabase('finding commands', (current) => {
  it('adds a finding with its source, and tells it in the history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const before = await contentVersion(db, plan.id);
    const finding = await makeFinding(db, plan.id, {
      reference: 'R3',
      kind: 'area_for_improvement',
      sourceDocument: 'Inspection report',
      sourceDate: '2021-08-07',
      priority: 'High',
    });
    expect(finding).toMatchObject({
      reference: 'R3',
      kind: 'area_for_improvement',
      source_document: 'Inspection report',
      source_date: '2021-08-07',
      priority: 'High',
      version: 1,
    });
    expect(await contentVersion(db, plan.id)).toBeGreaterThan(before);
    expect(await historyInWords(db, plan.id)).toEqual(['Finding R3: Finding R3 added']);
  });

  it('refuses a finding without a reference or text, of an unknown kind or with a date that is not real', async () => {
    const db = current();
    const plan = await makePlan(db);
    const refused = await makeFinding(db, plan.id, {
      reference: ' ',
      text: '',
      kind: 'wish' as FindingInput['kind'],
      sourceDate: '2021-02-30',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).fieldErrors).toEqual({
      reference: 'Enter the reference',
      text: 'Enter the text of the finding',
      kind: expect.stringMatching(/^The kind of finding must be one of: recommendation, /),
      sourceDate: 'The date of the source must be a real date, like 2021-08-07',
    });
    const stored = await db.kysely
      .selectFrom('findings')
      .select('id')
      .where('plan_id', '=', plan.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it('refuses a second finding with the same reference in one plan, but not in another plan', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    await makeFinding(db, plan.id, { reference: 'R1' });
    await expect(makeFinding(db, plan.id, { reference: 'R1' })).rejects.toMatchObject({
      fieldErrors: { reference: 'This plan already has a finding R1: choose another reference' },
    });
    await expect(makeFinding(db, other.id, { reference: 'R1' })).resolves.toMatchObject({ reference: 'R1' });
  });

  it('edits a finding from the version read, and tells each change in words', async () => {
    const db = current();
    const plan = await makePlan(db);
    const finding = await makeFinding(db, plan.id, { reference: 'R3' });
    const before = await contentVersion(db, plan.id);
    const after = await inTransaction(db, (trx) =>
      updateFinding(trx, testActor, plan.id, finding.id, 1, {
        text: 'Leaders should explain the vision in person',
        kind: 'survey_finding',
        sourceDate: '2022-01-31',
      }),
    );
    expect(after).toMatchObject({ version: 2, kind: 'survey_finding', reference: 'R3' });
    expect(await contentVersion(db, plan.id)).toBeGreaterThan(before);
    expect((await historyInWords(db, plan.id)).at(-1)).toBe(
      'Finding R3: Text changed; Kind: Recommendation → Survey finding; Date of the source: Not set → 31 January 2022',
    );
  });

  it('refuses a stale edit and writes nothing: not the finding, its history, nor the plan version', async () => {
    const db = current();
    const plan = await makePlan(db);
    const finding = await makeFinding(db, plan.id);
    await inTransaction(db, (trx) =>
      updateFinding(trx, testActor, plan.id, finding.id, 1, { text: 'First edit' }),
    );
    const historyBefore = await historyInWords(db, plan.id);
    const versionBefore = await contentVersion(db, plan.id);
    await expect(
      inTransaction(db, (trx) =>
        updateFinding(trx, testActor, plan.id, finding.id, 1, { text: 'Edit opened before the first' }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const stored = await db.kysely
      .selectFrom('findings')
      .select(['text', 'version'])
      .where('id', '=', finding.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ text: 'First edit', version: 2 });
    expect(await historyInWords(db, plan.id)).toEqual(historyBefore);
    expect(await contentVersion(db, plan.id)).toBe(versionBefore);
  });

  it('sets the findings an action answers, telling each one newly answered and each no longer', async () => {
    const db = current();
    const plan = await makePlan(db);
    const r1 = await makeFinding(db, plan.id, { reference: 'R1' });
    const r3 = await makeFinding(db, plan.id, { reference: 'R3' });
    const action = await makeAction(db, plan.id, { ref: '2.1' });
    const before = await contentVersion(db, plan.id);
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [r1.id, r3.id]));
    expect(await findingsAnswered(db, action.id)).toEqual(['R1', 'R3']);
    expect(await contentVersion(db, plan.id)).toBeGreaterThan(before);
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [r3.id]));
    expect(await findingsAnswered(db, action.id)).toEqual(['R3']);
    expect((await historyInWords(db, plan.id)).slice(-3)).toEqual([
      'Finding R1: Action 2.1 now answers finding R1',
      'Finding R3: Action 2.1 now answers finding R3',
      'Finding R1: Action 2.1 no longer answers finding R1',
    ]);
    const linkRows = await db.kysely
      .selectFrom('history')
      .select('subject_id')
      .where('record_type', '=', 'action_finding')
      .where('plan_id', '=', plan.id)
      .execute();
    expect(new Set(linkRows.map((row) => row.subject_id))).toEqual(new Set([action.id]));
  });

  it('refuses to link a finding of another plan to an action, and changes nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const own = await makeFinding(db, plan.id, { reference: 'R1' });
    const foreign = await makeFinding(db, other.id, { reference: 'X1' });
    const action = await makeAction(db, plan.id);
    await inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [own.id]));
    const versionBefore = await contentVersion(db, plan.id);
    await expect(
      inTransaction(db, (trx) => setActionFindings(trx, testActor, plan.id, action.id, [foreign.id])),
    ).rejects.toMatchObject({ fieldErrors: { findingIds: 'Choose findings of this plan' } });
    expect(await findingsAnswered(db, action.id)).toEqual(['R1']);
    expect(await contentVersion(db, plan.id)).toBe(versionBefore);
  });

  it('deletes a finding and the links to it, and an action deleted answers its findings no longer', async () => {
    const db = current();
    const plan = await makePlan(db);
    const r1 = await makeFinding(db, plan.id, { reference: 'R1' });
    const r2 = await makeFinding(db, plan.id, { reference: 'R2' });
    const kept = await makeAction(db, plan.id, { ref: '1' });
    const gone = await makeAction(db, plan.id, { ref: '2' });
    await inTransaction(db, async (trx) => {
      await setActionFindings(trx, testActor, plan.id, kept.id, [r1.id, r2.id]);
      await setActionFindings(trx, testActor, plan.id, gone.id, [r2.id]);
    });
    await inTransaction(db, (trx) => deleteFinding(trx, testActor, plan.id, r1.id));
    await inTransaction(db, (trx) => deleteAction(trx, testActor, plan.id, gone.id));
    expect(await findingsAnswered(db, kept.id)).toEqual(['R2']);
    const links = await db.kysely.selectFrom('action_findings').select('action_id').execute();
    expect(links.filter((link) => link.action_id === gone.id)).toEqual([]);
    expect((await historyInWords(db, plan.id)).slice(-3)).toEqual([
      'Finding R1: Action 1 no longer answers finding R1',
      'Finding R1: Finding R1 deleted',
      'Finding R2: Action 2 no longer answers finding R2',
    ]);
  });
});
