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
