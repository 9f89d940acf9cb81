// Starts Headway listening: opens the database, brings it up to date, builds the app and serves it.
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/connection.js';
import { migrateToLatest } from './db/migrations.js';
import { logWorkerEvent, startWorker } from './jobs/worker.js';
import { serverLogger } from './web/requestLog.js';

export interface RunningServer {
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { db?: Db } = {}): Promise<RunningServer> {
  const db = options.db ?? openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const app = await buildApp({ db, config, logger: serverLogger(config) });
  const address = await app.listen({ port: config.port, host: config.host });
  // Links in e-mail start where this server listens when HEADWAY_PUBLIC_URL is not set. Asked for port 0, the port
  // is known only now: the pages that queue e-mail (app.config) and the worker both take the one it was given.
  app.config.port = Number(new URL(address).port);
  // The worker runs beside the pages unless HEADWAY_JOBS_WORKER=off (then `headway worker` runs it elsewhere).
  const worker = config.jobs.runInServer
    ? startWorker({ db, config: app.config, log: (event) => logWorkerEvent(app.log, event) })
    : undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // The job in hand is finished (or its claim given back) before the database closes under it.
    await worker?.stop();
    await app.close();
    await db.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      void close().then(() => process.exit(0));
    });
  }
  return { url: address.replace('://[::1]', '://localhost'), db, close };
}
