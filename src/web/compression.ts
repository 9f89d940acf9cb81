// Text responses over 1 KB are compressed when the client asks. Responses from the cache of built responses come
// compressed already (src/web/responseCache.ts), once per plan version, and are left alone here.
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { constants as zlibConstants } from 'node:zlib';
import { compressionThreshold } from './responseCache.js';

/** A tag names bytes: a body compressed after its tag was set (a static file's) is given a tag of its own. */
const tagTheEncoding: onSendHookHandler = (_request, reply: FastifyReply, payload, done) => {
  const encoding = reply.getHeader('content-encoding');
  const etag = reply.getHeader('etag');
  if (typeof encoding === 'string' && encoding !== 'identity' && typeof etag === 'string') {
    const suffix = `-${encoding}"`;
    if (!etag.endsWith(suffix)) void reply.header('etag', etag.replace(/"$/, suffix));
  }
  done(null, payload);
};

export const setUpCompression = fp(async (app: FastifyInstance) => {
  // Request bodies are not inflated: nothing sends Headway compressed bodies, and a body is read as it came.
  app.addHook('onRoute', (route) => {
    if (route.decompress === undefined) route.decompress = false;
  });
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: compressionThreshold,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } },
  });
  // After compress's own onRoute hook, so this runs after its onSend and sees the encoding it chose.
  app.addHook('onRoute', (route) => {
    if (route.compress === false) return;
    const hooks = route.onSend;
    route.onSend = Array.isArray(hooks)
      ? [...hooks, tagTheEncoding]
      : hooks
        ? [hooks, tagTheEncoding]
        : [tagTheEncoding];
  });
});
