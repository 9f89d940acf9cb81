import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { restoreBackup } from '../backups/restoreBackup.js';
import { writeBackup } from '../backups/writeBackup.js';
import type { Db } from '../db/connection.js';
import { migrateToLatest, migrations } from '../db/migrations.js';
import { describeEachDatabase, openTestDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate } from '../testing/factories.js';
import { searchActions } from './searchActions.js';
import { dropSearchIndex } from './searchIndex.js';

const folder = mkdtempSync(join(tmpdir(), 'headway-search-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function titlesFound(db: Db, query: string) {
  const found = await searchActions(db.kysely, query, 'all', { limit: 100, offset: 0 });
  return found.matches.map((match) => match.title.map((piece) => piece.text).join('')).sort();
}

describeEachDatabase('the search index', (current) => {
  it('is filled by its migration from the actions already there', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Turnstone feeding', owners: ['Sanderling Team'] });
    await makeUpdate(db, plan.id, { actionId: action.id }, { body: 'Godwits counted' });
    // As a database was before the index: without its tables.
    await dropSearchIndex(db.kysely);
    // Migrations after it have run too, so the search's own migration is run as migrateToLatest would run it.
    await migrations(db.dialect)['008-search']!.up(db.kysely as never);
    expect(await migrateToLatest(db)).toEqual([]);
    for (const word of ['turnstone', 'sanderling', 'godwits'])
      expect(await titlesFound(db, word), word).toEqual(['Turnstone feeding']);
  });

  it('is rebuilt by a restore, which backups leave it out of', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, { title: 'Oystercatcher nests', progress: 'Redshank seen' });
    const file = join(folder, `${db.dialect}-${Date.now()}.jsonl.gz`);
    await writeBackup(db, file);
    const target = await openTestDatabase(db.dialect);
    try {
      await restoreBackup(target.db, file);
      expect(await titlesFound(target.db, 'oystercatcher')).toEqual(['Oystercatcher nests']);
      expect(await titlesFound(target.db, 'redshank')).toEqual(['Oystercatcher nests']);
    } finally {
      await target.close();
    }
  });
});
