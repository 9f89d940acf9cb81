// Small builders for test data, each going through the same commands the app uses.
import { createAction, type ActionInput } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import type { Actor } from '../history/recordChange.js';
import { createPlan, type PlanInput } from '../plans/planCommands.js';
import { createTheme, type ThemeInput } from '../themes/themeCommands.js';
import { postUpdate, type UpdateInput, type UpdateSubject } from '../updates/updateCommands.js';

export const testActor: Actor = { name: 'Test Manager' };

let counter = 0;
function unique(): number {
  counter += 1;
  return counter;
}

export function makePlan(db: Db, input: PlanInput = {}) {
  const n = unique();
  return db.kysely.transaction().execute((trx) =>
    createPlan(trx, testActor, {
      title: `Plan ${n}`,
      slug: `plan-${n}-${Date.now().toString(36)}`,
      ...input,
    }),
  );
}

export function makeTheme(db: Db, planId: string, input: ThemeInput = {}) {
  const n = unique();
  return db.kysely
    .transaction()
    .execute((trx) => createTheme(trx, testActor, planId, { title: `Theme ${n}`, ...input }));
}

export function makeAction(db: Db, planId: string, input: ActionInput = {}) {
  const n = unique();
  return db.kysely
    .transaction()
    .execute((trx) => createAction(trx, testActor, planId, { title: `Action ${n}`, ...input }));
}

export function makeUpdate(db: Db, planId: string, subject: UpdateSubject, input: UpdateInput = {}) {
  return db.kysely
    .transaction()
    .execute((trx) => postUpdate(trx, testActor, planId, subject, { body: 'Progress made', ...input }));
}

/**
 * A report of February 2026 published at `publishedAt` (created half an hour before), written directly rather than
 * through the report's commands: the tests that use it read only that it was published, and when.
 */
export function makePublishedReport(db: Db, planId: string, id: string, publishedAt: string) {
  return db.kysely
    .insertInto('reports')
    .values({
      id,
      plan_id: planId,
      status: 'published',
      period_text: 'February 2026',
      period_start: '2026-02-01',
      period_end: '2026-02-28',
      overall_status: '',
      rag: null,
      sections_json: '{}',
      version: 1,
      created_at: new Date(Date.parse(publishedAt) - 30 * 60_000).toISOString(),
      updated_at: publishedAt,
      published_at: publishedAt,
      snapshot_json: '{}',
      replaces_id: null,
      edition: 1,
    })
    .execute();
}
