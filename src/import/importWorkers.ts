// Reads and understands uploaded files in a small pool of worker threads, so that a large or hostile file never holds
// up the requests of everyone else, and the memory a file can take is capped by the worker's own heap limit.
import { Worker } from 'node:worker_threads';
import type { WorkerAnswer, WorkerRequest } from './importWorker.js';
import { ImportFileError } from './source.js';
import type { ImportRequest, UnderstoodFile } from './understandFile.js';

export interface PoolOptions {
  /** Workers reading at once; more files wait their turn. */
  size: number;
  /** A worker's JavaScript heap, in megabytes: a file needing more is refused, and the worker replaced. */
  heapMb: number;
  /** A file still being read after this long is refused, and its worker stopped. */
  timeLimitMs: number;
}

/**
 * One worker by default: imports are occasional, the machine may have two cores, and one file read at a time keeps
 * the memory imports can take to one worker's heap (docs/decisions.md, "Import").
 */
export const defaultPoolOptions: PoolOptions = { size: 1, heapMb: 384, timeLimitMs: 60_000 };

interface Job {
  request: ImportRequest;
  resolve(result: UnderstoodFile): void;
  reject(error: Error): void;
}

/** From the sources (tests, `npm run dev`) the worker is TypeScript, and starts through tsx; from dist/ it is plain. */
function startWorker(options: PoolOptions): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: options.heapMb };
  if (!here.endsWith('.ts')) return new Worker(new URL('./importWorker.js', here), { resourceLimits });
  return new Worker(new URL('./tsxWorker.mjs', here), {
    resourceLimits,
    workerData: { entry: new URL('./importWorker.ts', here).href },
  });
}

function failure(error: unknown, options: PoolOptions): Error {
  if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new ImportFileError(
      `The file needs more than the ${options.heapMb} MB of memory Headway gives one file to read it; it may be damaged or built to cause harm`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

export class ImportWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private running = 0;

  constructor(private readonly options: PoolOptions = defaultPoolOptions) {}

  /** Reads and understands the file in a worker; a file Headway cannot read rejects with ImportFileError. */
  understand(request: ImportRequest): Promise<UnderstoodFile> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.next();
    });
  }

  /** Stops the idle workers (busy ones finish their file first and are then kept, as the pool is still in use). */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private next(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.running < this.options.size)) {
      const worker = this.idle.pop() ?? this.start();
      this.running += 1;
      this.run(worker, this.queue.shift()!);
    }
  }

  private start(): Worker {
    const worker = startWorker(this.options);
    // A worker that stops while idle is no longer offered work; one that stops while busy fails its file (below).
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }

  private run(worker: Worker, job: Job): void {
    worker.ref();
    let settled = false;
    const finish = (outcome: { result: UnderstoodFile } | { error: Error }, keepWorker: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      this.running -= 1;
      if (keepWorker) {
        // An idle worker must not keep the command line from exiting.
        worker.unref();
        this.idle.push(worker);
      } else void worker.terminate();
      if ('result' in outcome) job.resolve(outcome.result);
      else job.reject(outcome.error);
      this.next();
    };
    const onMessage = (answer: WorkerAnswer) => {
      if (answer.ok) return finish({ result: answer.result }, true);
      const error = answer.fileError ? new ImportFileError(answer.message) : new Error(answer.message);
      if (answer.stack) error.stack = answer.stack;
      finish({ error }, true);
    };
    const onError = (error: unknown) => finish({ error: failure(error, this.options) }, false);
    const onExit = (code: number) =>
      finish(
        { error: new Error(`The import worker stopped (exit code ${code}) while reading a file`) },
        false,
      );
    const timer = setTimeout(
      () =>
        finish(
          {
            error: new ImportFileError(
              `The file took more than ${Math.round(this.options.timeLimitMs / 1000)} seconds to read, which no real plan does; it may be damaged or built to cause harm`,
            ),
          },
          false,
        ),
      this.options.timeLimitMs,
    );
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    // Bytes in shared memory (an upload, see importPages.ts) are read by the worker where they lie; others are copied
    // once, and the copy's memory handed over to the worker.
    const { buffer, byteOffset, byteLength } = job.request.bytes;
    if (buffer instanceof SharedArrayBuffer) {
      const message: WorkerRequest = {
        ...job.request,
        bytes: new Uint8Array(buffer, byteOffset, byteLength),
      };
      worker.postMessage(message);
    } else {
      const bytes = new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength));
      const message: WorkerRequest = { ...job.request, bytes };
      worker.postMessage(message, [bytes.buffer]);
    }
  }
}

let shared: ImportWorkerPool | null = null;

/** Reads and understands one file in the shared pool of import workers. */
export function understandFile(request: ImportRequest): Promise<UnderstoodFile> {
  shared ??= new ImportWorkerPool();
  return shared.understand(request);
}
