// The search of actions on the plan list page: what was asked, the page of matches it shows, and its paging links.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { InvalidInputError, type FieldErrors } from '../errors.js';
import { pageNumber, paginationLinks } from '../web/pagination.js';
import { searchActions, type ActionMatch, type SnippetField } from './searchActions.js';
import { checkSearchQuery, markedHtml } from './searchQuery.js';

export const searchPageSize = 20;

/** What each part of an action is called where a snippet shows it. */
const fieldLabels: Record<SnippetField, string> = {
  description: 'Description',
  progress: 'Progress',
  future_actions: 'Future planned actions',
  updates: 'Updates',
  owners: 'Owners',
  theme: 'Theme',
};

export interface ActionSearchPage {
  query: string;
  /** "12 actions match ‘wellbeing’". */
  heading: string;
  total: number;
  matches: (ActionMatch & { titleHtml: string; snippetHtml: string; snippetLabel: string })[];
  pagination: ReturnType<typeof paginationLinks>;
}

/** The search the plan list page shows: null when none was asked for (an empty box), `errors` when it cannot be run. */
export async function searchForPage(
  db: Kysely<Database>,
  asked: { search?: string; page?: string },
  readable: Set<string> | 'all',
): Promise<{ search: ActionSearchPage | null; errors?: FieldErrors }> {
  let query: string;
  try {
    query = checkSearchQuery('search', asked.search);
  } catch (error) {
    if (error instanceof InvalidInputError) return { search: null, errors: error.fieldErrors };
    throw error;
  }
  if (query === '') return { search: null };
  const askedPage = Math.max(1, Number.parseInt(asked.page ?? '1', 10) || 1);
  let found = await searchActions(db, query, readable, {
    limit: searchPageSize,
    offset: (askedPage - 1) * searchPageSize,
  });
  const page = pageNumber(askedPage, found.total, searchPageSize);
  // A page past the last (an old link, a hand-typed address) shows the last.
  if (page !== askedPage)
    found = await searchActions(db, query, readable, {
      limit: searchPageSize,
      offset: (page - 1) * searchPageSize,
    });
  const quoted = `‘${query}’`;
  return {
    search: {
      query,
      heading:
        found.total === 0
          ? `No actions match ${quoted}`
          : `${found.total} ${found.total === 1 ? 'action matches' : 'actions match'} ${quoted}`,
      total: found.total,
      matches: found.matches.map((match) => ({
        ...match,
        titleHtml: markedHtml(match.title),
        snippetHtml: match.snippet ? markedHtml(match.snippet.text) : '',
        snippetLabel: match.snippet ? fieldLabels[match.snippet.field] : '',
      })),
      pagination: paginationLinks('/plans', { search: query }, page, found.total, searchPageSize),
    },
  };
}
