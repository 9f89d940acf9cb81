// The schema's history, one migration per step; the same steps run on SQLite and PostgreSQL.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db, DialectName } from './connection.js';
import type { Trx } from '../history/recordChange.js';
import { createSearchIndex, dropSearchIndex, rebuildSearchIndex } from '../search/searchIndex.js';
import { fillActionStates, markSuperseded } from '../history/actionStates.js';
import { rebuildHistorySpans } from '../history/historySpans.js';
import type { Database } from './schema.js';

export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '001-plans-themes-actions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('plans')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('slug', 'text', (c) => c.notNull().unique())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('sponsor', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('marking', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('rag', 'text')
          .addColumn('rag_note', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('horizons')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('horizons_plan')
          .on('horizons')
          .columns(['plan_id', 'position'])
          .execute();

        await db.schema
          .createTable('owners')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('themes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('lead_owner_id', 'text', (c) => c.references('owners.id').onDelete('set null'))
          .addColumn('status', 'text')
          .addColumn('rag', 'text')
          .addColumn('progress', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('future_actions', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('themes_plan').on('themes').columns(['plan_id', 'position']).execute();
        await db.schema.createIndex('themes_lead').on('themes').column('lead_owner_id').execute();

        await db.schema
          .createTable('actions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('set null'))
          .addColumn('horizon_id', 'text', (c) => c.references('horizons.id').onDelete('set null'))
          .addColumn('ref', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('rag', 'text')
          .addColumn('rag_reason', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('progress', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('future_actions', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('target_text', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('target_kind', 'text', (c) => c.notNull().defaultTo('none'))
          .addColumn('target_start', 'text')
          .addColumn('target_end', 'text')
          .addColumn('revised_target_text', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('revised_target_kind', 'text', (c) => c.notNull().defaultTo('none'))
          .addColumn('revised_target_start', 'text')
          .addColumn('revised_target_end', 'text')
          .addColumn('revised_reason', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('completed_on', 'text')
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('actions_plan').on('actions').columns(['plan_id', 'position']).execute();
        await db.schema.createIndex('actions_theme').on('actions').column('theme_id').execute();
        await db.schema.createIndex('actions_horizon').on('actions').column('horizon_id').execute();
        await db.schema.createIndex('actions_status').on('actions').columns(['plan_id', 'status']).execute();

        await db.schema
          .createTable('action_owners')
          .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
          .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('action_owners_pk', ['action_id', 'owner_id'])
          .execute();
        await db.schema.createIndex('action_owners_owner').on('action_owners').column('owner_id').execute();

        await db.schema
          .createTable('updates')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('action_id', 'text', (c) => c.references('actions.id').onDelete('cascade'))
          .addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('cascade'))
          .addColumn('effective_on', 'text', (c) => c.notNull())
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('status_change', 'text')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('updates_plan')
          .on('updates')
          .columns(['plan_id', 'effective_on'])
          .execute();
        await db.schema
          .createIndex('updates_action')
          .on('updates')
          .columns(['action_id', 'effective_on'])
          .execute();
        await db.schema
          .createIndex('updates_theme')
          .on('updates')
          .columns(['theme_id', 'effective_on'])
          .execute();

        await db.schema
          .createTable('history')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('record_type', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text', (c) => c.notNull())
          .addColumn('plan_id', 'text')
          .addColumn('change', 'text', (c) => c.notNull())
          .addColumn('before_json', 'text')
          .addColumn('after_json', 'text')
          .execute();
        await db.schema
          .createIndex('history_record')
          .on('history')
          .columns(['record_type', 'record_id'])
          .execute();
        await db.schema.createIndex('history_plan').on('history').columns(['plan_id', 'at']).execute();
      },
      async down(db: Kysely<unknown>) {
        for (const table of [
          'history',
          'updates',
          'action_owners',
          'actions',
          'themes',
          'owners',
          'horizons',
          'plans',
        ]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    '002-reports-imports-history-source': {
      async up(db: Kysely<unknown>) {
        // Where a change came from besides the person: an import names its file here.
        await db.schema
          .alterTable('history')
          .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
          .execute();

        await db.schema
          .createTable('reports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
          .addColumn('period_text', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('period_start', 'text')
          .addColumn('period_end', 'text')
          .addColumn('overall_status', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('rag', 'text')
          .addColumn('sections_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text')
          .execute();
        await db.schema
          .createIndex('reports_plan')
          .on('reports')
          .columns(['plan_id', 'period_end'])
          .execute();

        // A file waiting in the import review: kept until it is saved or abandoned, never parsed into tables early.
        await db.schema
          .createTable('pending_imports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('file_name', 'text', (c) => c.notNull())
          .addColumn('content_base64', 'text', (c) => c.notNull())
          .addColumn('byte_size', 'integer', (c) => c.notNull())
          .addColumn('sheet', 'text')
          .addColumn('columns_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('pending_imports').ifExists().execute();
        await db.schema.dropTable('reports').ifExists().execute();
        await db.schema.alterTable('history').dropColumn('source').execute();
      },
    },
    '003-report-snapshots': {
      async up(db: Kysely<unknown>) {
        // A published report keeps the whole report as it stood; a correction is a new row that names the one it replaces.
        await db.schema.alterTable('reports').addColumn('snapshot_json', 'text').execute();
        await db.schema.alterTable('reports').addColumn('replaces_id', 'text').execute();
        await db.schema
          .alterTable('reports')
          .addColumn('edition', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        for (const column of ['edition', 'replaces_id', 'snapshot_json'])
          await db.schema.alterTable('reports').dropColumn(column).execute();
      },
    },
    '004-people-and-sign-in': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.references('owners.id').onDelete('set null'))
          .addColumn('disabled_at', 'text')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('users_owner').on('users').column('owner_id').execute();

        await db.schema
          .createTable('plan_members')
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('plan_members_pk', ['plan_id', 'user_id'])
          .execute();
        await db.schema.createIndex('plan_members_user').on('plan_members').column('user_id').execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('access', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

        await db.schema
          .createTable('sign_in_failures')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('sign_in_failures_email')
          .on('sign_in_failures')
          .columns(['email', 'at'])
          .execute();
        await db.schema
          .createIndex('sign_in_failures_address')
          .on('sign_in_failures')
          .columns(['address', 'at'])
          .execute();

        await db.schema
          .createTable('password_links')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();

        await db.schema.alterTable('history').addColumn('actor_id', 'text').execute();
        await db.schema.createIndex('history_actor').on('history').columns(['actor_id', 'at']).execute();
        await db.schema.alterTable('pending_imports').addColumn('user_id', 'text').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('pending_imports').dropColumn('user_id').execute();
        await db.schema.dropIndex('history_actor').execute();
        await db.schema.alterTable('history').dropColumn('actor_id').execute();
        for (const table of [
          'password_links',
          'sign_in_failures',
          'api_tokens',
          'sessions',
          'plan_members',
          'users',
        ])
          await db.schema.dropTable(table).ifExists().execute();
      },
    },
    '005-single-sign-on': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('single_sign_on_requests')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addColumn('code_verifier', 'text', (c) => c.notNull())
          .addColumn('return_to', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('single_sign_on_requests_expiry')
          .on('single_sign_on_requests')
          .column('expires_at')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('single_sign_on_requests').ifExists().execute();
      },
    },
    '006-owner-versions': {
      async up(db: Kysely<unknown>) {
        // An owner is shared by the plans that name them: a rename, merge or delete says which version it started from.
        await db.schema
          .alterTable('owners')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('owners').dropColumn('version').execute();
      },
    },
    '007-site-settings': {
      async up(db: Kysely<unknown>) {
        // Texts of the service itself that an administrator edits (the accessibility statement), one row each.
        await db.schema
          .createTable('site_settings')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('site_settings').ifExists().execute();
      },
    },
    '008-search': {
      async up(db: Kysely<unknown>) {
        // The index is derived from the plans, so it is filled from those already here (src/search/searchIndex.ts).
        await inOwnTransaction(db, async (trx) => {
          await createSearchIndex(trx);
          await rebuildSearchIndex(trx);
        });
      },
      async down(db: Kysely<unknown>) {
        await dropSearchIndex(db as Kysely<Database>);
      },
    },
    '009-jobs': {
      async up(db: Kysely<unknown>) {
        // Work done outside a request (e-mail, reminders, digests): one row per piece of work, claimed with a lease
        // so that several processes on one database never do it twice (src/jobs/).
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('payload_json', 'text', (c) => c.notNull())
          // Work that must happen once however often it is asked for ("digest:USER:2026-W49") names itself here.
          .addColumn('unique_key', 'text', (c) => c.unique())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('run_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('leased_by', 'text')
          .addColumn('last_error', 'text')
          .addColumn('plan_id', 'text', (c) => c.references('plans.id').onDelete('set null'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
        await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'run_at']).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('jobs').ifExists().execute();
      },
    },
    '010-update-rounds': {
      async up(db: Kysely<unknown>) {
        // Update requests before a board (src/rounds/): the round, what it asks of each owner, and each owner's
        // personal link (only its SHA-256), with what was asked about and the attempts on links, for the limits.
        await db.schema
          .createTable('update_rounds')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('meeting_name', 'text', (c) => c.notNull())
          .addColumn('meeting_on', 'text', (c) => c.notNull())
          .addColumn('deadline', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('reminder_days', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('started_by', 'text', (c) => c.notNull())
          .addColumn('closed_at', 'text')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
        await db.schema
          .createIndex('update_rounds_plan')
          .on('update_rounds')
          .columns(['plan_id', 'state'])
          .execute();
        await db.schema
          .createTable('update_round_owners')
          .addColumn('round_id', 'text', (c) =>
            c.notNull().references('update_rounds.id').onDelete('cascade'),
          )
          .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
          .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('links_revoked_at', 'text')
          .addColumn('last_reminded_at', 'text')
          .addColumn('last_reminded_by', 'text')
          .addPrimaryKeyConstraint('update_round_owners_key', ['round_id', 'owner_id'])
          .execute();
        // Each e-mail to an owner without an account carries a link of its own: only the secret's SHA-256 is kept.
        await db.schema
          .createTable('personal_links')
          .addColumn('link_hash', 'text', (c) => c.primaryKey())
          .addColumn('round_id', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addForeignKeyConstraint(
            'personal_links_round_owner',
            ['round_id', 'owner_id'],
            'update_round_owners',
            ['round_id', 'owner_id'],
            (c) => c.onDelete('cascade'),
          )
          .execute();
        await db.schema
          .createTable('update_round_items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('round_id', 'text', (c) =>
            c.notNull().references('update_rounds.id').onDelete('cascade'),
          )
          .addColumn('owner_id', 'text', (c) => c.references('owners.id').onDelete('set null'))
          .addColumn('action_id', 'text', (c) => c.references('actions.id').onDelete('cascade'))
          .addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('cascade'))
          .execute();
        await db.schema
          .createIndex('update_round_items_round')
          .on('update_round_items')
          .column('round_id')
          .execute();
        await db.schema
          .createTable('personal_link_attempts')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('link_hash', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('personal_link_attempts_address')
          .on('personal_link_attempts')
          .columns(['address', 'at'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        for (const table of [
          'personal_link_attempts',
          'personal_links',
          'update_round_items',
          'update_round_owners',
          'update_rounds',
        ])
          await db.schema.dropTable(table).ifExists().execute();
      },
    },
    '011-mail-preferences': {
      async up(db: Kysely<unknown>) {
        // What e-mail each person wants that they could do without: everyone starts with both on.
        await db.schema
          .alterTable('users')
          .addColumn('digest', 'text', (c) => c.notNull().defaultTo('weekly'))
          .execute();
        await db.schema
          .alterTable('users')
          .addColumn('change_notices', 'text', (c) => c.notNull().defaultTo('on'))
          .execute();
        // The links in those e-mails that switch one of them off without signing in (src/notifications/).
        await db.schema
          .createTable('unsubscribe_links')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('unsubscribe_links').ifExists().execute();
        await db.schema.alterTable('users').dropColumn('change_notices').execute();
        await db.schema.alterTable('users').dropColumn('digest').execute();
      },
    },
    '014-history-snapshots': {
      async up(db: Kysely<unknown>) {
        // Each row of history names the action or theme it belongs to (an update's, the one it was posted on), so an
        // action's or theme's history is read a page at a time from an index rather than by searching its JSON.
        await db.schema.alterTable('history').addColumn('subject_id', 'text').execute();
        await sql`update history set subject_id = record_id where record_type in ('action', 'theme')`.execute(
          db,
        );
        const field = (name: string) =>
          dialect === 'postgres'
            ? sql.raw(`(coalesce(after_json, before_json)::json ->> '${name}')`)
            : sql.raw(`json_extract(coalesce(after_json, before_json), '$.${name}')`);
        await sql`update history set subject_id = coalesce(${field('action_id')}, ${field('theme_id')})
          where record_type = 'update'`.execute(db);
        // Newest first, a page at a time: a plan's feed and a record's history each walk one index backwards.
        await db.schema.createIndex('history_subject').on('history').columns(['subject_id', 'id']).execute();
        await db.schema.createIndex('history_plan_id').on('history').columns(['plan_id', 'id']).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('history_plan_id').execute();
        await db.schema.dropIndex('history_subject').execute();
        await db.schema.alterTable('history').dropColumn('subject_id').execute();
      },
    },
    '012-plan-content-version': {
      async up(db: Kysely<unknown>) {
        // The version of everything a plan shows, moved by every change in it (src/history/recordChange.ts), so that a
        // response built for one version is known stale by any process; the plan's own `version` stays its edit lock.
        await db.schema
          .alterTable('plans')
          .addColumn('content_version', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('plans').dropColumn('content_version').execute();
      },
    },
    '015-findings': {
      async up(db: Kysely<unknown>) {
        // What a plan answers, item by item (a review's recommendations, an inspection's areas for improvement, a
        // survey's findings), and which actions answer each: the coverage page reads the two together (src/findings/).
        await db.schema
          .createTable('findings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('source_document', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('source_date', 'text')
          .addColumn('priority', 'text')
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('findings_plan')
          .on('findings')
          .columns(['plan_id', 'position'])
          .execute();

        await db.schema
          .createTable('action_findings')
          .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
          .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('action_findings_pk', ['action_id', 'finding_id'])
          .execute();
        await db.schema
          .createIndex('action_findings_finding')
          .on('action_findings')
          .column('finding_id')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('action_findings').ifExists().execute();
        await db.schema.dropTable('findings').ifExists().execute();
      },
    },
    '016-percent-complete': {
      async up(db: Kysely<unknown>) {
        // How far through an action is, as a tracker's "% complete" column states it: a figure, null when not given.
        await db.schema.alterTable('actions').addColumn('percent_complete', 'integer').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('actions').dropColumn('percent_complete').execute();
      },
    },
    '018-survey-results': {
      async up(db: Kysely<unknown>) {
        // A plan's staff surveys (src/surveys/): each wave, the questions asked across waves with the focus area each
        // measures, and each question's score in each wave, so a focus area can show whether its actions worked.
        await db.schema
          .createTable('survey_waves')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('held_on', 'text', (c) => c.notNull())
          .addColumn('responses', 'integer')
          .addColumn('response_rate', 'double precision')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('survey_waves_plan')
          .on('survey_waves')
          .columns(['plan_id', 'held_on'])
          .execute();
        await db.schema
          .createTable('survey_questions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('driver', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('set null'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('survey_questions_plan')
          .on('survey_questions')
          .columns(['plan_id', 'position'])
          .execute();
        await db.schema
          .createIndex('survey_questions_theme')
          .on('survey_questions')
          .column('theme_id')
          .execute();
        await db.schema
          .createTable('survey_scores')
          .addColumn('wave_id', 'text', (c) => c.notNull().references('survey_waves.id').onDelete('cascade'))
          .addColumn('question_id', 'text', (c) =>
            c.notNull().references('survey_questions.id').onDelete('cascade'),
          )
          .addColumn('score', 'double precision', (c) => c.notNull())
          .addColumn('responses', 'integer')
          .addColumn('comparator', 'double precision')
          .addPrimaryKeyConstraint('survey_scores_pk', ['wave_id', 'question_id'])
          .execute();
        await db.schema
          .createIndex('survey_scores_question')
          .on('survey_scores')
          .column('question_id')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('survey_scores').ifExists().execute();
        await db.schema.dropTable('survey_questions').ifExists().execute();
        await db.schema.dropTable('survey_waves').ifExists().execute();
      },
    },
    '019-action-states': {
      async up(db: Kysely<unknown>) {
        // Each change to an action reduced to its status, RAG and dates, for the dashboard's trend and movers
        // (src/history/actionStates.ts), filled from the history already there.
        await inOwnTransaction(db, async (trx) => {
          await trx.schema
            .createTable('action_states')
            .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
              dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
            )
            .addColumn('action_id', 'text', (c) => c.notNull())
            .addColumn('plan_id', 'text', (c) => c.notNull())
            .addColumn('at', 'text', (c) => c.notNull())
            .addColumn('deleted', 'integer', (c) => c.notNull())
            .addColumn('status', 'text', (c) => c.notNull())
            .addColumn('rag', 'text')
            .addColumn('target_text', 'text', (c) => c.notNull())
            .addColumn('target_kind', 'text', (c) => c.notNull())
            .addColumn('target_end', 'text')
            .addColumn('revised_text', 'text', (c) => c.notNull())
            .addColumn('revised_kind', 'text', (c) => c.notNull())
            .addColumn('revised_end', 'text')
            .execute();
          await trx.schema
            .createIndex('action_states_plan')
            .on('action_states')
            .columns(['plan_id', 'action_id', 'id'])
            .execute();
          await fillActionStates(trx);
        });
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('action_states').ifExists().execute();
      },
    },
    '020-staff-pages': {
      async up(db: Kysely<unknown>) {
        // "You said, we did" (src/staff/): a plan's staff page settings, the findings and actions chosen for it in
        // words for staff, and each publication as staff read it.
        await db.schema
          .createTable('staff_pages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) =>
            c.notNull().unique().references('plans.id').onDelete('cascade'),
          )
          .addColumn('intro', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('readers', 'text', (c) => c.notNull().defaultTo('plan'))
          .addColumn('public_key', 'text', (c) => c.notNull().unique())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('staff_marks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('finding_id', 'text', (c) => c.unique().references('findings.id').onDelete('cascade'))
          .addColumn('action_id', 'text', (c) => c.unique().references('actions.id').onDelete('cascade'))
          .addColumn('shown', 'integer', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('set null'))
          .addColumn('show_owners', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('show_update', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('staff_marks_plan').on('staff_marks').column('plan_id').execute();
        await db.schema
          .createTable('staff_page_publications')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('published_at', 'text', (c) => c.notNull())
          .addColumn('published_by', 'text', (c) => c.notNull())
          .addColumn('content_json', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('staff_page_publications_plan')
          .on('staff_page_publications')
          .columns(['plan_id', 'published_at'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('staff_page_publications').ifExists().execute();
        await db.schema.dropTable('staff_marks').ifExists().execute();
        await db.schema.dropTable('staff_pages').ifExists().execute();
      },
    },
    '021-action-states-superseded': {
      async up(db: Kysely<unknown>) {
        // When each action's state was followed by the next, so the dashboard counts its trend and finds its movers
        // in SQL (src/dashboard/planFigures.ts), marked on the states already there.
        await inOwnTransaction(db, async (trx) => {
          await trx.schema.alterTable('action_states').addColumn('superseded_at', 'text').execute();
          await markSuperseded(trx);
        });
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('action_states').dropColumn('superseded_at').execute();
      },
    },
    '022-history-spans': {
      async up(db: Kysely<unknown>) {
        // Each row of history a plan as at a date reads, with when the record's next row superseded it
        // (src/history/historySpans.ts), filled from the history already there.
        await inOwnTransaction(db, async (trx) => {
          await trx.schema
            .createTable('history_spans')
            .addColumn('history_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
            .addColumn('plan_id', 'text')
            .addColumn('record_type', 'text', (c) => c.notNull())
            .addColumn('record_id', 'text', (c) => c.notNull())
            .addColumn('at', 'text', (c) => c.notNull())
            .addColumn('superseded_at', 'text')
            .execute();
          // The rows standing at a moment: a plan's rows superseded after it (or not yet), begun by then.
          await trx.schema
            .createIndex('history_spans_plan')
            .on('history_spans')
            .columns(['plan_id', 'superseded_at', 'at'])
            .execute();
          // A record's row not yet superseded, for the change that supersedes it.
          await trx.schema
            .createIndex('history_spans_last')
            .on('history_spans')
            .columns(['record_id'])
            .where(sql.ref('superseded_at'), 'is', null)
            .execute();
          await rebuildHistorySpans(trx);
        });
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('history_spans').ifExists().execute();
      },
    },
    '023-trend-points': {
      async up(db: Kysely<unknown>) {
        // Each plan's trend at past months' ends, counted once and kept (src/dashboard/dashboardTrend.ts); and the
        // states of a plan in the order written, for the check that none written since is dated before a kept point.
        await db.schema
          .createTable('trend_points')
          .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
          .addColumn('on_day', 'text', (c) => c.notNull())
          .addColumn('complete', 'integer', (c) => c.notNull())
          .addColumn('in_progress', 'integer', (c) => c.notNull())
          .addColumn('overdue', 'integer', (c) => c.notNull())
          .addColumn('upto_state_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('trend_points_pkey', ['plan_id', 'on_day'])
          .execute();
        await db.schema
          .createIndex('action_states_written')
          .on('action_states')
          .columns(['plan_id', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('action_states_written').ifExists().execute();
        await db.schema.dropTable('trend_points').ifExists().execute();
      },
    },
  };
}

/**
 * Runs a migration's work in one transaction. Kysely runs PostgreSQL's migrations in a transaction but not SQLite's:
 * there this makes one, so that a fill that fails leaves no table or column behind to stop the next try.
 */
async function inOwnTransaction(db: Kysely<unknown>, work: (trx: Trx) => Promise<void>): Promise<void> {
  const database = db as Kysely<Database>;
  if (database.isTransaction) await work(database as Trx);
  else await database.transaction().execute(work);
}

/** Brings the database up to the latest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(db.dialect) };
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(
      `Database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Every migration this Headway knows, in order, and whether the database has run it. Reads only: creates nothing. */
export async function listMigrations(db: Db): Promise<{ name: string; applied: boolean }[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(db.dialect) };
  const known = await new Migrator({ db: db.kysely, provider }).getMigrations();
  return known.map((migration) => ({ name: migration.name, applied: migration.executedAt !== undefined }));
}

/** The current time as stored: ISO 8601 in UTC, so both databases sort it as text. */
export function nowIso(): string {
  return new Date().toISOString();
}

export { sql };
