import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli.js';
import { openDatabase, type Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { loadPlanContents } from '../plans/planContents.js';
import { presentPlanExport } from '../plans/presenters.js';
import { openTestDatabase, postgresReachable, type TestDatabase } from '../testing/databases.js';
import { samplePath } from '../testing/samples.js';

const folder = mkdtempSync(join(tmpdir(), 'headway-import-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts) => void err.push(parts.join(' ')));
  try {
    const code = await main(['import', ...args], { ...env, LOG_LEVEL: 'silent' });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('headway import, its arguments', () => {
  it('shows its usage when the file is missing, and is listed in the help', async () => {
    const bare = await run([], {});
    expect(bare.code).toBe(2);
    expect(bare.err).toContain(
      'usage: headway import FILE [--into SLUG | --new] [--dry-run] [--json] [--sheet NAME]',
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['help'], {})).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toContain('--sheet NAME reads that sheet of a workbook');
    } finally {
      log.mockRestore();
    }
  });
});

const postgres = await postgresReachable();

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !postgres)(`headway import [${dialect}]`, () => {
    let test: TestDatabase;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      if (dialect === 'sqlite') env = { DATABASE_URL: join(folder, `${Date.now()}.db`) };
      else {
        test = await openTestDatabase('postgres');
        env = { DATABASE_URL: test.url };
      }
    });
    afterAll(async () => {
      await test?.close();
    });

    async function inDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
      const db = openDatabase(env.DATABASE_URL!);
      try {
        await migrateToLatest(db);
        return await work(db);
      } finally {
        await db.close();
      }
    }
    const plans = () => inDatabase((db) => db.kysely.selectFrom('plans').select(['slug', 'title']).execute());
    const historySources = (slug: string) =>
      inDatabase(async (db) =>
        (
          await db.kysely
            .selectFrom('history')
            .innerJoin('plans', 'plans.id', 'history.plan_id')
            .select('history.source')
            .distinct()
            .where('plans.slug', '=', slug)
            .execute()
        ).map((row) => row.source),
      );

    it('summarises a dry run as JSON and saves nothing', async () => {
      const result = await run([samplePath('staff-survey-action-plan.txt'), '--dry-run', '--json'], env);
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.out);
      expect(summary).toMatchObject({
        plan: { slug: null, title: 'Staff Survey - Action Plan' },
        counts: { themes: 4, actions: 14, updates: 7 },
        statuses: { complete: 7, ongoing: 7, not_started: 0, in_progress: 0, cancelled: 0 },
        saved: false,
        changes: null,
      });
      expect(Array.isArray(summary.warnings)).toBe(true);
      if (dialect === 'sqlite') expect(existsSync(env.DATABASE_URL!)).toBe(false);
      expect(await plans()).toEqual([]);
    });

    it('imports a Word file, then finds nothing to change when the same file comes again', async () => {
      const first = await run([samplePath('staff-survey-action-plan.docx'), '--json'], env);
      expect(first.code).toBe(0);
      const saved = JSON.parse(first.out);
      expect(saved.saved).toBe(true);
      expect(saved.changes).toMatchObject({ actionsAdded: 14, themesAdded: 4, updatesAdded: 7 });
      const slug = saved.plan.slug as string;
      expect(saved.plan).toEqual({ slug, title: 'Staff Survey - Action Plan' });
      expect(await historySources(slug)).toEqual(['import: staff-survey-action-plan.docx']);

      const again = await run([samplePath('staff-survey-action-plan.docx'), '--into', slug, '--json'], env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.out).changes).toEqual({
        themesAdded: 0,
        themesChanged: 0,
        actionsAdded: 0,
        actionsChanged: 0,
        updatesAdded: 0,
        findingsAdded: 0,
        findingLinksAdded: 0,
        report: 'none',
      });
      const told = await run([samplePath('staff-survey-action-plan.docx'), '--into', slug], env);
      expect(told.out).toContain('Nothing changed: the plan already has everything in this file');
      const dry = await run([samplePath('staff-survey-action-plan.docx'), '--into', slug, '--dry-run'], env);
      expect(dry.out).toContain(`Dry run: nothing was saved; it would be merged into plan "${slug}"`);
      expect((await plans()).map((p) => p.slug)).toEqual([slug]);

      // A document that says otherwise: the dry run says what merging would change, field by field.
      const edited = join(folder, 'staff-survey-edited.txt');
      writeFileSync(
        edited,
        readFileSync(samplePath('staff-survey-action-plan.txt'), 'utf8')
          .replace('Sep-21', 'June 2024')
          .replace(/Hold focus groups with Directorates/g, 'Hold  focus groups with   Directorates'),
      );
      const preview = await run([edited, '--into', slug, '--dry-run', '--json'], env);
      expect(preview.code).toBe(0);
      expect(JSON.parse(preview.out).merge).toEqual({
        changes: [
          'Action ‘Update July PAB with progress and Action Plan updates’: Target date ‘Sep-21’ → ‘June 2024’',
        ],
        added: [],
      });
      const told2 = await run([edited, '--into', slug, '--dry-run'], env);
      expect(told2.out).toContain(
        'Changes: Action ‘Update July PAB with progress and Action Plan updates’: Target date ‘Sep-21’ → ‘June 2024’',
      );
      expect((await plans()).map((p) => p.slug)).toEqual([slug]);

      // The same title again without --into: nothing is saved until the person says which they mean.
      const unclear = await run([samplePath('staff-survey-action-plan.txt')], env);
      expect(unclear.code).toBe(1);
      expect(unclear.err).toContain(
        `There is already a plan called ‘Staff Survey - Action Plan’ ("${slug}"): add --into ${slug} to merge this file into it, or --new to save it as another plan; nothing was saved`,
      );
      expect((await plans()).map((p) => p.slug)).toEqual([slug]);
      expect(
        (await run([samplePath('staff-survey-action-plan.txt'), '--into', slug, '--new'], env)).code,
      ).toBe(2);
      const beside = await run([samplePath('staff-survey-action-plan.txt'), '--new', '--json'], env);
      expect(beside.code).toBe(0);
      expect((await plans()).map((p) => p.slug).sort()).toEqual([slug, `${slug}-2`]);
    });

    it("imports a plan's export.json, and refuses other JSON, a newer format and prose, writing nothing", async () => {
      const first = await run([samplePath('staff-survey-action-plan.docx'), '--new', '--json'], env);
      const slug = JSON.parse(first.out).plan.slug as string;
      const exported = await inDatabase(async (db) =>
        presentPlanExport(await loadPlanContents(db.kysely, slug, { updates: 'all' })),
      );
      const file = join(folder, `${slug}.json`);
      writeFileSync(file, JSON.stringify(exported, null, 2));
      const imported = await run([file, '--new', '--json'], env);
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.out)).toMatchObject({
        plan: { slug: `${slug}-2`, title: 'Staff Survey - Action Plan' },
        counts: { themes: 4, actions: 14, updates: 7 },
        warnings: [],
        changes: { actionsAdded: 14, themesAdded: 4, updatesAdded: 7 },
      });
      expect(await historySources(`${slug}-2`)).toEqual([`import: ${slug}.json`]);

      const before = await plans();
      const refusals: [string, string, RegExp][] = [
        [
          'settings.json',
          '{"theme": "dark"}',
          /This JSON file is not a Headway plan export .*: it has no "format": "headway\.plan"/,
        ],
        ['list.json', '[1, 2]', /not a Headway plan export .*: it holds no object/],
        ['broken.json', '{"format": "headway.plan",', /not a Headway plan export .*: it is not valid JSON/],
        [
          'newer.json',
          JSON.stringify({ ...exported, formatVersion: 2 }),
          /format version 2, written by a newer Headway; this one reads version 1/,
        ],
        [
          'untitled.json',
          JSON.stringify({ ...exported, actions: [{ ...exported.actions[0], title: 42 }] }),
          /not a Headway plan export .*: actions\[0\]\.title is 42 \(expected string\)/,
        ],
        [
          'prose.txt',
          'We will listen to staff and act on what they tell us.\n',
          /The file has no table of actions\. Choose the file that holds the plan's table, with its header row$/,
        ],
      ];
      for (const [name, content, message] of refusals) {
        writeFileSync(join(folder, name), content);
        const refused = await run([join(folder, name)], env);
        expect(refused.code, name).toBe(1);
        expect(refused.err, name).toMatch(message);
        expect(refused.err, name).toContain(`headway: ${name}: `);
      }
      expect(await plans()).toEqual(before);
    });

    it('refuses a damaged file or an unknown plan with a message and exit code 1, writing nothing', async () => {
      const before = await plans();
      const broken = join(folder, 'broken.docx');
      writeFileSync(broken, Buffer.from('PK\u0003\u0004 not really a zip'));
      const damaged = await run([broken, '--json'], env);
      expect(damaged.code).toBe(1);
      expect(damaged.out).toBe('');
      expect(damaged.err).toMatch(/^headway: broken\.docx: The file is damaged/);
      const unknown = await run([samplePath('culture-highlight-report.txt'), '--into', 'no-such-plan'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('There is no plan "no-such-plan" to merge into; the plans are: ');
      const missing = await run([join(folder, 'nowhere.docx')], env);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('There is no file at');
      expect(await plans()).toEqual(before);
    });
  });
}
