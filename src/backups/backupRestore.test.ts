import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { updateAction } from '../actions/actionCommands.js';
import { main } from '../cli.js';
import { readConfig } from '../config.js';
import { openDatabase, type Db, type DialectName } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { loadDemo } from '../demo/loadDemo.js';
import {
  describeEachDatabase,
  openServableTestDatabase,
  postgresReachable,
  type TestDatabase,
} from '../testing/databases.js';
import { makeAction, makePlan, testActor } from '../testing/factories.js';
import { draftCultureReport } from '../testing/reports.js';
import { signedInUser } from '../testing/testApp.js';
import { BackupError } from './backupFile.js';
import { backedUpTables, leftOutTables } from './backupTables.js';
import { restoreBackup } from './restoreBackup.js';
import { searchIndexTables } from '../search/searchIndex.js';
import { writeBackup } from './writeBackup.js';

const folder = mkdtempSync(join(tmpdir(), 'headway-backup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let fileCounter = 0;
const newPath = (name: string) => join(folder, `${++fileCounter}-${name}`);

const postgres = await postgresReachable();
const kinds: DialectName[] = postgres ? ['sqlite', 'postgres'] : ['sqlite'];

const freshDatabase = (kind: DialectName) => openServableTestDatabase(kind, folder);

/** Everything a backup should carry, and a session it should not. */
async function fillWithEverything(db: Db): Promise<void> {
  await loadDemo(db, testActor);
  await signedInUser(db, readConfig({}), 'admin', 'Backed-up Administrator');
  await draftCultureReport(db);
  const plan = await makePlan(db, { title: "Ünïcode “quotes” — emoji 😀, a\nsecond line and 'single' ones" });
  const action = await makeAction(db, plan.id, {
    title: 'Tab\there, backslash \\ and "double" quotes',
    owners: ['Zoë O’Neill'],
  });
  await inTransaction(db, (trx) =>
    updateAction(trx, testActor, plan.id, action.id, 1, { status: 'in_progress' }),
  );
}

async function rowsOf(db: Db, table: (typeof backedUpTables)[number]) {
  const key = sql.join(table.key.map((column) => sql.ref(column)));
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(table.table)} order by ${key}`.execute(db.kysely);
  return rows;
}

async function totalRows(db: Db): Promise<number> {
  let total = 0;
  for (const table of await db.kysely.introspection.getTables()) {
    // SQLite's full-text index keeps its settings in rows of its own from the start.
    if (searchIndexTables.includes(table.name)) continue;
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)}`.execute(
      db.kysely,
    );
    total += Number(rows[0]!.n);
  }
  return total;
}

describe('backup tables', () => {
  it('names every table of the schema, as backed up or as left out with a reason', async () => {
    const db = openDatabase(':memory:');
    try {
      await migrateToLatest(db);
      const tables = (await db.kysely.introspection.getTables()).map((table) => table.name).sort();
      const listed = [...backedUpTables.map((table) => table.table), ...Object.keys(leftOutTables)].sort();
      expect(listed).toEqual(tables);
    } finally {
      await db.close();
    }
  });
});

for (const from of kinds)
  for (const to of kinds)
    describe(`a backup of ${from} restored into ${to}`, () => {
      let source: TestDatabase;
      let target: TestDatabase;
      let file: string;
      let restored: Record<string, number>;
      beforeAll(async () => {
        source = await freshDatabase(from);
        target = await freshDatabase(to);
        await fillWithEverything(source.db);
        file = newPath('everything.jsonl.gz');
        // Small batches, so that tables are read in many pieces, each after the last key of the one before.
        await writeBackup(source.db, file, { batchSize: 3 });
        restored = (await restoreBackup(target.db, file)).rows;
      }, 60_000);
      afterAll(async () => {
        await source?.close();
        await target?.close();
      });

      it('holds every row of every backed-up table, the same in the restored database', async () => {
        const rows = restored;
        for (const table of backedUpTables) {
          const before = await rowsOf(source.db, table);
          expect(await rowsOf(target.db, table), table.table).toEqual(before);
          expect(rows[table.table], table.table).toBe(before.length);
        }
        expect(rows.actions).toBeGreaterThan(30);
        expect(rows.users).toBe(1);
        expect(rows.api_tokens).toBe(1);
        expect(rows.reports).toBe(1);
      });

      it('derives again the states the dashboard reads, each marked when the next one followed it', async () => {
        const states = (db: Db) =>
          db.kysely
            .selectFrom('action_states')
            .select([
              'plan_id',
              'action_id',
              'at',
              'superseded_at',
              'deleted',
              'status',
              'rag',
              'target_text',
            ])
            .orderBy('plan_id')
            .orderBy('action_id')
            .orderBy('id')
            .execute();
        const before = await states(source.db);
        expect(before.some((state) => state.superseded_at !== null)).toBe(true);
        expect(await states(target.db)).toEqual(before);
      });

      it('leaves out the sessions, so everyone signs in again', async () => {
        const count = (db: Db) =>
          db.kysely
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
        expect(Number((await count(source.db)).n)).toBe(1);
        expect(Number((await count(target.db)).n)).toBe(0);
      });

      it('makes again what is derived from the history: the actions’ states and when each row was superseded', async () => {
        const derived = async (db: Db) => ({
          spans: (
            await db.kysely.selectFrom('history_spans').selectAll().orderBy('history_id').execute()
          ).map((span) => ({ ...span, history_id: Number(span.history_id) })),
          states: (await db.kysely.selectFrom('action_states').selectAll().orderBy('id').execute()).map(
            ({ id: _id, ...state }) => state,
          ),
        });
        const before = await derived(source.db);
        expect(before.spans.length).toBeGreaterThan(30);
        expect(before.states.length).toBeGreaterThan(30);
        expect(await derived(target.db)).toEqual(before);
      });

      it('lets the restored database take new changes, with history numbered after the restored rows', async () => {
        const plan = await target.db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
        const action = await makeAction(target.db, plan.id, { title: 'Written after the restore' });
        const history = await target.db.kysely
          .selectFrom('history')
          .select(['id', 'record_id'])
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        expect(history.record_id).toBe(action.id);
      });
    });

describe('taking a backup', () => {
  it('refuses a file that already exists and leaves it as it was', async () => {
    const db = openDatabase(':memory:');
    try {
      await migrateToLatest(db);
      const file = newPath('taken.jsonl.gz');
      writeFileSync(file, 'an earlier backup');
      await expect(writeBackup(db, file)).rejects.toThrow(/already exists/);
      expect(readFileSync(file, 'utf8')).toBe('an earlier backup');
    } finally {
      await db.close();
    }
  });

  it('refuses a database without Headway tables and writes no file', async () => {
    const db = openDatabase(':memory:');
    try {
      const file = newPath('nothing.jsonl.gz');
      await expect(writeBackup(db, file)).rejects.toThrow(/no Headway tables/);
      expect(existsSync(file)).toBe(false);
    } finally {
      await db.close();
    }
  });
});

/** The backup's lines, edited and packed again, to make the damaged and foreign files a restore must refuse. */
function editedBackup(file: string, edit: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const edited = newPath('edited.jsonl.gz');
  writeFileSync(edited, gzipSync(edit(lines).join('\n')));
  return edited;
}

describeEachDatabase('restoring a backup that must be refused', (current) => {
  let good: string;
  beforeAll(async () => {
    const source = openDatabase(':memory:');
    await migrateToLatest(source);
    await loadDemo(source, testActor);
    good = newPath('good.jsonl.gz');
    await writeBackup(source, good);
    await source.close();
  });

  async function refused(file: string, message: RegExp): Promise<void> {
    const error = await restoreBackup(current(), file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(message);
    expect(await totalRows(current())).toBe(0);
  }

  it('refuses a truncated file', async () => {
    const bytes = readFileSync(good);
    const cut = newPath('cut.jsonl.gz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await refused(cut, /cut\.jsonl\.gz is damaged or incomplete/);
  });

  it('refuses a file damaged in the middle', async () => {
    const bytes = Buffer.from(readFileSync(good));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    const damaged = newPath('damaged.jsonl.gz');
    writeFileSync(damaged, bytes);
    await refused(damaged, /is damaged/);
  });

  it('refuses a file whose lines were cut off before the end, and one with a row of the wrong width', async () => {
    await refused(
      editedBackup(good, (lines) => lines.slice(0, 40)),
      /is incomplete: it stops after line 40/,
    );
    await refused(
      editedBackup(good, (lines) => lines.map((line, i) => (i === 5 ? '["only one value"]' : line))),
      /is damaged at line 6: a row of 1 values/,
    );
  });

  it('refuses a file that is not a backup', async () => {
    const text = newPath('notes.txt');
    writeFileSync(text, 'Minutes of the board meeting');
    await refused(text, /notes\.txt is not a Headway backup \(it is not a gzip file\)/);
    const otherJson = newPath('other.json.gz');
    writeFileSync(otherJson, gzipSync('{"plans":[]}\n'));
    await refused(otherJson, /other\.json\.gz is not a Headway backup/);
  });

  it('refuses a backup from a newer schema, naming the migration it does not know', async () => {
    const newer = editedBackup(good, ([header, ...rest]) => {
      const parsed = JSON.parse(header!) as { migrations: string[]; headwayVersion: string };
      parsed.migrations.push('999-from-the-future');
      parsed.headwayVersion = '9.0.0';
      return [JSON.stringify(parsed), ...rest];
    });
    await refused(
      newer,
      /made by a newer Headway \(9\.0\.0\) with migrations this one does not have \(999-from-the-future\)/,
    );
  });

  it('refuses a backup that lacks migrations, naming them', async () => {
    const older = editedBackup(good, ([header, ...rest]) => {
      const parsed = JSON.parse(header!) as { migrations: string[] };
      parsed.migrations = parsed.migrations.filter((name) => name !== '005-single-sign-on');
      return [JSON.stringify(parsed), ...rest];
    });
    await refused(older, /before the migrations 005-single-sign-on/);
  });

  it('refuses a database that holds anything, and changes nothing in it', async () => {
    const plan = await makePlan(current(), { title: 'Already here' });
    const before = await totalRows(current());
    const error = await restoreBackup(current(), good).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/The database is not empty \(it holds .*1 plans/);
    expect(await totalRows(current())).toBe(before);
    expect(await current().kysely.selectFrom('plans').select('id').execute()).toEqual([{ id: plan.id }]);
  });
});

describe('headway restore on the command line', () => {
  it('says what is wrong with a damaged file, exits with 1, and writes nothing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const source = newPath('source.db');
      expect(await main(['demo'], { DATABASE_URL: source })).toBe(0);
      const backup = newPath('cli.jsonl.gz');
      expect(await main(['backup', backup], { DATABASE_URL: source })).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(
        /Backed up the database as it stood at .* \d+ actions/,
      );
      const cut = newPath('cli-cut.jsonl.gz');
      writeFileSync(cut, readFileSync(backup).subarray(0, 100));
      const target = newPath('target.db');
      expect(await main(['restore', cut], { DATABASE_URL: target })).toBe(1);
      expect(error.mock.calls.flat().join('\n')).toMatch(
        /cli-cut\.jsonl\.gz is damaged or incomplete.*Nothing was restored\./,
      );
      const db = openDatabase(target);
      try {
        expect(await db.kysely.introspection.getTables()).toEqual([]);
      } finally {
        await db.close();
      }
      expect(await main(['restore', backup], { DATABASE_URL: target })).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Restored .*cli\.jsonl\.gz, taken at .* from SQLite/);
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
  });
});
