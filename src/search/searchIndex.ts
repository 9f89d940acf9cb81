// The search index: one document per action (its words, its updates, its owners' names and its theme's), rebuilt in
// the transaction of every change that alters one, so a search always sees what has been saved and nothing else.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { insertRows } from '../db/insertRows.js';
import type { Database } from '../db/schema.js';
import type { Trx } from '../history/recordChange.js';
import { richTextToPlain } from '../richtext/sanitise.js';

/** The parts of an action's document, in the order the full-text index holds them. */
export const searchFields = [
  'title',
  'description',
  'progress',
  'future_actions',
  'updates',
  'owners',
  'theme',
] as const;
export type SearchField = (typeof searchFields)[number];

/** A row of action_search: the text searched for one action, as plain text. */
export type ActionSearchTable = { action_id: string; plan_id: string } & Record<SearchField, string>;

/**
 * Where a match starts and ends in the text the database hands back: characters of Unicode's private use area, which
 * are taken out of everything indexed, so that they can only come from the database's highlighting.
 */
export const markStart = '\uE000';
export const markEnd = '\uE001';

/**
 * The tables that hold the index. On SQLite they are action_search, the FTS5 table over it and FTS5's own tables; on
 * PostgreSQL only action_search. All of it is derived from the plans, so backups leave it out and a restore rebuilds it.
 */
export const searchIndexTables: readonly string[] = [
  'action_search',
  'action_search_fts',
  'action_search_fts_config',
  'action_search_fts_data',
  'action_search_fts_docsize',
  'action_search_fts_idx',
];

/**
 * The longest text kept of one part of a document. PostgreSQL refuses a tsvector over 1 MB, and no sensible action
 * comes near this, so the bound only stops an unusual action (hundreds of long updates) from failing its own save.
 */
const partLimit = 100_000;

/** Actions indexed per round of queries: a batch's text is held in memory at once; an import of 1,200 is one round. */
const actionsPerBatch = 2000;

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Creates the index's tables (migration 008-search). */
export async function createSearchIndex(db: Kysely<Database>): Promise<void> {
  const parts = sql.raw(searchFields.map((field) => `${field} text not null`).join(', '));
  if (isPostgres(db)) {
    // Titles weigh most, then who owns it and its theme, then what it says, then its updates.
    await sql`create table action_search (
      action_id text primary key,
      plan_id text not null,
      ${parts},
      document tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', owners || ' ' || theme), 'B') ||
        setweight(to_tsvector('english', description || ' ' || progress || ' ' || future_actions), 'C') ||
        setweight(to_tsvector('english', updates), 'D')
      ) stored
    )`.execute(db);
    await sql`create index action_search_document on action_search using gin (document)`.execute(db);
    await sql`create index action_search_plan on action_search (plan_id)`.execute(db);
    return;
  }
  // FTS5 reads the text from action_search (external content), kept in step by triggers; action_search's own index
  // on action_id finds a document to replace without scanning the full-text table.
  const names = searchFields.join(', ');
  const fromNew = searchFields.map((field) => `new.${field}`).join(', ');
  const fromOld = searchFields.map((field) => `old.${field}`).join(', ');
  await sql`create table action_search (
    id integer primary key,
    action_id text not null unique,
    plan_id text not null,
    ${parts}
  )`.execute(db);
  await sql`create index action_search_plan on action_search (plan_id)`.execute(db);
  await sql`create virtual table action_search_fts using fts5(${sql.raw(names)},
    content = 'action_search', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create trigger action_search_added after insert on action_search begin
    insert into action_search_fts (rowid, ${sql.raw(names)}) values (new.id, ${sql.raw(fromNew)});
  end`.execute(db);
  await sql`create trigger action_search_removed after delete on action_search begin
    insert into action_search_fts (action_search_fts, rowid, ${sql.raw(names)}) values ('delete', old.id, ${sql.raw(fromOld)});
  end`.execute(db);
}

export async function dropSearchIndex(db: Kysely<Database>): Promise<void> {
  if (!isPostgres(db)) {
    await sql`drop trigger if exists action_search_added`.execute(db);
    await sql`drop trigger if exists action_search_removed`.execute(db);
    await sql`drop table if exists action_search_fts`.execute(db);
  }
  await sql`drop table if exists action_search`.execute(db);
}

/** Text as indexed: plain, without the characters that mark matches, and bounded. */
function indexed(text: string): string {
  return text.replace(/[\uE000\uE001]/g, ' ').slice(0, partLimit);
}

/** Lines of text by the action or theme they belong to, in the order of the rows. */
function grouped<Row>(rows: Row[], keyOf: (row: Row) => string | null, text: (row: Row) => string) {
  const lines = new Map<string, string[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    const list = lines.get(key) ?? [];
    list.push(text(row));
    lines.set(key, list);
  }
  return lines;
}

async function documentsOf(trx: Trx, actionIds: string[]): Promise<ActionSearchTable[]> {
  const [actions, owners, updates] = await Promise.all([
    trx
      .selectFrom('actions')
      .select(['id', 'plan_id', 'theme_id', 'title', 'description', 'progress', 'future_actions'])
      .where('id', 'in', actionIds)
      .execute(),
    trx
      .selectFrom('action_owners')
      .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
      .select(['action_owners.action_id', 'owners.name'])
      .where('action_owners.action_id', 'in', actionIds)
      .orderBy('action_owners.position')
      .execute(),
    // Newest first, so that an action whose updates run past the limit keeps its latest words searchable.
    trx
      .selectFrom('updates')
      .select(['action_id', 'body'])
      .where('action_id', 'in', actionIds)
      .orderBy('effective_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  const themeIds = [...new Set(actions.flatMap((action) => (action.theme_id ? [action.theme_id] : [])))];
  const [themes, themeUpdates] =
    themeIds.length === 0
      ? [[], []]
      : await Promise.all([
          trx.selectFrom('themes').select(['id', 'title', 'progress']).where('id', 'in', themeIds).execute(),
          trx
            .selectFrom('updates')
            .select(['theme_id', 'body'])
            .where('theme_id', 'in', themeIds)
            .orderBy('effective_on', 'desc')
            .orderBy('created_at', 'desc')
            .execute(),
        ]);
  // A focus area's rolling updates are part of what it says, as its progress is.
  const themeBodies = grouped(
    themeUpdates,
    (row) => row.theme_id,
    (row) => richTextToPlain(row.body),
  );
  const themeText = new Map(
    themes.map((theme) => [
      theme.id,
      [theme.title, richTextToPlain(theme.progress), ...(themeBodies.get(theme.id) ?? [])].join('\n'),
    ]),
  );
  const ownerNames = grouped(
    owners,
    (row) => row.action_id,
    (row) => row.name,
  );
  const updateBodies = grouped(
    updates,
    (row) => row.action_id,
    (row) => richTextToPlain(row.body),
  );
  return actions.map((action) => ({
    action_id: action.id,
    plan_id: action.plan_id,
    title: indexed(action.title),
    description: indexed(richTextToPlain(action.description)),
    progress: indexed(richTextToPlain(action.progress)),
    future_actions: indexed(richTextToPlain(action.future_actions)),
    updates: indexed((updateBodies.get(action.id) ?? []).join('\n')),
    owners: indexed((ownerNames.get(action.id) ?? []).join('\n')),
    theme: indexed(action.theme_id ? (themeText.get(action.theme_id) ?? '') : ''),
  }));
}

/**
 * Brings the documents of these actions up to date with what the transaction has written: an action that no longer
 * exists leaves the index. Every command that changes an action's words, its updates, its owners or its theme calls
 * this (or reindexThemeActions) before it returns.
 */
export async function reindexActions(trx: Trx, actionIds: readonly (string | null)[]): Promise<void> {
  // In one order, so that two transactions indexing some of the same actions lock their documents in the same order.
  const ids = [...new Set(actionIds.filter((id): id is string => id !== null))].sort();
  for (let i = 0; i < ids.length; i += actionsPerBatch) {
    const batch = ids.slice(i, i + actionsPerBatch);
    const documents = await documentsOf(trx, batch);
    if (!isPostgres(trx)) {
      // SQLite writes one transaction at a time; its triggers keep FTS5 in step with deletes and inserts.
      await trx.deleteFrom('action_search').where('action_id', 'in', batch).execute();
      await insertRows(trx, 'action_search', documents);
      continue;
    }
    // On PostgreSQL two transactions may index the same action at once (two updates posted together): each upserts,
    // so the second waits for the first and replaces its document rather than clash with it.
    const gone = batch.filter((id) => !documents.some((document) => document.action_id === id));
    if (gone.length > 0) await trx.deleteFrom('action_search').where('action_id', 'in', gone).execute();
    if (documents.length > 0)
      await trx
        .insertInto('action_search')
        .values(documents)
        .onConflict((conflict) =>
          conflict
            .column('action_id')
            .doUpdateSet((eb) =>
              Object.fromEntries(
                (['plan_id', ...searchFields] as const).map((column) => [
                  column,
                  eb.ref(`excluded.${column}`),
                ]),
              ),
            ),
        )
        .execute();
  }
}

/** The documents an update is part of: its action's, or those of every action of its theme. */
export async function reindexUpdated(
  trx: Trx,
  updates: readonly { action_id: string | null; theme_id: string | null }[],
): Promise<void> {
  await reindexActions(
    trx,
    updates.map((update) => update.action_id),
  );
  for (const themeId of new Set(updates.flatMap((update) => (update.theme_id ? [update.theme_id] : []))))
    await reindexThemeActions(trx, themeId);
}

/** A theme's title, progress and updates are part of each of its actions' documents. */
export async function reindexThemeActions(trx: Trx, themeId: string): Promise<void> {
  const actions = await trx.selectFrom('actions').select('id').where('theme_id', '=', themeId).execute();
  await reindexActions(
    trx,
    actions.map((action) => action.id),
  );
}

/** A deleted plan's actions leave the index with it. */
export async function removePlanFromSearch(trx: Trx, planId: string): Promise<void> {
  await trx.deleteFrom('action_search').where('plan_id', '=', planId).execute();
}

/** Indexes every action afresh: when the index is created and after a restore, which leaves it out. */
export async function rebuildSearchIndex(trx: Trx): Promise<void> {
  await trx.deleteFrom('action_search').execute();
  const actions = await trx.selectFrom('actions').select('id').orderBy('id').execute();
  await reindexActions(
    trx,
    actions.map((action) => action.id),
  );
}
