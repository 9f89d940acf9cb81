// Vitest's global set-up: one migrated PostgreSQL database per run, which every test database is then copied from
// (CREATE DATABASE … TEMPLATE), so the suite's hundred-odd PostgreSQL databases are not each migrated step by step.
// Made fresh for each run from the migrations as they stand, and dropped at its end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { postgresAdminUrl, withDatabase } from './postgresUrl.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database test databases are copied from; null without PostgreSQL (each then migrates its own). */
    postgresTemplate: string | null;
  }
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `headway_template_${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(`create database ${name}`);
  } catch {
    // No PostgreSQL here: src/testing/databases.ts skips or fails its tests, as it says.
    project.provide('postgresTemplate', null);
    return async () => {};
  }
  const db = openDatabase(withDatabase(postgresAdminUrl, name));
  try {
    await migrateToLatest(db);
  } finally {
    // A template must have no one connected while it is copied.
    await db.close();
  }
  project.provide('postgresTemplate', name);
  return () => adminQuery(`drop database if exists ${name} with (force)`);
}
