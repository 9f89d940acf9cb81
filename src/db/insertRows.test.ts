import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { insertRows, rowsPerStatement } from './insertRows.js';
import { makePlan } from '../testing/factories.js';
import type { OwnerRow } from './schema.js';

describeEachDatabase('inserting many rows at once', (current) => {
  const owner = (index: number, name: string): OwnerRow => ({
    id: `owner-${String(index).padStart(5, '0')}`,
    name,
    name_key: `${name.toLowerCase()} ${index}`,
    kind: index % 2 === 0 ? 'person' : 'team',
    email: '',
    version: 1,
    created_at: '2026-11-29T10:00:00.000Z',
  });

  it('stores every column as given, whatever characters the text holds', async () => {
    const db = current();
    const awkward = [
      `Quotes " and ' and \\ backslash`,
      'Line one\nline two\ttabbed',
      'Unicode: Ŵales – “curly” café 😀',
      '{"looks": ["like", "json"]}',
      '<p>Some &amp; markup</p>',
    ];
    const rows = awkward.map((name, index) => owner(index, name));
    await db.kysely.transaction().execute((trx) => insertRows(trx, 'owners', rows));
    const stored = await db.kysely.selectFrom('owners').selectAll().orderBy('id').execute();
    expect(stored).toEqual(rows);
  });

  it('stores nulls and numbers as themselves, and a column left undefined takes its default', async () => {
    const db = current();
    const plan = await makePlan(db);
    const themes = [0, 1, 2].map((position) => ({
      id: `theme-${position}`,
      plan_id: plan.id,
      title: `Theme ${position}`,
      lead_owner_id: null,
      status: null,
      rag: position === 1 ? ('amber' as const) : null,
      // Undefined as a value from an optional field would be: Kysely leaves such a column to its default.
      progress: undefined as unknown as string,
      future_actions: '',
      position,
      version: 1,
      created_at: plan.created_at,
      updated_at: plan.created_at,
    }));
    await db.kysely.transaction().execute((trx) => insertRows(trx, 'themes', themes));
    const stored = await db.kysely.selectFrom('themes').selectAll().orderBy('position').execute();
    expect(stored.map((t) => [t.position, t.rag, t.lead_owner_id, t.progress])).toEqual([
      [0, null, null, ''],
      [1, 'amber', null, ''],
      [2, null, null, ''],
    ]);
  });

  it('stores more rows than one statement takes, each once', async () => {
    const db = current();
    const rows = Array.from({ length: rowsPerStatement * 2 + 7 }, (_, index) => owner(1000 + index, 'Bulk'));
    await db.kysely.transaction().execute((trx) => insertRows(trx, 'owners', rows));
    const stored = await db.kysely
      .selectFrom('owners')
      .select('id')
      .where('name', '=', 'Bulk')
      .orderBy('id')
      .execute();
    expect(stored.map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it('writes nothing for no rows, and a failed batch leaves the transaction to roll back whole', async () => {
    const db = current();
    await db.kysely.transaction().execute((trx) => insertRows(trx, 'owners', []));
    const clash = [owner(9000, 'First'), owner(9000, 'Same id again')];
    await expect(
      db.kysely.transaction().execute((trx) => insertRows(trx, 'owners', clash)),
    ).rejects.toThrow();
    const left = await db.kysely.selectFrom('owners').select('id').where('id', '=', 'owner-09000').execute();
    expect(left).toEqual([]);
  });
});
