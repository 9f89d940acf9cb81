import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { runDueJobs } from '../jobs/worker.js';
import { describeEachDatabase } from '../testing/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../testing/smtpServer.js';
import { queueEmail, type EmailContent } from './emailMessage.js';
import { absoluteUrl } from './links.js';
import { mailSetUp, messageIdFor } from './sendEmail.js';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer({ refuse: (address) => address.startsWith('nobody@') });
});
afterAll(() => smtp.close());

const mailEnv = () => ({
  HEADWAY_SMTP_URL: smtp.url,
  HEADWAY_MAIL_FROM: 'Headway <headway@council.example>',
  HEADWAY_PUBLIC_URL: 'https://headway.council.example',
});

function jobById(db: Db, id: string) {
  return db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

it('builds links from HEADWAY_PUBLIC_URL, else from where Headway listens', () => {
  expect(absoluteUrl(readConfig({ HEADWAY_PUBLIC_URL: 'https://headway.example/' }), '/my-work')).toBe(
    'https://headway.example/my-work',
  );
  expect(absoluteUrl(readConfig({ PORT: '8080', HOST: '0.0.0.0' }), '/my-work')).toBe(
    'http://localhost:8080/my-work',
  );
  expect(() => absoluteUrl(readConfig({}), 'my-work')).toThrow('starts with /');
});

it('says when e-mail is not set up, and what to set', () => {
  expect(mailSetUp(readConfig({}))).toEqual({
    setUp: false,
    reason: expect.stringContaining('HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM'),
  });
  expect(
    mailSetUp(readConfig({ HEADWAY_SMTP_URL: 'smtp://mail.example', HEADWAY_MAIL_FROM: 'a@b.example' })),
  ).toEqual({
    setUp: true,
    reason: undefined,
  });
});

describeEachDatabase('Sending e-mail', (current) => {
  beforeEach(async () => {
    await current().kysely.deleteFrom('jobs').execute();
    smtp.received.splice(0);
  });

  it('sends a queued message over SMTP with both parts, the marking, its links and a Message-ID from its job', async () => {
    const db = current();
    const config = readConfig(mailEnv());
    const content: EmailContent = {
      to: 'owner@council.example',
      toName: 'Olu Owner',
      subject: 'Updates wanted by 7 August 2021',
      marking: 'OFFICIAL-SENSITIVE',
      paragraphs: ['Please post an update on each of your actions.'],
      items: [
        {
          title: 'Action 1.1',
          url: absoluteUrl(config, '/plans/culture/actions/1'),
          detail: 'Due March 2024',
        },
      ],
      unsubscribeUrl: absoluteUrl(config, '/account/e-mail'),
    };
    const id = await inTransaction(db, (trx) => queueEmail(trx, content));
    expect(await runDueJobs({ db, config })).toBe(1);
    expect(await jobById(db, id)).toMatchObject({ state: 'done', last_error: null });
    const [message] = await smtp.waitFor(1);
    const mail = message!.parsed;
    expect(message!.recipients).toEqual(['owner@council.example']);
    expect(mail.subject).toBe('[OFFICIAL-SENSITIVE] Updates wanted by 7 August 2021');
    expect(mail.from?.value).toEqual([{ name: 'Headway', address: 'headway@council.example' }]);
    expect(mail.to && 'value' in mail.to ? mail.to.value : []).toEqual([
      { name: 'Olu Owner', address: 'owner@council.example' },
    ]);
    expect(mail.messageId).toBe(messageIdFor(id, config.mail!.from));
    expect(mail.messageId).toBe(`<headway-${id}@council.example>`);
    expect(mail.text?.split('\n')[0]).toBe('OFFICIAL-SENSITIVE');
    expect(mail.text).toContain('https://headway.council.example/plans/culture/actions/1');
    expect(mail.html).toContain('href="https://headway.council.example/plans/culture/actions/1"');
    expect(String(mail.html).indexOf('OFFICIAL-SENSITIVE')).toBeLessThan(
      String(mail.html).indexOf('Please post'),
    );
    expect(message!.raw).toMatch(
      /^List-Unsubscribe: <https:\/\/headway\.council\.example\/account\/e-mail>/m,
    );
  });

  it('fails a message the server refuses for good, keeping the server’s reason', async () => {
    const db = current();
    const config = readConfig(mailEnv());
    const id = await inTransaction(db, (trx) =>
      queueEmail(trx, { to: 'nobody@council.example', subject: 'Hello', marking: '', paragraphs: ['Hi'] }),
    );
    await runDueJobs({ db, config });
    const job = await jobById(db, id);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job.last_error).toMatch(/^The mail server refused the message: 550 .*No such mailbox/);
    expect(smtp.received).toEqual([]);
  });

  it('tries again later when the server cannot be reached, saying why', async () => {
    const db = current();
    const closed = await startTestSmtpServer();
    await closed.close();
    const config = readConfig({ ...mailEnv(), HEADWAY_SMTP_URL: closed.url });
    const id = await inTransaction(db, (trx) =>
      queueEmail(trx, { to: 'owner@council.example', subject: 'Hello', marking: '', paragraphs: ['Hi'] }),
    );
    await runDueJobs({ db, config });
    const job = await jobById(db, id);
    expect(job).toMatchObject({ state: 'queued', attempts: 1 });
    expect(job.last_error).toMatch(/^The message could not be sent: .*ECONNREFUSED/);
  });
});
