// Three Headway processes on one PostgreSQL database and a real SMTP server: every queued message arrives once, even
// when the process sending one is killed while the server holds its DATA unanswered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { queueEmail } from '../mail/emailMessage.js';
import { openTestDatabase, postgresReachable, type TestDatabase } from '../testing/databases.js';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.js';
import { startTestSmtpServer, type TestSmtpServer } from '../testing/smtpServer.js';

const run = (await postgresReachable()) ? describe : describe.skip;

async function allSent(db: Db, count: number): Promise<void> {
  for (;;) {
    const done = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'email')
      .where('state', '=', 'done')
      .executeTakeFirstOrThrow();
    if (Number(done.n) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

run('three Headway processes sending e-mail from one PostgreSQL database', () => {
  let test: TestDatabase;
  let smtp: TestSmtpServer;
  const processes: ServerProcess[] = [];
  let held: (raw: string) => void = () => {};
  const heldMessage = new Promise<string>((resolve) => (held = resolve));
  let holding = true;

  beforeAll(async () => {
    test = await openTestDatabase('postgres');
    // The first time "Message 7" comes, the server reads it all and then never answers: its sender waits for the
    // acknowledgement that would make it sent.
    smtp = await startTestSmtpServer({
      hold(raw) {
        if (!holding || !/^Subject: Message 7$/m.test(raw)) return false;
        holding = false;
        held(raw);
        return true;
      },
    });
    const env = {
      HEADWAY_SMTP_URL: smtp.url,
      HEADWAY_MAIL_FROM: 'Headway <headway@council.example>',
      HEADWAY_JOBS_POLL_MS: '100',
      HEADWAY_JOBS_LEASE_SECONDS: '5',
      HEADWAY_JOBS_RETRY_SECONDS: '1',
    };
    processes.push(
      ...(await Promise.all(
        [1, 2, 3].map(() => startServerProcess({ databaseUrl: test.url, env, startTimeoutMs: 300_000 })),
      )),
    );
  }, 600_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await smtp?.close();
    await test?.close();
  });

  it('delivers each message exactly once, the one whose sender was killed mid-send included', async () => {
    const count = 30;
    const ids = await inTransaction(test.db, async (trx) => {
      const queued: string[] = [];
      for (let n = 1; n <= count; n++)
        queued.push(
          await queueEmail(trx, {
            to: `owner${n}@council.example`,
            subject: `Message ${n}`,
            marking: '',
            paragraphs: [`This is message ${n}.`],
          }),
        );
      return queued;
    });

    // The process holding message 7 is found by its claim, and killed while the server holds its DATA.
    const raw = await heldMessage;
    const jobId = /Message-ID: <headway-([0-9a-f-]+)@/i.exec(raw)?.[1];
    expect(jobId).toBe(ids[6]);
    const claim = await test.db.kysely
      .selectFrom('jobs')
      .select(['leased_by', 'state'])
      .where('id', '=', jobId!)
      .executeTakeFirstOrThrow();
    expect(claim.state).toBe('running');
    const pid = Number(claim.leased_by?.split('/')[1]);
    const sender = processes.find((process) => process.child.pid === pid);
    expect(sender).toBeDefined();
    await sender!.stop('SIGKILL');

    await allSent(test.db, count);
    const subjects = smtp.received.map((message) => message.parsed.subject).sort();
    expect(subjects).toEqual(Array.from({ length: count }, (_, n) => `Message ${n + 1}`).sort());
    expect(smtp.received.every((message) => message.recipients.length === 1)).toBe(true);

    // Message 7 went on its second try, from another process, with the Message-ID of its first.
    const resent = await test.db.kysely
      .selectFrom('jobs')
      .select(['attempts', 'leased_by'])
      .where('id', '=', jobId!)
      .executeTakeFirstOrThrow();
    expect(resent.attempts).toBe(2);
    expect(resent.leased_by).not.toBe(claim.leased_by);
    const seven = smtp.received.find((message) => message.parsed.subject === 'Message 7');
    expect(seven?.parsed.messageId).toBe(`<headway-${jobId}@council.example>`);
    // The work was shared: more than one process sent messages.
    const senders = await test.db.kysely
      .selectFrom('jobs')
      .select('leased_by')
      .distinct()
      .where('kind', '=', 'email')
      .execute();
    expect(senders.length).toBeGreaterThan(1);
  }, 300_000);
});
