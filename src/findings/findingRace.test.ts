// Many people changing a plan's findings, survey scores and staff page at once, through a real server: one wins each
// race, the rest are told why, and the history holds exactly what was saved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import {
  openServableTestDatabase,
  postgresReachable,
  postgresRequired,
  type TestDatabase,
} from '../testing/databases.js';
import { makePlan, testActor } from '../testing/factories.js';
import { browserCsrf } from '../testing/forms.js';
import { createWave } from '../surveys/surveyCommands.js';
import { createFinding } from './findingCommands.js';
import { csrfFieldName } from '../web/csrf.js';
import { startServerProcess, together, type ServerProcess } from '../testing/serverProcess.js';
import { signedInUser, type SignedInAs } from '../testing/testApp.js';

const clients = 60;
const postgresAvailable = (await postgresReachable()) || postgresRequired;

for (const dialect of ['sqlite', 'postgres'] as const) {
  const run = dialect === 'postgres' && !postgresAvailable ? describe.skip : describe;
  run(`findings changed by ${clients} clients at once [${dialect}]`, () => {
    let dir: string;
    let test: TestDatabase | undefined;
    let db: Db;
    let server: ServerProcess;
    let admin: SignedInAs;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'headway-finding-race-'));
      test = await openServableTestDatabase(dialect, dir);
      db = test.db;
      admin = await signedInUser(db, readConfig({}, { actorName: 'Test Manager' }));
      server = await startServerProcess({ databaseUrl: test.url, startTimeoutMs: 90_000 });
    }, 120_000);

    afterAll(async () => {
      await server?.stop();
      await test?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const send = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: admin.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const historyOf = async (findingId: string, change: 'create' | 'update') =>
      db.kysely
        .selectFrom('history')
        .select('after_json')
        .where('record_type', '=', 'finding')
        .where('record_id', '=', findingId)
        .where('change', '=', change)
        .execute();

    it('adds a reference once and tells every other client it is taken', async () => {
      const plan = await makePlan(db, { title: `Race plan ${dialect}` });
      const answers = await together(clients, (i) =>
        send('POST', `/api/v1/plans/${plan.slug}/findings`, {
          reference: 'R9',
          text: `Recommendation from client ${i}`,
          kind: 'recommendation',
        }),
      );
      expect(answers.filter((a) => a.status >= 500).map((a) => a.body.slice(0, 200))).toEqual([]);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 201)) {
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body).errors).toEqual({
          reference: 'This plan already has a finding R9: choose another reference',
        });
      }
      const findings = await db.kysely
        .selectFrom('findings')
        .selectAll()
        .where('plan_id', '=', plan.id)
        .execute();
      expect(findings).toHaveLength(1);
      expect(await historyOf(findings[0]!.id, 'create')).toHaveLength(1);
    }, 60_000);

    it('adds a question once when many surveys are given it at once', async () => {
      const plan = await makePlan(db, { title: `Survey race plan ${dialect}` });
      const waves = await db.kysely.transaction().execute(async (trx) => {
        const made = [];
        for (let i = 0; i < 30; i++)
          made.push(await createWave(trx, testActor, plan.id, { name: `Pulse ${i}`, heldOn: '2024-03-29' }));
        return made;
      });
      const csrf = browserCsrf();
      const answers = await together(waves.length, (i) =>
        fetch(`${server.url}/plans/${plan.slug}/surveys/${waves[i]!.id}/score`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie: `${admin.cookie}; ${csrf.cookie}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            [csrfFieldName]: csrf.token,
            version: '1',
            question: 'Vision clarity',
            score: String(40 + i),
          }).toString(),
        }),
      );
      expect(
        answers.filter((a) => a.status !== 303).map((a) => `${a.status} ${a.body.slice(0, 200)}`),
      ).toEqual([]);
      const questions = await db.kysely
        .selectFrom('survey_questions')
        .select('id')
        .where('plan_id', '=', plan.id)
        .execute();
      expect(questions).toHaveLength(1);
      const scores = await db.kysely
        .selectFrom('survey_scores')
        .select('wave_id')
        .where('question_id', '=', questions[0]!.id)
        .execute();
      expect(scores).toHaveLength(waves.length);
    }, 60_000);

    it('puts a finding on the staff page, and writes its introduction, once when many managers do it at once', async () => {
      const plan = await makePlan(db, { title: `Staff page race plan ${dialect}` });
      const finding = await db.kysely
        .transaction()
        .execute((trx) =>
          createFinding(trx, testActor, plan.id, { reference: 'S1', text: 'Vision', kind: 'survey_finding' }),
        );
      const csrf = browserCsrf();
      const post = (path: string, fields: Record<string, string>) =>
        fetch(`${server.url}/plans/${plan.slug}/staff-page/${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie: `${admin.cookie}; ${csrf.cookie}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ [csrfFieldName]: csrf.token, ...fields }).toString(),
        });
      for (const [path, fields] of [
        [`findings/${finding.id}`, (i: number) => ({ version: '0', shown: 'yes', summary: `Said by ${i}` })],
        ['intro', (i: number) => ({ version: '0', intro: `Hello from ${i}` })],
      ] as const) {
        const answers = await together(clients, (i) => post(path, fields(i)));
        expect(
          answers.filter((a) => a.status >= 500).map((a) => a.body.slice(0, 200)),
          path,
        ).toEqual([]);
        expect(
          answers.filter((a) => a.status === 303),
          path,
        ).toHaveLength(1);
        expect(
          answers.filter((a) => a.status === 409),
          path,
        ).toHaveLength(clients - 1);
      }
      const marks = await db.kysely
        .selectFrom('staff_marks')
        .selectAll()
        .where('plan_id', '=', plan.id)
        .execute();
      const pages = await db.kysely
        .selectFrom('staff_pages')
        .selectAll()
        .where('plan_id', '=', plan.id)
        .execute();
      expect(marks.map((m) => m.version)).toEqual([1]);
      expect(pages.map((p) => p.version)).toEqual([1]);
      const history = await db.kysely
        .selectFrom('history')
        .select(['record_type', 'after_json'])
        .where('plan_id', '=', plan.id)
        .where('record_type', 'in', ['staff_mark', 'staff_page'])
        .execute();
      expect(history).toHaveLength(2);
      expect(
        history.map((h) => JSON.parse(h.after_json!).summary ?? JSON.parse(h.after_json!).intro).sort(),
      ).toEqual([marks[0]!.summary, pages[0]!.intro].sort());
    }, 60_000);

    it('saves one edit made from a version and refuses the others as stale, keeping the winner’s words', async () => {
      const plan = await makePlan(db, { title: `Edit race plan ${dialect}` });
      const created = await send('POST', `/api/v1/plans/${plan.slug}/findings`, {
        reference: 'AFI 1',
        text: 'As the inspection put it',
        kind: 'area_for_improvement',
      });
      const finding = (await created.json()) as { id: string; version: number };
      const answers = await together(clients, (i) =>
        send('PATCH', `/api/v1/plans/${plan.slug}/findings/${finding.id}`, {
          version: finding.version,
          text: `Reworded by client ${i}`,
        }),
      );
      expect(answers.filter((a) => a.status >= 500).map((a) => a.body.slice(0, 200))).toEqual([]);
      const saved = answers.filter((a) => a.status === 200);
      expect(saved).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(clients - 1);
      const stored = await db.kysely
        .selectFrom('findings')
        .selectAll()
        .where('id', '=', finding.id)
        .executeTakeFirstOrThrow();
      expect(stored.version).toBe(finding.version + 1);
      expect(stored.text).toBe((JSON.parse(saved[0]!.body) as { text: string }).text);
      const updates = await historyOf(finding.id, 'update');
      expect(updates).toHaveLength(1);
      expect((JSON.parse(updates[0]!.after_json!) as { text: string }).text).toBe(stored.text);
    }, 60_000);
  });
}
