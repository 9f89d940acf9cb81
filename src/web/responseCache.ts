// Responses built once per version of the plan they show: kept in memory up to a size in bytes, compressed once per
// encoding, answered with a strong ETag, and 304 when the client already holds them.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { todayIso } from '../dates/ukDate.js';

/** Smaller bodies gain less from compression than it costs; the same bound as @fastify/compress for the rest. */
export const compressionThreshold = 1024;

export type Encoding = 'br' | 'gzip';
const encoders: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5 compresses about as well as gzip's best, many times faster than brotli's default of 11.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body),
};

/** What a route builds for a version: the bytes, their type and any headers that go with them. */
export interface BuiltResponse {
  body: Buffer | string;
  contentType: string;
  headers?: Record<string, string>;
  /** What the route needs besides the bytes to answer from the entry (small: counted by its JSON). */
  data?: unknown;
}

export class CachedResponse {
  /** As built: a string stays one until its bytes are wanted, so a part of a page is never encoded and decoded. */
  private built: Buffer | string;
  private hash: string | undefined;
  private readonly encoded = new Map<Encoding, Promise<Buffer>>();
  readonly contentType: string;
  readonly headers: Record<string, string>;
  readonly data: unknown;
  private size: number | undefined;
  private split: { marker: string; pieces: Buffer[] } | undefined;

  constructor(
    built: BuiltResponse,
    private readonly grew: (bytes: number) => void = () => {},
  ) {
    this.built = built.body;
    this.contentType = built.contentType;
    this.headers = built.headers ?? {};
    this.data = built.data;
  }

  /** What the entry holds, counted when first asked: a response not kept (the cache off) is never counted. */
  get bytes(): number {
    this.size ??=
      Buffer.byteLength(this.built) + (this.data === undefined ? 0 : JSON.stringify(this.data).length);
    return this.size;
  }

  get body(): Buffer {
    if (typeof this.built === 'string') this.built = Buffer.from(this.built);
    return this.built;
  }

  get text(): string {
    return typeof this.built === 'string' ? this.built : this.built.toString();
  }

  /**
   * The body's bytes either side of each `marker` in it, encoded once and kept with the entry, for a page that puts a
   * part of its own (a form token) in the marker's places each time it is sent.
   */
  piecesAround(marker: string): Buffer[] {
    if (this.split?.marker !== marker) {
      const pieces = this.text.split(marker).map((piece) => Buffer.from(piece));
      this.split = { marker, pieces };
      const bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
      this.size = this.bytes + bytes;
      this.grew(bytes);
    }
    return this.split.pieces;
  }

  /** A hash of the bytes: equal bytes, equal tag, whichever process built them. */
  get tag(): string {
    this.hash ??= createHash('sha256').update(this.body).digest('base64url').slice(0, 27);
    return this.hash;
  }

  get compressible(): boolean {
    return this.body.length >= compressionThreshold && isText(this.contentType);
  }

  /** The body in this encoding, compressed the first time it is asked for and kept with the entry. */
  encodedAs(encoding: Encoding): Promise<Buffer> {
    let body = this.encoded.get(encoding);
    if (!body) {
      body = encoders[encoding](this.body);
      this.encoded.set(encoding, body);
      void body.then(
        (bytes) => {
          this.size = this.bytes + bytes.length;
          this.grew(bytes.length);
        },
        () => this.encoded.delete(encoding),
      );
    }
    return body;
  }

  /** The strong ETag of the body in this encoding: each encoding is other bytes, so it has its own tag. */
  etag(encoding: Encoding | null): string {
    return `"${this.tag}${encoding ? `-${encoding}` : ''}"`;
  }
}

function isText(contentType: string): boolean {
  return /^(text\/|application\/(json|problem\+json|javascript|xml))/i.test(contentType);
}

/** Least recently used goes first once the bytes held pass the bound; a bound of 0 keeps nothing. */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly building = new Map<string, Promise<CachedResponse>>();
  private held = 0;

  constructor(readonly maxBytes: number) {}

  /** Whether anything is kept at all (a bound of 0 switches the cache off). */
  get keeps(): boolean {
    return this.maxBytes > 0;
  }

  get bytesHeld(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The response for this key, built by `build` when not held; requests for one key at once build it once. */
  async response(key: string, build: () => Promise<BuiltResponse>): Promise<CachedResponse> {
    if (this.maxBytes === 0) return new CachedResponse(await build());
    const found = this.entries.get(key);
    if (found) {
      // Map keeps insertion order: taking it out and putting it back marks it the most recently used.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const pending = this.building.get(key);
    if (pending) return pending;
    const made = build().then((built) => {
      const entry = new CachedResponse(built, (bytes) => {
        if (this.entries.get(key) !== entry) return;
        this.held += bytes;
        this.evict();
      });
      this.keep(key, entry);
      return entry;
    });
    this.building.set(key, made);
    try {
      return await made;
    } finally {
      this.building.delete(key);
    }
  }

  private keep(key: string, entry: CachedResponse): void {
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.held += entry.bytes;
    this.evict();
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.held <= this.maxBytes) return;
      this.entries.delete(key);
      this.held -= entry.bytes;
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    responseCache: ResponseCache;
  }
}

export const setUpResponseCache = fp(async (app: FastifyInstance) => {
  app.decorate('responseCache', new ResponseCache(app.config.cacheMaxBytes));
});

/** The encoding to answer in: brotli, then gzip, as the client accepts them (q=0 refuses one). */
export function chosenEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name!.trim(), q ? Number(q[1]) : 1);
  }
  const weight = (name: Encoding) => accepted.get(name) ?? (accepted.has('*') ? accepted.get('*')! : 0);
  const best = (['br', 'gzip'] as const).filter((name) => weight(name) > 0);
  best.sort((a, b) => weight(b) - weight(a));
  return best[0] ?? null;
}

/** Whether the client's If-None-Match names this tag (compared weakly, as RFC 9110 says for this header). */
export function clientHolds(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export interface CachedRoute {
  /** What is built, e.g. "export.json" or "api:actions". */
  kind: string;
  /** What differs between readers of one version; '' where every reader gets the same bytes. */
  variant?: string;
  /** What the request asked for besides the plan (filters, paging), in a fixed spelling. */
  query?: string;
  build: () => Promise<BuiltResponse>;
}

/**
 * The key of one response: the plan and its content version as this request found it (src/web/access.ts reads it with
 * the plan, so a change made by any process is seen), what is built, for whom and with what asked; and the day, since
 * what is overdue moves with it.
 */
export function cacheKey(request: FastifyRequest, route: Omit<CachedRoute, 'build'>): string {
  const access = request.planAccess;
  if (!access) throw new Error('A cached response needs the plan the route is for (a plan:* route)');
  return [
    access.planId,
    access.contentVersion,
    route.kind,
    route.variant ?? '',
    route.query ?? '',
    todayIso(),
  ].join('\u0000');
}

/** Answers with the cached response for this plan version (building it if need be), compressed as the client asks. */
export async function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  route: CachedRoute,
): Promise<FastifyReply> {
  const entry = await request.server.responseCache.response(cacheKey(request, route), route.build);
  const encoding = entry.compressible ? chosenEncoding(request.headers['accept-encoding']) : null;
  const etag = entry.etag(encoding);
  void reply.headers(entry.headers).header('etag', etag);
  if (isText(entry.contentType)) void reply.header('vary', 'Accept-Encoding');
  // Readers must ask again each time (their access is checked then), but may be told that what they hold still stands.
  if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'private, no-cache');
  if (clientHolds(request.headers['if-none-match'], etag)) return reply.code(304).send();
  void reply.type(entry.contentType);
  if (!encoding) return reply.send(entry.body);
  const body = await entry.encodedAs(encoding);
  return reply.header('content-encoding', encoding).send(body);
}

/** A query's fields in a fixed order, so that one question asked in two spellings finds one entry. */
export function queryKey(query: object): string {
  return JSON.stringify(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
