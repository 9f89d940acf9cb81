import { describe, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { NotFoundError } from '../errors.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase, openTestDatabase, postgresReachable } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate, testActor } from '../testing/factories.js';
import { buildTestApp, signedInUser } from '../testing/testApp.js';
import { updatesNewestFirst } from '../updates/updateCommands.js';
import { findAction } from './actionCommands.js';
import { findActionWithUpdates } from './actionWithUpdates.js';

describeEachDatabase('an action with its updates in one statement', (db) => {
  it('gives what the action and its updates read apart give, owners and updates in their order', async () => {
    const plan = await makePlan(db());
    const action = await makeAction(db(), plan.id, {
      owners: ['Zoe Third', 'Ann First', 'Corp Comms'],
      progress: '<p>Begun <strong>well</strong></p>',
      percentComplete: 40,
    });
    await makeUpdate(db(), plan.id, { actionId: action.id }, { body: 'Oldest', effectiveOn: '2026-01-05' });
    await makeUpdate(
      db(),
      plan.id,
      { actionId: action.id },
      { body: 'Newest', effectiveOn: '2026-03-01', statusChange: 'in_progress' },
    );
    await makeUpdate(db(), plan.id, { actionId: action.id }, { body: 'Middle', effectiveOn: '2026-02-10' });
    const bare = await makeAction(db(), plan.id, {});

    for (const id of [action.id, bare.id]) {
      const apart = {
        action: await findAction(db().kysely, plan.id, id),
        updates: await updatesNewestFirst(db().kysely, plan.id, { actionId: id }),
      };
      expect(await findActionWithUpdates(db(), plan.id, id)).toEqual(apart);
    }
    const { action: read, updates } = await findActionWithUpdates(db(), plan.id, action.id);
    expect(read.owners).toEqual(['Zoe Third', 'Ann First', 'Corp Comms']);
    expect(updates.map((u) => u.body)).toEqual(['<p>Newest</p>', '<p>Middle</p>', '<p>Oldest</p>']);
    expect(typeof updates[0]!.version).toBe('number');
  });

  it('finds no action of another plan, and none that does not exist', async () => {
    const plan = await makePlan(db());
    const other = await makePlan(db());
    const action = await makeAction(db(), plan.id, {});
    await expect(findActionWithUpdates(db(), other.id, action.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(findActionWithUpdates(db(), plan.id, 'no-such-action')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('round trips of a read through the API', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`reads one action in 2 statements: the token with the plan, then the action with its updates [${dialect}]`, async (context) => {
      if (dialect === 'postgres' && !(await postgresReachable())) return context.skip();
      const statements: string[] = [];
      const test = await openTestDatabase(dialect, { onQuery: (sql) => statements.push(sql) });
      try {
        const app = await buildTestApp(test.db);
        const plan = await makePlan(test.db);
        const action = await makeAction(test.db, plan.id, { owners: ['Ann First'] });
        await makeUpdate(test.db, plan.id, { actionId: action.id });
        const viewer = await signedInUser(test.db, app.config, 'manager', 'Plan viewer');
        await inTransaction(test.db, (trx) => setPlanRole(trx, testActor, plan.id, viewer.user.id, 'viewer'));
        const outsider = await signedInUser(test.db, app.config, 'manager', 'Not in the plan');
        const path = `/api/v1/plans/${plan.slug}/actions/${action.id}`;
        for (const who of [app.signedIn, viewer, outsider]) {
          // The first request with a token records its use; the count is of the requests after that.
          await app.inject({ url: '/api/v1/plans', headers: { authorization: who.authorization } });
          statements.length = 0;
          const res = await app.inject({ url: path, headers: { authorization: who.authorization } });
          if (who === outsider) {
            // Not theirs: the plan answers as one that does not exist, after the one statement that found both.
            expect(res.statusCode).toBe(404);
            expect(statements).toHaveLength(1);
            continue;
          }
          expect(res.statusCode).toBe(200);
          expect(res.json().updates).toHaveLength(1);
          expect(statements).toHaveLength(2);
        }
        await app.close();
      } finally {
        await test.close();
      }
    });
  }
});
