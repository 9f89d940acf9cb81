import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { queueEmail } from '../mail/emailMessage.js';
import { startTestSmtpServer, type TestSmtpServer } from '../testing/smtpServer.js';

const folder = mkdtempSync(join(tmpdir(), 'headway-jobs-cli-'));
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer({ refuse: (address) => address.startsWith('nobody@') });
});
afterAll(async () => {
  await smtp.close();
  rmSync(folder, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

let counter = 0;
/** A database file holding one queued message with a link, and one that failed. */
async function databaseWithMessages(): Promise<{ url: string; queued: string; failed: string }> {
  const url = join(folder, `headway-${++counter}.db`);
  const db = openDatabase(url);
  try {
    await migrateToLatest(db);
    return await inTransaction(db, async (trx) => {
      const queued = await queueEmail(trx, {
        to: 'owner@example.org',
        subject: 'Updates wanted',
        marking: 'OFFICIAL',
        paragraphs: ['Please post your updates.'],
        action: { label: 'Post an update', url: 'https://headway.example/my-work' },
      });
      const failed = await queueEmail(trx, {
        to: 'nobody@example.org',
        subject: 'Lost',
        marking: '',
        paragraphs: [],
      });
      await trx
        .updateTable('jobs')
        .set({ state: 'failed', attempts: 5, last_error: '550 5.1.1 No such mailbox' })
        .where('id', '=', failed)
        .execute();
      return { url, queued, failed };
    });
  } finally {
    await db.close();
  }
}

function captured() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  return {
    out: () => log.mock.calls.flat().join('\n'),
    err: () => error.mock.calls.flat().join('\n'),
  };
}

describe('headway jobs', () => {
  it('lists jobs with their state, tries and last failure, and prints queued messages’ links while e-mail is not set up', async () => {
    const { url, queued, failed } = await databaseWithMessages();
    const output = captured();
    expect(await main(['jobs'], { DATABASE_URL: url })).toBe(0);
    expect(output.out()).toContain('E-mail is not set up');
    expect(output.out()).toContain(`${queued}  email  queued  0 of 5 tries`);
    expect(output.out()).toContain('  to owner@example.org: [OFFICIAL] Updates wanted');
    expect(output.out()).toContain('  link: https://headway.example/my-work');
    expect(output.out()).toContain(`${failed}  email  failed  5 of 5 tries`);
    expect(output.out()).toContain('  last failure: 550 5.1.1 No such mailbox');
  });

  it('lists one state, and prints no links once e-mail is set up', async () => {
    const { url, queued, failed } = await databaseWithMessages();
    const output = captured();
    const env = { DATABASE_URL: url, HEADWAY_SMTP_URL: smtp.url, HEADWAY_MAIL_FROM: 'headway@example.org' };
    expect(await main(['jobs', '--state', 'failed'], env)).toBe(0);
    expect(output.out()).toContain(failed);
    expect(output.out()).not.toContain(queued);
    expect(await main(['jobs'], env)).toBe(0);
    expect(output.out()).not.toContain('link:');
    expect(await main(['jobs', '--state', 'lost'], env)).toBe(2);
    expect(output.err()).toContain(
      '--state must be one of queued, running, done, failed, cancelled, not "lost"',
    );
  });

  it('tries a failed job again, and refuses one that has not failed or does not exist', async () => {
    const { url, queued, failed } = await databaseWithMessages();
    const output = captured();
    expect(await main(['jobs', 'retry', failed], { DATABASE_URL: url })).toBe(0);
    expect(output.out()).toContain(`Job ${failed} is queued to be tried again now.`);
    const db = openDatabase(url);
    try {
      const job = await db.kysely
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', failed)
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ state: 'queued', attempts: 0 });
    } finally {
      await db.close();
    }
    expect(await main(['jobs', 'retry', queued], { DATABASE_URL: url })).toBe(1);
    expect(output.err()).toContain(
      `Job ${queued} is still waiting to be sent: only a failed job can be tried again`,
    );
    expect(await main(['jobs', 'retry', 'no-such-job'], { DATABASE_URL: url })).toBe(1);
    expect(output.err()).toContain('there is no job no-such-job');
  });
});

describe('headway send-test-email', () => {
  const env = () => ({
    DATABASE_URL: join(folder, 'unused.db'),
    HEADWAY_SMTP_URL: smtp.url,
    HEADWAY_MAIL_FROM: 'Headway <headway@example.org>',
    HEADWAY_PUBLIC_URL: 'https://headway.example',
  });

  it('sends one message now and prints the server’s answer', async () => {
    const output = captured();
    smtp.received.splice(0);
    expect(await main(['send-test-email', 'admin@example.org'], env())).toBe(0);
    expect(output.out()).toMatch(/^Sent to admin@example\.org\. The mail server answered: 250 /);
    const [message] = await smtp.waitFor(1);
    expect(message!.recipients).toEqual(['admin@example.org']);
    expect(message!.parsed.subject).toBe('Headway test message');
    expect(message!.parsed.text).toContain('https://headway.example/');
  });

  it('prints the exact failure: a refused address, e-mail not set up, no address', async () => {
    const output = captured();
    expect(await main(['send-test-email', 'nobody@example.org'], env())).toBe(1);
    expect(output.err()).toMatch(/The mail server refused the message: 550 .*No such mailbox/);
    expect(
      await main(['send-test-email', 'admin@example.org'], { DATABASE_URL: join(folder, 'unused.db') }),
    ).toBe(1);
    expect(output.err()).toContain('E-mail is not set up');
    expect(await main(['send-test-email'], env())).toBe(2);
    expect(output.err()).toContain('usage: headway send-test-email ADDRESS');
  });
});
