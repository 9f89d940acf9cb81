// Who the client is, as Fastify works it out (request.ip, request.protocol): from the socket, or from the
// X-Forwarded-* headers only when the proxy that sent them is one HEADWAY_TRUST_PROXY names.
import type { FastifyServerOptions } from 'fastify';
import type { TrustProxy } from '../config.js';

/**
 * The setting as Fastify's `trustProxy` takes it. Fastify no longer honours a bare hop count (a client talking to
 * Headway directly could then write its own X-Forwarded-For), so a count is given as the function it stands for:
 * the socket's peer and the next hops out, up to the count, are proxies; the address before them is the client's.
 * A count is for a Headway that only its proxies can reach; otherwise name their addresses.
 */
export function trustProxyOption(setting: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (setting === false) return false;
  if (typeof setting === 'number') {
    const hops = setting;
    return (_address: string, hop: number) => hop < hops;
  }
  return setting;
}
