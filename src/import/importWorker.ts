// A worker thread of the import pool (importWorkers.ts): reads and understands the files it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { ImportFileError } from './source.js';
import { readAndUnderstand, type ImportRequest } from './understandFile.js';

/** A request as it crosses to the worker: the bytes as a plain array, whose memory was handed over. */
export type WorkerRequest = Omit<ImportRequest, 'bytes'> & { bytes: Uint8Array };

export type WorkerAnswer =
  | { ok: true; result: Awaited<ReturnType<typeof readAndUnderstand>> }
  | { ok: false; fileError: boolean; message: string; stack?: string };

async function answer(request: WorkerRequest): Promise<WorkerAnswer> {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  try {
    return { ok: true, result: await readAndUnderstand({ ...request, bytes }) };
  } catch (error) {
    if (error instanceof ImportFileError) return { ok: false, fileError: true, message: error.message };
    const failure = error instanceof Error ? error : new Error(String(error));
    return { ok: false, fileError: false, message: failure.message, stack: failure.stack };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  void answer(request).then((reply) => parentPort!.postMessage(reply));
});
