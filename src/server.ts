// Starts Headway listening: opens the database, brings it up to date, builds the app and serves it.
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/connection.js';
import { migrateToLatest } from './db/migrations.js';
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
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
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
