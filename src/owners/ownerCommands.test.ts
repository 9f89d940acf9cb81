import { expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import type { OwnerRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import type { Actor } from '../history/recordChange.js';
import { setPlanRole } from '../people/userCommands.js';
import { fingerprint } from '../testing/accessWorld.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { signedInUser } from '../testing/testApp.js';
import { createAction, ownerNamesOf, updateAction } from '../actions/actionCommands.js';
import { createOwner, deleteOwner, findOrCreateOwners, mergeOwner, updateOwner } from './ownerCommands.js';

const config = readConfig({}, { actorName: 'Test Manager' });
let made = 0;

/** Plans A and B, an owner of an action and the lead of a theme in each, and a manager of A only. */
async function twoPlans(db: Db) {
  made += 1;
  const A = await makePlan(db, { title: `Alder plan ${made}` });
  const B = await makePlan(db, { title: `Birch plan ${made}` });
  const inA = `Avery Adams ${made}`;
  const inB = `Bryony Bramble ${made}`;
  const inBoth = `Corp Comms ${made}`;
  const actionA = await makeAction(db, A.id, { title: 'Alder action', owners: [inA, inBoth] });
  const themeA = await makeTheme(db, A.id, { title: 'Alder theme', lead: inA });
  const actionB = await makeAction(db, B.id, { title: 'Birch action', owners: [inB, inBoth] });
  const themeB = await makeTheme(db, B.id, { title: 'Birch theme', lead: inB });
  const managerOfA = await signedInUser(db, config, 'manager', 'Morgan Manager');
  await inTransaction(db, (trx) => setPlanRole(trx, testActor, A.id, managerOfA.user.id, 'manager'));
  const owner = (name: string) =>
    db.kysely.selectFrom('owners').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  return {
    A,
    B,
    actionA,
    themeA,
    actionB,
    themeB,
    ownerInA: await owner(inA),
    ownerInB: await owner(inB),
    ownerInBoth: await owner(inBoth),
    managerOfA: { name: managerOfA.user.name, userId: managerOfA.user.id } satisfies Actor,
  };
}

async function historyOf(db: Db, recordId: string) {
  return db.kysely
    .selectFrom('history')
    .selectAll()
    .where('record_id', '=', recordId)
    .orderBy('id')
    .execute()
    .then((rows) =>
      rows.map((row) => ({
        ...row,
        before: JSON.parse(row.before_json ?? 'null') as Record<string, unknown> | null,
        after: JSON.parse(row.after_json ?? 'null') as Record<string, unknown> | null,
      })),
    );
}

async function versionOf(db: Db, table: 'actions' | 'themes', id: string) {
  return (await db.kysely.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow())
    .version;
}

describeEachDatabase('owner commands', (current) => {
  it('refuses a manager of one plan who renames, merges or deletes an owner of another, and changes nothing', async () => {
    const db = current();
    const w = await twoPlans(db);
    const spare = await inTransaction(db, (trx) => createOwner(trx, testActor, { name: `Spare ${made}` }));
    for (const owner of [w.ownerInB, w.ownerInBoth]) {
      const before = await fingerprint(db);
      const attempts: [string, (o: OwnerRow) => Promise<unknown>][] = [
        [
          'rename',
          (o) => inTransaction(db, (trx) => updateOwner(trx, w.managerOfA, o.id, 1, { name: 'Renamed' })),
        ],
        [
          'change',
          (o) => inTransaction(db, (trx) => updateOwner(trx, w.managerOfA, o.id, 1, { kind: 'team' })),
        ],
        ['merge', (o) => inTransaction(db, (trx) => mergeOwner(trx, w.managerOfA, o.id, 1, spare.id))],
        ['delete', (o) => inTransaction(db, (trx) => deleteOwner(trx, w.managerOfA, o.id, 1))],
      ];
      for (const [verb, attempt] of attempts) {
        const refusal = await attempt(owner).catch((error: unknown) => error);
        expect(refusal, `${verb} ${owner.name}`).toBeInstanceOf(ForbiddenError);
        expect((refusal as Error).message).toBe(
          `Only an administrator, or someone who manages every plan "${owner.name}" appears in, can ${verb} this ` +
            'owner: they appear in a plan you do not manage, so nothing was changed',
        );
        expect((refusal as Error).message).not.toContain('Birch');
      }
      expect(await fingerprint(db)).toBe(before);
    }
  });

  it('lets a manager of every plan the owner appears in, or an administrator, rename them', async () => {
    const db = current();
    const w = await twoPlans(db);
    const renamed = await inTransaction(db, (trx) =>
      updateOwner(trx, w.managerOfA, w.ownerInA.id, 1, { name: `${w.ownerInA.name} Jones` }),
    );
    expect(renamed).toMatchObject({ name: `${w.ownerInA.name} Jones`, version: 2 });
    const admin = await signedInUser(db, config, 'admin', 'Ada Administrator');
    const byAdmin = await inTransaction(db, (trx) =>
      updateOwner(trx, { name: admin.user.name, userId: admin.user.id }, w.ownerInBoth.id, 1, {
        name: `Communications team ${made}`,
      }),
    );
    expect(byAdmin.version).toBe(2);
    // In no plan at all, an owner is the directory's alone: any manager may keep it.
    const loose = await inTransaction(db, (trx) => createOwner(trx, testActor, { name: `Loose ${made}` }));
    await inTransaction(db, (trx) => deleteOwner(trx, w.managerOfA, loose.id, 1));
  });

  it("renames an owner on every action and theme, each a version on, in each plan's history", async () => {
    const db = current();
    const w = await twoPlans(db);
    const [actionA, actionB, themeA] = [
      await versionOf(db, 'actions', w.actionA.id),
      await versionOf(db, 'actions', w.actionB.id),
      await versionOf(db, 'themes', w.themeA.id),
    ];
    await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, w.ownerInBoth.id, 1, { name: `Communications team ${made}` }),
    );
    await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, w.ownerInA.id, 1, { name: `Avery Adams-Lee ${made}` }),
    );
    expect(await versionOf(db, 'actions', w.actionA.id)).toBe(actionA + 2);
    expect(await versionOf(db, 'actions', w.actionB.id)).toBe(actionB + 1);
    expect(await versionOf(db, 'themes', w.themeA.id)).toBe(themeA + 1);

    const [, renamedInB] = await historyOf(db, w.actionB.id);
    expect(renamedInB).toMatchObject({ plan_id: w.B.id, record_type: 'action', change: 'update' });
    expect(renamedInB!.before).toMatchObject({
      owners: [w.ownerInB.name, w.ownerInBoth.name],
      version: actionB,
    });
    expect(renamedInB!.after).toMatchObject({
      owners: [w.ownerInB.name, `Communications team ${made}`],
      version: actionB + 1,
    });
    const [, first, second] = await historyOf(db, w.actionA.id);
    expect(first!.plan_id).toBe(w.A.id);
    expect(second!.after).toMatchObject({
      owners: [`Avery Adams-Lee ${made}`, `Communications team ${made}`],
    });
    const [, lead] = await historyOf(db, w.themeA.id);
    expect(lead).toMatchObject({ plan_id: w.A.id, record_type: 'theme', change: 'update' });
    expect(lead!.before).toMatchObject({ lead: w.ownerInA.name, version: themeA });
    expect(lead!.after).toMatchObject({ lead: `Avery Adams-Lee ${made}`, version: themeA + 1 });
    const updatedAt = await db.kysely
      .selectFrom('actions')
      .select('updated_at')
      .where('id', '=', w.actionB.id)
      .executeTakeFirstOrThrow();
    expect(updatedAt.updated_at > w.actionB.updated_at).toBe(true);
  });

  it('changes only the owner, not their actions, when the name stays', async () => {
    const db = current();
    const w = await twoPlans(db);
    const version = await versionOf(db, 'actions', w.actionA.id);
    const after = await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, w.ownerInA.id, 1, { email: 'avery@example.org' }),
    );
    expect(after).toMatchObject({ email: 'avery@example.org', version: 2 });
    expect(await versionOf(db, 'actions', w.actionA.id)).toBe(version);
  });

  it('refuses a change that started from an older version, naming the current one, and changes nothing', async () => {
    const db = current();
    const w = await twoPlans(db);
    await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, w.ownerInA.id, 1, { email: 'a@example.org' }),
    );
    const before = await fingerprint(db);
    const stale: ((trx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => Promise<unknown>)[] = [
      (trx) => updateOwner(trx, testActor, w.ownerInA.id, 1, { name: 'Someone else' }),
      (trx) => mergeOwner(trx, testActor, w.ownerInA.id, 1, w.ownerInB.id),
      (trx) => deleteOwner(trx, testActor, w.ownerInA.id, 1),
    ];
    for (const change of stale) {
      const error = await inTransaction(db, change).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).currentVersion).toBe(2);
    }
    expect(await fingerprint(db)).toBe(before);
  });

  it('refuses a new name that another owner has, in any case or spacing', async () => {
    const db = current();
    const w = await twoPlans(db);
    const error = await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, w.ownerInA.id, 1, { name: `  ${w.ownerInB.name.toUpperCase()} ` }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fieldErrors.name).toMatch(/^There is already an owner called/);
  });

  it("deletes an owner: actions keep going without them, themes lose their lead, each plan's history says so", async () => {
    const db = current();
    const w = await twoPlans(db);
    const [actionA, actionB] = [
      await versionOf(db, 'actions', w.actionA.id),
      await versionOf(db, 'actions', w.actionB.id),
    ];
    await inTransaction(db, (trx) => deleteOwner(trx, testActor, w.ownerInBoth.id, 1));
    await inTransaction(db, (trx) => deleteOwner(trx, testActor, w.ownerInA.id, 1));
    expect(await versionOf(db, 'actions', w.actionA.id)).toBe(actionA + 2);
    expect(await versionOf(db, 'actions', w.actionB.id)).toBe(actionB + 1);
    const [, gone] = await historyOf(db, w.actionB.id);
    expect(gone).toMatchObject({ plan_id: w.B.id, change: 'update' });
    expect(gone!.after).toMatchObject({ owners: [w.ownerInB.name] });
    const theme = await db.kysely
      .selectFrom('themes')
      .selectAll()
      .where('id', '=', w.themeA.id)
      .executeTakeFirstOrThrow();
    expect(theme.lead_owner_id).toBeNull();
    const [, leadGone] = await historyOf(db, w.themeA.id);
    expect(leadGone!.after).toMatchObject({ lead: null, lead_owner_id: null });
    const [ownerGone] = (await historyOf(db, w.ownerInA.id)).filter((row) => row.change === 'delete');
    expect(ownerGone!.before).toMatchObject({ name: w.ownerInA.name });
  });

  it('merges an owner into another: every action and theme moves, one name per action, the first leaves', async () => {
    const db = current();
    const w = await twoPlans(db);
    // Action A names both: it keeps one link, in the place the owner kept already had.
    const version = await versionOf(db, 'actions', w.actionA.id);
    const three = await makeAction(db, w.A.id, {
      owners: [w.ownerInA.name, `Middle ${made}`, w.ownerInBoth.name],
    });
    const into = await inTransaction(db, (trx) =>
      mergeOwner(trx, w.managerOfA, w.ownerInA.id, 1, w.ownerInBoth.id),
    );
    expect(into.id).toBe(w.ownerInBoth.id);
    const links = await db.kysely
      .selectFrom('action_owners')
      .select(['owner_id', 'position'])
      .where('action_id', '=', w.actionA.id)
      .execute();
    expect(links).toEqual([{ owner_id: w.ownerInBoth.id, position: 1 }]);
    expect(await versionOf(db, 'actions', w.actionA.id)).toBe(version + 1);
    const theme = await db.kysely
      .selectFrom('themes')
      .select('lead_owner_id')
      .where('id', '=', w.themeA.id)
      .executeTakeFirstOrThrow();
    expect(theme.lead_owner_id).toBe(w.ownerInBoth.id);
    const [, merged] = await historyOf(db, w.actionA.id);
    expect(merged).toMatchObject({ plan_id: w.A.id, actor_id: w.managerOfA.userId });
    expect(merged!.before).toMatchObject({ owners: [w.ownerInA.name, w.ownerInBoth.name] });
    expect(merged!.after).toMatchObject({ owners: [w.ownerInBoth.name] });
    const [, ofThree] = await historyOf(db, three.id);
    expect(ofThree!.after).toMatchObject({ owners: [`Middle ${made}`, w.ownerInBoth.name] });
    expect(await ownerNamesOf(db.kysely, three.id)).toEqual([`Middle ${made}`, w.ownerInBoth.name]);
    const [, led] = await historyOf(db, w.themeA.id);
    expect(led!.after).toMatchObject({ lead: w.ownerInBoth.name, lead_owner_id: w.ownerInBoth.id });
    expect(
      await db.kysely.selectFrom('owners').select('id').where('id', '=', w.ownerInA.id).executeTakeFirst(),
    ).toBeUndefined();
    const [, removed] = await historyOf(db, w.ownerInA.id);
    expect(removed).toMatchObject({ change: 'delete', plan_id: null });
    expect(removed!.after).toEqual({ mergedInto: { id: w.ownerInBoth.id, name: w.ownerInBoth.name } });
  });

  it('refuses to merge an owner into themself or into an owner that does not exist', async () => {
    const db = current();
    const w = await twoPlans(db);
    const before = await fingerprint(db);
    for (const into of [w.ownerInA.id, 'no-such-owner']) {
      const error = await inTransaction(db, (trx) =>
        mergeOwner(trx, testActor, w.ownerInA.id, 1, into),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(Object.keys((error as InvalidInputError).fieldErrors)).toEqual(['into']);
    }
    expect(await fingerprint(db)).toBe(before);
  });

  it('finds owners already in the directory and adds only the new ones, once each', async () => {
    const db = current();
    const existing = await inTransaction(db, (trx) => createOwner(trx, testActor, { name: `Known ${made}` }));
    const found = await inTransaction(db, (trx) =>
      findOrCreateOwners(trx, testActor, [`KNOWN  ${made}`, `New One ${made}`, `new one ${made}`]),
    );
    expect([...found.values()].map((o) => o.name).sort()).toEqual([`Known ${made}`, `New One ${made}`]);
    expect(found.get(`known ${made}`)!.id).toBe(existing.id);
    const created = await db.kysely
      .selectFrom('history')
      .select('record_id')
      .where('record_id', '=', found.get(`new one ${made}`)!.id)
      .execute();
    expect(created).toHaveLength(1);
  });

  it('keeps owner changes and action edits whole when they race: only conflicts refused, versions in order', async () => {
    const db = current();
    const plan = await makePlan(db);
    const kept = await inTransaction(db, (trx) =>
      createOwner(trx, testActor, { name: `Kept owner ${++made}` }),
    );
    const failures: string[] = [];
    for (let round = 0; round < 12; round++) {
      const name = `Racing owner ${++made}`;
      const action = await makeAction(db, plan.id, { owners: [name] });
      await makeTheme(db, plan.id, { lead: name });
      const owner = await db.kysely
        .selectFrom('owners')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      const results = await Promise.allSettled([
        inTransaction(db, (trx) => updateOwner(trx, testActor, owner.id, 1, { name: `${name} renamed` })),
        inTransaction(db, (trx) =>
          updateAction(trx, testActor, plan.id, action.id, 1, { owners: [name, 'Racing colleague'] }),
        ),
        inTransaction(db, (trx) =>
          createAction(trx, testActor, plan.id, { title: 'Racing action', owners: [name] }),
        ),
        round % 2 === 0
          ? inTransaction(db, (trx) => deleteOwner(trx, testActor, owner.id, 1))
          : inTransaction(db, (trx) => mergeOwner(trx, testActor, owner.id, 1, kept.id)),
      ]);
      for (const result of results)
        // A change that started from a version another has moved on, or an owner another has just removed.
        if (
          result.status === 'rejected' &&
          !(result.reason instanceof ConflictError || result.reason instanceof NotFoundError)
        )
          failures.push(`round ${round}: ${String(result.reason)}`);
      const versions = (await historyOf(db, action.id)).map((row) => row.after?.version);
      const final = await versionOf(db, 'actions', action.id);
      if (versions.join() !== Array.from({ length: final }, (_, i) => i + 1).join())
        failures.push(`round ${round}: versions in history ${versions.join()} for an action at ${final}`);
    }
    expect(failures).toEqual([]);
  });
});
