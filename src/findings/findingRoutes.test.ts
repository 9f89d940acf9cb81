// The findings API as a script uses it: create, read, list a page at a time, change from a version, delete, link
// actions, and coverage.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan } from '../testing/factories.js';
import { buildTestApp } from '../testing/testApp.js';

describeEachDatabase('findings API', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });

  it('creates, reads, changes from the version read, and deletes a finding', async () => {
    const plan = await makePlan(current());
    const base = `/api/v1/plans/${plan.slug}/findings`;
    const created = await send('POST', base, {
      reference: 'AFI 2',
      text: 'Supervisors should hold regular one-to-ones',
      kind: 'area_for_improvement',
      sourceDocument: 'Inspection report',
      sourceDate: '2022-03-01',
    });
    expect(created.statusCode).toBe(201);
    const finding = created.json();
    expect(created.headers.location).toBe(`${base}/${finding.id}`);
    expect(finding).toMatchObject({
      reference: 'AFI 2',
      kind: 'area_for_improvement',
      sourceDate: '2022-03-01',
      priority: null,
      version: 1,
      coverage: 'no_action',
      actions: [],
    });

    const changed = await send('PATCH', `${base}/${finding.id}`, { version: 1, priority: 'High' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, priority: 'High', text: finding.text });

    const stale = await send('PATCH', `${base}/${finding.id}`, { version: 1, text: 'From an old copy' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ currentVersion: 2, current: { priority: 'High' } });
    expect((await send('GET', `${base}/${finding.id}`)).json().text).toBe(finding.text);

    expect((await send('DELETE', `${base}/${finding.id}`)).statusCode).toBe(204);
    expect((await send('GET', `${base}/${finding.id}`)).statusCode).toBe(404);
  });

  it('refuses a finding without its text or with an unknown kind, naming the field', async () => {
    const plan = await makePlan(current());
    const base = `/api/v1/plans/${plan.slug}/findings`;
    const blank = await send('POST', base, { reference: 'R1', text: ' ', kind: 'recommendation' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual({ text: 'Enter the text of the finding' });
    const unknown = await send('POST', base, { reference: 'R1', text: 'Text', kind: 'wish' });
    expect(unknown.statusCode).toBe(400);
    expect((await send('GET', base)).json().total).toBe(0);
  });

  it('lists findings a page at a time, links actions to them, and counts the coverage', async () => {
    const db = current();
    const plan = await makePlan(db);
    const other = await makePlan(db);
    const base = `/api/v1/plans/${plan.slug}/findings`;
    const ids: string[] = [];
    for (const reference of ['R1', 'R2', 'R3'])
      ids.push(
        (await send('POST', base, { reference, text: `Finding ${reference}`, kind: 'recommendation' })).json()
          .id,
      );
    const second = await send('GET', `${base}?limit=2&offset=2`);
    expect(second.json()).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(second.json().items.map((item: { reference: string }) => item.reference)).toEqual(['R3']);

    const done = await makeAction(db, plan.id, { ref: '1', status: 'complete' });
    const going = await makeAction(db, plan.id, { ref: '2', status: 'in_progress' });
    const linked = await send('PUT', `/api/v1/plans/${plan.slug}/actions/${done.id}/findings`, {
      findingIds: [ids[0], ids[1]],
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json().items.map((item: { reference: string }) => item.reference)).toEqual(['R1', 'R2']);
    await send('PUT', `/api/v1/plans/${plan.slug}/actions/${going.id}/findings`, { findingIds: [ids[1]] });

    const coverage = (await send('GET', `${base}/coverage`)).json();
    expect(coverage.counts).toEqual({ total: 3, noAction: 1, open: 1, complete: 1, withActions: 2 });
    expect(coverage.byKind.map((kind: { sentence: string }) => kind.sentence)).toEqual([
      '3 recommendations: 2 with actions, 1 complete',
    ]);
    const r2 = (await send('GET', `${base}/${ids[1]}`)).json();
    expect(r2.coverage).toBe('open');
    expect(r2.actions.map((action: { ref: string }) => action.ref)).toEqual(['1', '2']);

    // A finding of another plan cannot be linked, and nothing changes.
    const foreign = (
      await send('POST', `/api/v1/plans/${other.slug}/findings`, {
        reference: 'X1',
        text: 'Elsewhere',
        kind: 'other',
      })
    ).json();
    const refused = await send('PUT', `/api/v1/plans/${plan.slug}/actions/${done.id}/findings`, {
      findingIds: [foreign.id],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual({ findingIds: 'Choose findings of this plan' });
    expect((await send('GET', `${base}/coverage`)).json().counts.complete).toBe(1);
    // Nor can another plan's finding be read through this plan.
    expect((await send('GET', `${base}/${foreign.id}`)).statusCode).toBe(404);

    // The plan's export.json holds its findings and the actions answering each; the plan as it stood does not.
    const exported = (await send('GET', `/api/v1/plans/${plan.slug}/export.json`)).json();
    expect(
      exported.findings.map((f: { reference: string; actionIds: string[] }) => [f.reference, f.actionIds]),
    ).toEqual([
      ['R1', [done.id]],
      ['R2', [done.id, going.id]],
      ['R3', []],
    ]);
    const asAt = (
      await send('GET', `/api/v1/plans/${plan.slug}/as-at?at=${encodeURIComponent(new Date().toISOString())}`)
    ).json();
    expect(asAt.findings).toBeUndefined();
  });
});
