// The one place that decides who is making a request; sign-in will replace the body of this function.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Actor } from '../history/recordChange.js';

export function currentActor(_request: FastifyRequest, config: Config): Actor {
  return { name: config.actorName };
}
