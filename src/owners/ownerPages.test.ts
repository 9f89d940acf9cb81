import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { createOwner, updateOwner } from './ownerCommands.js';

let made = 0;

async function ownerNamed(db: Db, name: string) {
  return db.kysely.selectFrom('owners').selectAll().where('name', '=', name).executeTakeFirst();
}

describeEachDatabase('owner pages and API', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  async function anOwner() {
    made += 1;
    return inTransaction(current(), (trx) =>
      createOwner(trx, testActor, { name: `Pat Page ${made}`, kind: 'person' }),
    );
  }

  it('refuses a stale edit with both versions shown, keeping what the user typed', async () => {
    const db = current();
    const owner = await anOwner();
    const page = await app.inject(`/owners/${owner.id}/edit`);
    expect(page.body).toContain('name="version" value="1"');
    await inTransaction(db, (trx) =>
      updateOwner(trx, testActor, owner.id, 1, { name: `${owner.name} (saved elsewhere)` }),
    );
    const stale = await app.inject({
      method: 'POST',
      url: `/owners/${owner.id}/edit`,
      ...form({ version: '1', name: `${owner.name} my wording`, kind: 'person', email: '' }),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved a change while you were editing');
    expect(stale.body).toContain(`data-saved>${owner.name} (saved elsewhere)<`);
    expect(stale.body).toContain(`data-mine>${owner.name} my wording<`);
    expect(stale.body).toContain(`value="${owner.name} my wording"`);
    expect(stale.body).toContain('name="version" value="2"');
    expect((await ownerNamed(db, `${owner.name} (saved elsewhere)`))?.version).toBe(2);
    const again = await app.inject({
      method: 'POST',
      url: `/owners/${owner.id}/edit`,
      ...form({ version: '2', name: `${owner.name} my wording`, kind: 'person', email: '' }),
    });
    expect(again.statusCode).toBe(303);
    expect((await ownerNamed(db, `${owner.name} my wording`))?.version).toBe(3);
  });

  it('refuses a stale delete, shows the owner as it stands, and deletes once confirmed again', async () => {
    const db = current();
    const owner = await anOwner();
    expect((await app.inject(`/owners/${owner.id}/delete`)).body).toContain('name="version" value="1"');
    await inTransaction(db, (trx) => updateOwner(trx, testActor, owner.id, 1, { email: 'pat@example.org' }));
    const stale = await app.inject({
      method: 'POST',
      url: `/owners/${owner.id}/delete`,
      ...form({ confirm: 'yes', version: '1' }),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('You started from version 1; the owner is now at version 2');
    expect(stale.body).toContain('name="version" value="2"');
    expect(await ownerNamed(db, owner.name)).toBeDefined();
    const confirmed = await app.inject({
      method: 'POST',
      url: `/owners/${owner.id}/delete`,
      ...form({ confirm: 'yes', version: '2' }),
    });
    expect(confirmed.statusCode).toBe(303);
    expect(await ownerNamed(db, owner.name)).toBeUndefined();
  });

  it('merges an owner into another from the page: their work moves and the page goes to the one kept', async () => {
    const db = current();
    const plan = await makePlan(db);
    made += 1;
    const action = await makeAction(db, plan.id, { owners: [`Corp Comms ${made}`] });
    await makeTheme(db, plan.id, { lead: `Corp Comms ${made}` });
    const source = (await ownerNamed(db, `Corp Comms ${made}`))!;
    const into = await anOwner();
    const page = await app.inject(`/owners/${source.id}/merge`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<option value="${into.id}">${into.name}</option>`);
    expect(page.body).not.toContain(`<option value="${source.id}"`);
    const unchosen = await app.inject({
      method: 'POST',
      url: `/owners/${source.id}/merge`,
      ...form({ version: '1', into: '' }),
    });
    expect(unchosen.statusCode).toBe(400);
    expect(unchosen.body).toContain('Choose an owner from the directory to merge this one into');
    const merged = await app.inject({
      method: 'POST',
      url: `/owners/${source.id}/merge`,
      ...form({ version: '1', into: into.id }),
    });
    expect(merged.statusCode).toBe(303);
    expect(merged.headers.location).toBe(`/owners/${into.id}?notice=owner-merged`);
    const kept = await app.inject(merged.headers.location!);
    expect(kept.body).toContain('Owners merged');
    expect(kept.body).toContain(action.title);
    expect(await ownerNamed(db, source.name)).toBeUndefined();
  });

  it('carries the version in the API and answers a stale change with 409 and the owner as it stands', async () => {
    const owner = await anOwner();
    const read = await app.inject(`/api/v1/owners/${owner.id}`);
    expect(read.json()).toMatchObject({ name: owner.name, version: 1 });
    const listed = await app.inject(`/api/v1/owners?q=${encodeURIComponent(owner.name)}`);
    expect(listed.json().items[0]).toMatchObject({ id: owner.id, version: 1 });
    const unversioned = await app.inject({
      method: 'PATCH',
      url: `/api/v1/owners/${owner.id}`,
      payload: { email: 'pat@example.org' },
    });
    expect(unversioned.statusCode).toBe(400);
    expect(Object.keys(unversioned.json().errors)).toEqual(['version']);
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/owners/${owner.id}`,
      payload: { email: 'pat@example.org', version: 1 },
    });
    expect(changed.json()).toMatchObject({ email: 'pat@example.org', version: 2 });
    for (const stale of [
      { method: 'PATCH' as const, url: `/api/v1/owners/${owner.id}`, payload: { name: 'Stale', version: 1 } },
      { method: 'DELETE' as const, url: `/api/v1/owners/${owner.id}?version=1` },
      {
        method: 'POST' as const,
        url: `/api/v1/owners/${owner.id}/merge`,
        payload: { into: (await anOwner()).id, version: 1 },
      },
    ]) {
      const answer = await app.inject(stale);
      expect(answer.statusCode).toBe(409);
      expect(answer.json()).toMatchObject({
        currentVersion: 2,
        current: { id: owner.id, name: owner.name, email: 'pat@example.org', version: 2 },
      });
    }
    expect((await ownerNamed(current(), owner.name))?.version).toBe(2);
    const into = await anOwner();
    const merged = await app.inject({
      method: 'POST',
      url: `/api/v1/owners/${owner.id}/merge`,
      payload: { into: into.id, version: 2 },
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ id: into.id, name: into.name });
    expect((await app.inject(`/api/v1/owners/${owner.id}`)).statusCode).toBe(404);
  });
});
