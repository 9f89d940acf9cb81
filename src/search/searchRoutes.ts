// GET /api/v1/search: the search of actions the plan list page offers, for scripts.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { responses, typed } from '../api/routeHelpers.js';
import { StatusSchema, page } from '../api/schemas.js';
import { readablePlans } from '../web/access.js';
import { searchActions, type ActionMatch, type SnippetField } from './searchActions.js';
import { checkSearchQuery, markedHtml, searchQueryLimit } from './searchQuery.js';

/** The parts of an action a snippet can come from, as the API names them. */
const fieldNames: Record<SnippetField, string> = {
  description: 'description',
  progress: 'progress',
  future_actions: 'futureActions',
  updates: 'updates',
  owners: 'owners',
  theme: 'theme',
};

const Marked = (what: string) =>
  Type.String({ description: `${what} as HTML: the text escaped, the words that matched in <mark>` });

export const SearchMatchSchema = Type.Object({
  action: Type.Object({ id: Type.String(), ref: Type.String(), title: Type.String(), status: StatusSchema }),
  plan: Type.Object({ slug: Type.String(), title: Type.String() }),
  theme: Type.Union([Type.Object({ id: Type.String(), title: Type.String() }), Type.Null()]),
  titleHtml: Marked('The title'),
  snippet: Type.Union([
    Type.Object({
      field: Type.Union(
        Object.values(fieldNames).map((name) => Type.Literal(name)),
        { description: 'Where the words matched: the theme is its title and progress' },
      ),
      html: Marked('A few words around the match'),
    }),
    Type.Null(),
  ]),
});

function presentMatch(match: ActionMatch) {
  return {
    action: {
      id: match.actionId,
      ref: match.ref,
      title: match.title.map((piece) => piece.text).join(''),
      status: match.status,
    },
    plan: match.plan,
    theme: match.theme,
    titleHtml: markedHtml(match.title),
    snippet: match.snippet
      ? { field: fieldNames[match.snippet.field], html: markedHtml(match.snippet.text) }
      : null,
  };
}

export async function searchRoutes(plain: FastifyInstance): Promise<void> {
  const app = typed(plain);
  app.get(
    '/search',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['search'],
        summary:
          'Find actions by their words, progress, updates, owners and theme, in every plan you may read',
        querystring: Type.Object({
          q: Type.String({
            description: `The words to find, all of which must match; "quoted words" match as a phrase. At most ${searchQueryLimit} characters.`,
          }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: responses(page(SearchMatchSchema)),
      },
    },
    async (request) => {
      const query = checkSearchQuery('q', request.query.q);
      const limit = request.query.limit ?? 20;
      const offset = request.query.offset ?? 0;
      const found = await searchActions(app.db.kysely, query, await readablePlans(request), {
        limit,
        offset,
      });
      return { items: found.matches.map(presentMatch), total: found.total, limit, offset };
    },
  );
}
