// Finds the actions whose words match a search, in the plans the reader may see, best match first, a page at a time.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, Status } from '../db/schema.js';
import { isPostgres, markEnd, markStart, searchFields, type SearchField } from './searchIndex.js';
import { hasMark, quotedPhrases, readMarks, searchPhrases, type MarkedText } from './searchQuery.js';

export interface ActionMatch {
  actionId: string;
  ref: string;
  status: Status;
  /** The action's title, its matching words marked. */
  title: MarkedText[];
  plan: { slug: string; title: string };
  theme: { id: string; title: string } | null;
  /** Where else the search matched, in a few words around the match; null when only the title did. */
  snippet: { field: SnippetField; text: MarkedText[] } | null;
}

export interface ActionSearch {
  /** How many actions match, across all pages. */
  total: number;
  matches: ActionMatch[];
}

export type SnippetField = Exclude<SearchField, 'title'>;

/** The parts a snippet is taken from, in the order a reader would look for a match after the title. */
const snippetFields: readonly SnippetField[] = [
  'progress',
  'future_actions',
  'updates',
  'description',
  'owners',
  'theme',
];

type Highlights = { action_id: string } & Record<SearchField, string>;

/**
 * `readable`: the plans the reader may see (src/people/planAccess.ts), as the plan list takes them; actions of other
 * plans are never counted, found or shown.
 */
export async function searchActions(
  db: Kysely<Database>,
  query: string,
  readable: Set<string> | 'all',
  { limit, offset }: { limit: number; offset: number },
): Promise<ActionSearch> {
  const phrases = searchPhrases(query);
  if (phrases.length === 0 || (readable !== 'all' && readable.size === 0)) return { total: 0, matches: [] };
  const match = quotedPhrases(phrases);
  const inPlans = (column: RawBuilder<unknown>) =>
    readable === 'all' ? sql`` : sql`and ${column} in (${sql.join([...readable])})`;
  const { total, page } = isPostgres(db)
    ? await searchPostgres(db, match, inPlans(sql.ref('plan_id')), limit, offset)
    : await searchSqlite(db, match, inPlans(sql.ref('d.plan_id')), limit, offset);
  return { total, matches: await describeMatches(db, page) };
}

async function searchSqlite(
  db: Kysely<Database>,
  match: string,
  inPlans: RawBuilder<unknown>,
  limit: number,
  offset: number,
) {
  const found = sql`from action_search_fts f join action_search d on d.id = f.rowid
    where action_search_fts match ${match} ${inPlans}`;
  const counted = await sql<{ n: number }>`select count(*) as n ${found}`.execute(db);
  // Titles weigh most, then owners and theme, then what the action says, then its updates (columns in index order).
  const { rows: ranked } = await sql<{ id: number; action_id: string }>`select d.id, d.action_id ${found}
    order by bm25(action_search_fts, 10, 2, 2, 2, 1, 4, 4), d.action_id limit ${limit} offset ${offset}`.execute(
    db,
  );
  if (ranked.length === 0) return { total: Number(counted.rows[0]?.n ?? 0), page: [] };
  // The highlights are worked out for this page's rows only, in a query of their own. The page's rows are given as a
  // JSON list: FTS5 answered `rowid = ?` (and `rowid in (?)` of one value) with every match, not only that row.
  const columns = sql.join(
    searchFields.map((field, index) =>
      field === 'title'
        ? sql`highlight(action_search_fts, ${index}, ${markStart}, ${markEnd}) as title`
        : sql`snippet(action_search_fts, ${index}, ${markStart}, ${markEnd}, '…', 24) as ${sql.ref(field)}`,
    ),
  );
  const pageRows = JSON.stringify(ranked.map((row) => row.id));
  const { rows } = await sql<Omit<Highlights, 'action_id'> & { id: number }>`select rowid as id, ${columns}
    from action_search_fts where action_search_fts match ${match}
    and rowid in (select value from json_each(${pageRows}))`.execute(db);
  const byRow = new Map(rows.map((row) => [row.id, row]));
  return {
    total: Number(counted.rows[0]?.n ?? 0),
    page: ranked.flatMap((row) => {
      const highlights = byRow.get(row.id);
      return highlights ? [{ ...highlights, action_id: row.action_id }] : [];
    }),
  };
}

async function searchPostgres(
  db: Kysely<Database>,
  match: string,
  inPlans: RawBuilder<unknown>,
  limit: number,
  offset: number,
) {
  const query = sql`websearch_to_tsquery('english', ${match})`;
  const counted = await sql<{ n: number }>`select count(*) as n from action_search
    where document @@ ${query} ${inPlans}`.execute(db);
  const around = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=24, MinWords=12`;
  const whole = `StartSel=${markStart}, StopSel=${markEnd}, HighlightAll=true`;
  const columns = sql.join(
    searchFields.map(
      (field) =>
        sql`ts_headline('english', ${sql.ref(field)}, q.query, ${field === 'title' ? whole : around}) as ${sql.ref(field)}`,
    ),
  );
  // The headlines are worked out for this page's rows only, once they are chosen.
  const { rows } = await sql<Highlights>`with q as (select ${query} as query),
    chosen as (
      select action_search.*, ts_rank(document, q.query) as rank from action_search, q
      where document @@ q.query ${inPlans}
      order by rank desc, action_id limit ${limit} offset ${offset}
    )
    select action_id, ${columns} from chosen, q order by rank desc, action_id`.execute(db);
  return { total: Number(counted.rows[0]?.n ?? 0), page: rows };
}

/** The page's actions with their plan and theme, in the order found, each with its title marked and a snippet. */
async function describeMatches(db: Kysely<Database>, page: Highlights[]): Promise<ActionMatch[]> {
  if (page.length === 0) return [];
  const rows = await db
    .selectFrom('actions')
    .innerJoin('plans', 'plans.id', 'actions.plan_id')
    .leftJoin('themes', 'themes.id', 'actions.theme_id')
    .select([
      'actions.id',
      'actions.ref',
      'actions.status',
      'plans.slug as plan_slug',
      'plans.title as plan_title',
      'themes.id as theme_id',
      'themes.title as theme_title',
    ])
    .where(
      'actions.id',
      'in',
      page.map((found) => found.action_id),
    )
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return page.flatMap((found) => {
    const action = byId.get(found.action_id);
    if (!action) return [];
    const snippet = snippetFields
      .map((field) => ({ field, text: readMarks(found[field]) }))
      .find((part) => hasMark(part.text));
    return [
      {
        actionId: action.id,
        ref: action.ref,
        status: action.status,
        title: readMarks(found.title),
        plan: { slug: action.plan_slug, title: action.plan_title },
        theme:
          action.theme_id && action.theme_title !== null
            ? { id: action.theme_id, title: action.theme_title }
            : null,
        snippet: snippet ?? null,
      },
    ];
  });
}
