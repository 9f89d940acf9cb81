// What every API route shares: typed schemas, the problem responses it documents, paging and conflict answers.
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ConflictError } from '../errors.js';
import { ProblemSchema } from './schemas.js';

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}

/** The responses a route documents: its success, and the problems any route can answer with. */
export function responses(ok: TSchema | null, code = 200) {
  return {
    [code]: ok ?? Type.Null({ description: 'No content' }),
    400: ProblemSchema,
    404: ProblemSchema,
    409: ProblemSchema,
  };
}

export function paginate<T>(items: T[], query: { limit?: number; offset?: number }) {
  const limit = query.limit ?? 100;
  const offset = query.offset ?? 0;
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/** Runs an edit; a stale version is answered with the current record as the API shows it, not as stored. */
export async function presentingConflict<T, S>(
  work: () => Promise<T>,
  reload: () => Promise<S>,
  present: (row: S) => unknown,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw new ConflictError(error.what, error.currentVersion, present(await reload()));
  }
}
