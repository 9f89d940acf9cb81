// `headway backup FILE` and `headway restore FILE`: a consistent copy of everything, taken while Headway runs, and
// its loading into an empty database of either kind.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { isPostgresUrl, openDatabase } from '../db/connection.js';
import { BackupError } from './backupFile.js';
import { restoreBackup } from './restoreBackup.js';
import { writeBackup } from './writeBackup.js';
import { backupUsage, restoreUsage } from '../cliUsage.js';

function fileArgument(args: string[], usage: string): string | undefined {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) {
    console.error(`headway: usage: headway ${usage}`);
    return undefined;
  }
  return positionals[0];
}

const described = (rows: Record<string, number>) =>
  Object.entries(rows)
    .map(([table, n]) => `${n.toLocaleString('en-GB')} ${table.replaceAll('_', ' ')}`)
    .join(', ');

export async function backupCommand(args: string[], config: Config): Promise<number> {
  const file = fileArgument(args, backupUsage);
  if (!file) return 2;
  // Opening a SQLite path that does not exist would make an empty database and back that up.
  if (!isPostgresUrl(config.databaseUrl) && !existsSync(config.databaseUrl.replace(/^sqlite:/, ''))) {
    console.error(`headway: there is no database at ${config.databaseUrl}; nothing was backed up`);
    return 1;
  }
  const db = openDatabase(config.databaseUrl);
  try {
    const started = performance.now();
    const summary = await writeBackup(db, file);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Backed up the database as it stood at ${summary.takenAt} to ${file} (${Math.ceil(summary.bytes / 1024)} KB, ${seconds} s): ${described(summary.rows)}.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`headway: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

export async function restoreCommand(args: string[], config: Config): Promise<number> {
  const file = fileArgument(args, restoreUsage);
  if (!file) return 2;
  const db = openDatabase(config.databaseUrl);
  try {
    const { header, rows } = await restoreBackup(db, file);
    console.log(
      `Restored ${file}, taken at ${header.takenAt} by Headway ${header.headwayVersion} from ${header.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}: ${described(rows)}.`,
    );
    console.log('Sessions are not in a backup: everyone signs in again.');
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`headway: ${error.message}. Nothing was restored.`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
