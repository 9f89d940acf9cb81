import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { reusableQuery } from './reusableQuery.js';

describeEachDatabase('a query compiled once', (current) => {
  it('gives each run its own values, in their places, on the database and in a transaction', async () => {
    const db = current();
    const first = await makePlan(db, { title: 'First plan' });
    const second = await makePlan(db, { title: 'Second plan' });
    const byTitleAndSlug = reusableQuery(['slug', 'title'], (kysely, { slug, title }) =>
      // The title comes first in the SQL and second in the names: each value must still land in its place.
      kysely.selectFrom('plans').select(['id', 'title']).where('title', '=', title).where('slug', '=', slug),
    );
    expect(await byTitleAndSlug(db.kysely, { slug: first.slug, title: 'First plan' })).toEqual([
      { id: first.id, title: 'First plan' },
    ]);
    expect(await byTitleAndSlug(db.kysely, { slug: second.slug, title: 'Second plan' })).toEqual([
      { id: second.id, title: 'Second plan' },
    ]);
    expect(await byTitleAndSlug(db.kysely, { slug: second.slug, title: 'First plan' })).toEqual([]);
    await db.kysely.transaction().execute(async (trx) => {
      expect(await byTitleAndSlug(trx, { slug: first.slug, title: 'First plan' })).toHaveLength(1);
    });
  });

  it('refuses a query that binds a value it does not name, which would keep the first run’s value', async () => {
    const db = current();
    const withLiteral = reusableQuery(['slug'], (kysely, { slug }) =>
      kysely.selectFrom('plans').select('id').where('slug', '=', slug).where('title', '=', 'Fixed'),
    );
    await expect(withLiteral(db.kysely, { slug: 'any' })).rejects.toThrow(
      'A reusable query binds a value it does not name: Fixed',
    );
  });
});
