// Builds the real app on a test database, without listening, for app.inject().
import { buildApp } from '../app.js';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';

export function buildTestApp(db: Db) {
  return buildApp({ db, config: readConfig({}, { actorName: 'Test Manager' }) });
}
