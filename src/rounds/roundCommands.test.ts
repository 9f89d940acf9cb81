import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { loadReport } from '../reports/reportQueries.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeUpdate, testActor } from '../testing/factories.js';
import { linkSecretIn, makeRoundPlan, queuedEmailsTo, type RoundPlan } from '../testing/rounds.js';
import {
  checkLinkLimits,
  countLinkAttempt,
  findPersonalLink,
  linkItems,
  linkLimits,
  postThroughLink,
  setPersonalLinksAllowed,
  TooManyLinkRequestsError,
} from './personalLinks.js';
import {
  closeRound,
  draftReportForRound,
  nudgeOwner,
  queueDueReminders,
  revokeLinks,
  startRound,
  type RoundInput,
} from './roundCommands.js';
import { findRound, requestedItemsFor, roundProgress } from './roundQueries.js';

const config = readConfig(
  { HEADWAY_PUBLIC_URL: 'https://headway.example.org' },
  { actorName: 'Test Manager' },
);
const today = londonDate();
const deadline = addDays(today, 7);
const meeting = addDays(today, 9);
/** Noon in London (give or take an hour) on a day counted from today. */
const noonOn = (day: string) => new Date(`${day}T12:00:00Z`);

describeEachDatabase('update requests (rounds)', (current) => {
  async function start(fixture: RoundPlan, input: RoundInput = {}) {
    return inTransaction(current(), (trx) =>
      startRound(trx, testActor, config, fixture.plan, {
        meetingName: 'Fire Authority board',
        meetingOn: meeting,
        deadline,
        message: 'Please keep it short.',
        ...input,
      }),
    );
  }

  it('e-mails each owner with an address once, listing their open items, with the plan’s marking; lists who cannot be e-mailed', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    const [toAsh] = await queuedEmailsTo(db, fixture.ash.email);
    expect(await queuedEmailsTo(db, fixture.ash.email)).toHaveLength(1);
    expect(toAsh!.subject).toMatch(/^\[OFFICIAL-SENSITIVE\] Updates requested for Fire Authority board by /);
    expect(toAsh!.text.startsWith('OFFICIAL-SENSITIVE\n')).toBe(true);
    expect(toAsh!.text).toContain('Harbour first action');
    expect(toAsh!.text).toContain('Harbour theme');
    expect(toAsh!.text).toContain('Please keep it short.');
    // A complete action is not asked about unless chosen.
    expect(toAsh!.text).not.toContain('finished action');
    expect(toAsh!.uniqueKey).toBe(`round:${round.id}:request:${fixture.ash.id}`);
    expect(toAsh!.planId).toBe(fixture.plan.id);
    // Bo has an account: links to the items, no personal link.
    const [toBo] = await queuedEmailsTo(db, fixture.bo.email);
    expect(linkSecretIn(toBo!.text)).toBeUndefined();
    expect(toBo!.text).toContain(
      `https://headway.example.org/plans/${fixture.plan.slug}/actions/${fixture.boActionId}`,
    );
    const progress = await roundProgress(db.kysely, round);
    const cy = progress.owners.find((owner) => owner.ownerId === fixture.cy.id)!;
    expect(cy.email).toBe('');
    expect(progress.itemCount).toBe(5);
    expect(progress.updatedCount).toBe(0);
    const history = await db.kysely
      .selectFrom('history')
      .select(['change', 'actor'])
      .where('record_type', '=', 'update_round')
      .where('record_id', '=', round.id)
      .execute();
    expect(history).toEqual([{ change: 'create', actor: testActor.name }]);
  });

  it('refuses a deadline after the meeting, or no items, and changes nothing', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    await expect(start(fixture, { deadline: addDays(meeting, 1) })).rejects.toMatchObject({
      fieldErrors: {
        deadline: 'The deadline for updates must be on or before the date of the board or meeting',
      },
    });
    await expect(start(fixture, { items: [] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(start(fixture, { items: ['action:not-in-this-plan'] })).rejects.toMatchObject({
      fieldErrors: { items: 'Choose only actions and focus areas of this plan' },
    });
    const rounds = await db.kysely
      .selectFrom('update_rounds')
      .select('id')
      .where('plan_id', '=', fixture.plan.id)
      .execute();
    expect(rounds).toEqual([]);
    expect(await queuedEmailsTo(db, fixture.ash.email)).toEqual([]);
  });

  it('gives an owner without an account a link of 256 random bits, stored only as its SHA-256, for their items only', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    await start(fixture);
    const secret = linkSecretIn((await queuedEmailsTo(db, fixture.ash.email))[0]!.text)!;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const stored = await db.kysely.selectFrom('personal_links').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.map((row) => row.link_hash)).toContain(createHash('sha256').update(secret).digest('hex'));
    const link = (await findPersonalLink(db.kysely, secret))!;
    expect(link.owner.id).toBe(fixture.ash.id);
    expect((await linkItems(db.kysely, link)).map((item) => item.key).sort()).toEqual(
      [
        `action:${fixture.ashActionId}`,
        `action:${fixture.ashOtherActionId}`,
        `theme:${fixture.themeId}`,
      ].sort(),
    );
    // Someone else's item, or one not asked about, is not found; nothing is posted.
    for (const key of [
      `action:${fixture.boActionId}`,
      `action:${fixture.ashCompleteActionId}`,
      'action:guess',
    ])
      await expect(
        inTransaction(db, (trx) => postThroughLink(trx, link, key, { body: 'Not mine' })),
      ).rejects.toBeInstanceOf(NotFoundError);
    expect(
      await findPersonalLink(
        db.kysely,
        secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toBeUndefined();
    expect(await findPersonalLink(db.kysely, 'short')).toBeUndefined();
  });

  it('records an update through the link as posted by the owner through it, and the round counts it updated', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    const secret = linkSecretIn((await queuedEmailsTo(db, fixture.ash.email))[0]!.text)!;
    const link = (await findPersonalLink(db.kysely, secret))!;
    const update = await inTransaction(db, (trx) =>
      postThroughLink(trx, link, `action:${fixture.ashActionId}`, {
        body: 'Draft policy agreed',
        statusChange: 'complete',
      }),
    );
    expect(update.author).toBe(link.owner.name);
    const history = await db.kysely
      .selectFrom('history')
      .select(['actor', 'actor_id', 'source', 'record_type'])
      .where('plan_id', '=', fixture.plan.id)
      .where((eb) =>
        eb.or([
          eb('record_id', '=', update.id),
          eb.and([eb('record_id', '=', fixture.ashActionId), eb('change', '=', 'update')]),
        ]),
      )
      .execute();
    expect(history.map((row) => row.record_type).sort()).toEqual(['action', 'update']);
    for (const row of history) {
      expect(row.actor).toBe(link.owner.name);
      expect(row.actor_id).toBeNull();
      expect(row.source).toBe(
        `personal link, round "Fire Authority board" started ${round.started_at.slice(0, 10)}`,
      );
    }
    const action = await db.kysely
      .selectFrom('actions')
      .select('status')
      .where('id', '=', fixture.ashActionId)
      .executeTakeFirstOrThrow();
    expect(action.status).toBe('complete');
    const progress = await roundProgress(db.kysely, round);
    expect(progress.updatedCount).toBe(1);
    const ash = progress.owners.find((owner) => owner.ownerId === fixture.ash.id)!;
    expect(ash.items.find((item) => item.id === fixture.ashActionId)!.updatedAt).not.toBeNull();
    expect(ash.updatedCount).toBe(1);
  });

  it('tells My work which items are requested and not yet updated', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    await start(fixture);
    const before = await requestedItemsFor(db.kysely, [fixture.bo.id]);
    expect([...before]).toEqual([
      [`action:${fixture.boActionId}`, { deadline, meeting: 'Fire Authority board' }],
    ]);
    await makeUpdate(db, fixture.plan.id, { actionId: fixture.boActionId });
    expect((await requestedItemsFor(db.kysely, [fixture.bo.id])).size).toBe(0);
    expect((await requestedItemsFor(db.kysely, [fixture.ash.id])).has(`theme:${fixture.themeId}`)).toBe(true);
    expect((await requestedItemsFor(db.kysely, [])).size).toBe(0);
  });

  it('reminds on the reminder days only those with items not yet updated, once a day however often the check runs', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    await makeUpdate(db, fixture.plan.id, { actionId: fixture.boActionId });
    const check = (day: string) => inTransaction(db, (trx) => queueDueReminders(trx, config, noonOn(day)));
    // Not a reminder day: nothing.
    await check(addDays(deadline, -1));
    expect(await queuedEmailsTo(db, fixture.ash.email)).toHaveLength(1);
    // Three days before, twice (two workers, or two runs of the check): Ash once; Bo has updated; Cy has no address.
    const dayOne = addDays(deadline, -3);
    await Promise.all([check(dayOne), check(dayOne)]);
    await check(dayOne);
    const toAsh = await queuedEmailsTo(db, fixture.ash.email);
    expect(toAsh.map((message) => message.uniqueKey)).toEqual([
      `round:${round.id}:request:${fixture.ash.id}`,
      `round:${round.id}:reminder:${fixture.ash.id}:${dayOne}`,
    ]);
    expect(toAsh[1]!.subject).toMatch(/^\[OFFICIAL-SENSITIVE\] Reminder: updates due by /);
    // The reminder carries a working link of its own.
    expect(await findPersonalLink(db.kysely, linkSecretIn(toAsh[1]!.text)!)).toBeDefined();
    expect(await queuedEmailsTo(db, fixture.bo.email)).toHaveLength(1);
    // On the day: again, to Ash only.
    await check(deadline);
    expect(await queuedEmailsTo(db, fixture.ash.email)).toHaveLength(3);
    const progress = await roundProgress(db.kysely, round);
    expect(progress.owners.find((owner) => owner.ownerId === fixture.ash.id)!.lastRemindedBy).toBe(
      'automatic',
    );
  });

  it('sends no reminders for a closed round', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    await inTransaction(db, (trx) => closeRound(trx, testActor, fixture.plan, round.id, round.version));
    await inTransaction(db, (trx) => queueDueReminders(trx, config, noonOn(deadline)));
    expect(await queuedEmailsTo(db, fixture.ash.email)).toHaveLength(1);
  });

  it('nudges one owner now, with what they have not updated, recorded on the round and in history', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    await makeUpdate(db, fixture.plan.id, { actionId: fixture.ashActionId });
    await inTransaction(db, (trx) =>
      nudgeOwner(trx, testActor, config, fixture.plan, round.id, fixture.ash.id),
    );
    const nudge = (await queuedEmailsTo(db, fixture.ash.email))[1]!;
    expect(nudge.text).toContain('Harbour second action');
    expect(nudge.text).not.toContain('Harbour first action');
    const ash = (await roundProgress(db.kysely, round)).owners.find(
      (owner) => owner.ownerId === fixture.ash.id,
    )!;
    expect(ash.lastRemindedBy).toBe(testActor.name);
    expect(ash.lastRemindedAt).not.toBeNull();
    const history = await db.kysely
      .selectFrom('history')
      .select('after_json')
      .where('record_id', '=', round.id)
      .where('change', '=', 'update')
      .execute();
    expect(JSON.parse(history[0]!.after_json!).reminded).toBe(ash.name);
    // Cy cannot be e-mailed; Bo, once updated, has nothing to be reminded of. Nothing is queued for either.
    await expect(
      inTransaction(db, (trx) => nudgeOwner(trx, testActor, config, fixture.plan, round.id, fixture.cy.id)),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await makeUpdate(db, fixture.plan.id, { actionId: fixture.boActionId });
    await expect(
      inTransaction(db, (trx) => nudgeOwner(trx, testActor, config, fixture.plan, round.id, fixture.bo.id)),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(await queuedEmailsTo(db, fixture.bo.email)).toHaveLength(1);
  });

  it('ends the links when the round closes, when revoked, at their own expiry and when an administrator switches them off', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const secretOf = async () => linkSecretIn((await queuedEmailsTo(db, fixture.ash.email)).at(-1)!.text)!;
    // Revoked: that owner's links stop, and their next e-mail carries none.
    const revoked = await start(fixture);
    const first = await secretOf();
    await inTransaction(db, (trx) => revokeLinks(trx, testActor, fixture.plan, revoked.id, fixture.ash.id));
    expect(await findPersonalLink(db.kysely, first)).toBeUndefined();
    await inTransaction(db, (trx) =>
      nudgeOwner(trx, testActor, config, fixture.plan, revoked.id, fixture.ash.id),
    );
    const afterRevoke = (await queuedEmailsTo(db, fixture.ash.email)).at(-1)!;
    expect(linkSecretIn(afterRevoke.text)).toBeUndefined();
    expect(afterRevoke.text).toContain(
      'ask your programme manager or a Headway administrator for an account',
    );
    // Closed.
    const closing = await start(fixture);
    const second = await secretOf();
    expect(await findPersonalLink(db.kysely, second)).toBeDefined();
    const closed = await inTransaction(db, (trx) =>
      closeRound(trx, testActor, fixture.plan, closing.id, closing.version),
    );
    expect(closed.state).toBe('closed');
    expect(await findPersonalLink(db.kysely, second)).toBeUndefined();
    // Expired: the day after the meeting.
    await start(fixture);
    const third = await secretOf();
    expect(await findPersonalLink(db.kysely, third, noonOn(meeting))).toBeDefined();
    expect(await findPersonalLink(db.kysely, third, noonOn(addDays(meeting, 1)))).toBeUndefined();
    // Switched off, then on again.
    await inTransaction(db, (trx) => setPersonalLinksAllowed(trx, testActor, false));
    try {
      expect(await findPersonalLink(db.kysely, third)).toBeUndefined();
      const other = await makeRoundPlan(db, 'Quay');
      await start(other);
      const request = (await queuedEmailsTo(db, other.ash.email))[0]!;
      expect(linkSecretIn(request.text)).toBeUndefined();
      expect(request.text).toContain('for an account');
    } finally {
      await inTransaction(db, (trx) => setPersonalLinksAllowed(trx, testActor, true));
    }
    expect(await findPersonalLink(db.kysely, third)).toBeDefined();
  });

  it('limits requests through links per link and per client address', async () => {
    const db = current();
    const address = `192.0.2.${Math.floor(Math.random() * 200) + 1}`;
    const now = new Date();
    for (let i = 0; i < linkLimits.invalidPerAddress - 1; i += 1)
      await inTransaction(db, (trx) => countLinkAttempt(trx, address, null, 'invalid', now));
    await expect(checkLinkLimits(db.kysely, address, null, now)).resolves.toBeUndefined();
    await inTransaction(db, (trx) => countLinkAttempt(trx, address, null, 'invalid', now));
    await expect(checkLinkLimits(db.kysely, address, null, now)).rejects.toBeInstanceOf(
      TooManyLinkRequestsError,
    );
    // Another address is not held back; an hour later, neither is this one.
    await expect(checkLinkLimits(db.kysely, '198.51.100.7', null, now)).resolves.toBeUndefined();
    await expect(
      checkLinkLimits(db.kysely, address, null, new Date(now.getTime() + 61 * 60_000)),
    ).resolves.toBeUndefined();
    // Posts through one link, from addresses of their own.
    const hash = `hash-${address}`;
    for (let i = 0; i < linkLimits.postsPerLink; i += 1)
      await inTransaction(db, (trx) => countLinkAttempt(trx, `203.0.113.${i}`, hash, 'post', now));
    await expect(checkLinkLimits(db.kysely, '198.51.100.8', hash, now)).rejects.toBeInstanceOf(
      TooManyLinkRequestsError,
    );
    await expect(checkLinkLimits(db.kysely, '198.51.100.8', 'another-link', now)).resolves.toBeUndefined();
  });

  it('drafts the highlight report for the period up to the meeting, with the updates that came back, once', async () => {
    const db = current();
    const fixture = await makeRoundPlan(db);
    const round = await start(fixture);
    await makeUpdate(
      db,
      fixture.plan.id,
      { actionId: fixture.boActionId },
      { body: 'Training dates set for all stations' },
    );
    const current1 = await findRound(db.kysely, fixture.plan.id, round.id);
    await inTransaction(db, (trx) => closeRound(trx, testActor, fixture.plan, round.id, current1.version));
    const report = await inTransaction(db, (trx) =>
      draftReportForRound(trx, testActor, fixture.plan, round.id),
    );
    expect(report.period_end).toBe(meeting);
    expect(report.status).toBe('draft');
    const { model } = await loadReport(db.kysely, fixture.plan.slug, report.id);
    const progress = model.sections.find((section) => section.key === 'progress')!;
    expect(progress.html).toContain('Training dates set for all stations');
    expect(progress.html).toContain('Harbour action of Bo');
    const again = await inTransaction(db, (trx) =>
      draftReportForRound(trx, testActor, fixture.plan, round.id),
    );
    expect(again.id).toBe(report.id);
  });
});
