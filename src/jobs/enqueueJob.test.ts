import { expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { composeEmail, queueEmail } from '../mail/emailMessage.js';
import { enqueueJob } from './enqueueJob.js';

describeEachDatabase('Queuing a job', (current) => {
  it('queues work in the caller’s transaction, and only if it is saved', async () => {
    const db = current();
    const kept = await inTransaction(db, (trx) => enqueueJob(trx, { kind: 'kept', payload: { n: 1 } }));
    await expect(
      inTransaction(db, async (trx) => {
        await enqueueJob(trx, { kind: 'rolled-back', payload: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('kind', 'in', ['kept', 'rolled-back'])
      .execute();
    expect(rows.map((row) => [row.id, row.kind, row.state, JSON.parse(row.payload_json)])).toEqual([
      [kept, 'kept', 'queued', { n: 1 }],
    ]);
  });

  it('does the work named by a unique key once, however often it is asked for', async () => {
    const db = current();
    const ask = () =>
      inTransaction(db, (trx) =>
        enqueueJob(trx, { kind: 'digest', payload: {}, uniqueKey: 'digest:someone:2026-W49' }),
      );
    const first = await ask();
    const [second, third] = await Promise.all([ask(), ask()]);
    expect([second, third]).toEqual([first, first]);
    const count = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('unique_key', '=', 'digest:someone:2026-W49')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});

it('lays an e-mail out with the marking at the top of both parts and in the subject, escaping text for HTML', () => {
  const message = composeEmail({
    to: 'owner@example.org',
    subject: 'Updates wanted by 7 August 2021',
    marking: 'OFFICIAL-SENSITIVE',
    paragraphs: ['Fish & chips <b>for</b> staff'],
    items: [{ title: 'Action 1.1', url: 'https://headway.example/plans/a', detail: 'Due March 2024' }],
    unsubscribeUrl: 'https://headway.example/unsubscribe/x',
  });
  expect(message.subject).toBe('[OFFICIAL-SENSITIVE] Updates wanted by 7 August 2021');
  expect(message.text.split('\n')[0]).toBe('OFFICIAL-SENSITIVE');
  expect(message.text).toContain('Fish & chips <b>for</b> staff');
  expect(message.text).toContain('https://headway.example/unsubscribe/x');
  expect(message.html).toContain('Fish &amp; chips &lt;b&gt;for&lt;/b&gt; staff');
  expect(message.html.indexOf('OFFICIAL-SENSITIVE')).toBeLessThan(message.html.indexOf('Fish'));
  expect(message.html).not.toContain('<b>');
  expect(composeEmail({ ...message, marking: '', paragraphs: [] }).subject).toBe(message.subject);
});

describeEachDatabase('Queuing an e-mail', (current) => {
  it('stores the composed message as an e-mail job', async () => {
    const db = current();
    const id = await inTransaction(db, (trx) =>
      queueEmail(trx, { to: 'a@example.org', subject: 'Hello', marking: 'OFFICIAL', paragraphs: ['Hi'] }),
    );
    const row = await db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.kind).toBe('email');
    expect(JSON.parse(row.payload_json)).toMatchObject({ to: 'a@example.org', subject: '[OFFICIAL] Hello' });
  });
});
