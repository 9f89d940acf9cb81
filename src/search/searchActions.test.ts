import { describe, expect, it } from 'vitest';
import { createActions, deleteAction, updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError } from '../errors.js';
import { deleteOwner, mergeOwner, updateOwner } from '../owners/ownerCommands.js';
import { deletePlan } from '../plans/planCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { updateTheme, deleteTheme } from '../themes/themeCommands.js';
import { deleteUpdate, editUpdate, postUpdate, postUpdates } from '../updates/updateCommands.js';
import { searchActions } from './searchActions.js';
import { checkSearchQuery, markedHtml, searchPhrases } from './searchQuery.js';

const everyPage = { limit: 100, offset: 0 };

function search(db: Db, query: string, readable: Set<string> | 'all' = 'all') {
  return searchActions(db.kysely, query, readable, everyPage);
}

async function titlesFound(db: Db, query: string, readable: Set<string> | 'all' = 'all') {
  const found = await search(db, query, readable);
  // Counted as found: an action gone from the plans but not from the index would be counted and not shown.
  expect(found.total, query).toBe(found.matches.length);
  return found.matches.map((match) => match.title.map((piece) => piece.text).join('')).sort();
}

async function ownerId(db: Db, name: string) {
  return (await db.kysely.selectFrom('owners').selectAll().where('name', '=', name).executeTakeFirstOrThrow())
    .id;
}

describe('reading a search', () => {
  it('keeps letters and digits, quotes phrases, and leaves no query syntax', () => {
    expect(searchPhrases('Staff wellbeing')).toEqual([['staff'], ['wellbeing']]);
    expect(searchPhrases('"fish and chips" e-mail')).toEqual([
      ['fish', 'and', 'chips'],
      ['e', 'mail'],
    ]);
    expect(searchPhrases('NEAR(a* -b) title:c "d')).toEqual([['near', 'a'], ['b'], ['title', 'c'], ['d']]);
    expect(searchPhrases('Zoë 2021')).toEqual([['zoë'], ['2021']]);
    expect(searchPhrases(' *"-:()!? ')).toEqual([]);
  });

  it('refuses a search over 200 characters, naming the field', () => {
    expect(checkSearchQuery('q', `  ${'a'.repeat(200)}  `)).toBe('a'.repeat(200));
    const error = (() => {
      try {
        checkSearchQuery('q', 'a'.repeat(201));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fieldErrors).toEqual({ q: 'Search must be 200 characters or fewer' });
  });
});

describeEachDatabase('searching actions', (current) => {
  it('finds an action by each of its parts, saying where it matched', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Finding plan' });
    const theme = await makeTheme(db, plan.id, {
      title: 'Quillwort focus area',
      progress: '<p>Marram grass is progressing</p>',
    });
    const action = await makeAction(db, plan.id, {
      title: 'Saltmarsh action',
      description: 'Described as bladderwrack',
      progress: '<p>Samphire sessions held</p>',
      futureActions: 'Eelgrass planting next',
      owners: ['Thrift Seapink'],
      themeId: theme.id,
    });
    await makeUpdate(db, plan.id, { actionId: action.id }, { body: '<p>Update about <b>glasswort</b></p>' });
    await makeUpdate(db, plan.id, { themeId: theme.id }, { body: '<p>Rolling update: sea lavender</p>' });
    const expected: [string, string | null][] = [
      ['saltmarsh', null],
      ['bladderwrack', 'description'],
      ['samphire', 'progress'],
      ['eelgrass', 'future_actions'],
      ['glasswort', 'updates'],
      ['seapink', 'owners'],
      ['quillwort', 'theme'],
      ['marram', 'theme'],
      ['lavender', 'theme'],
    ];
    for (const [word, field] of expected) {
      const found = await search(db, word);
      expect(found.total, word).toBe(1);
      expect(found.matches[0]!.actionId, word).toBe(action.id);
      expect(found.matches[0]!.snippet?.field ?? null, word).toBe(field);
      expect(found.matches[0]!.plan).toEqual({ slug: plan.slug, title: 'Finding plan' });
      expect(found.matches[0]!.theme).toEqual({ id: theme.id, title: 'Quillwort focus area' });
    }
    const snippet = (await search(db, 'samphire')).matches[0]!.snippet!;
    expect(markedHtml(snippet.text)).toBe('<mark>Samphire</mark> sessions held');
    expect(markedHtml((await search(db, 'saltmarsh')).matches[0]!.title)).toBe(
      '<mark>Saltmarsh</mark> action',
    );
    // Words are matched by their stems, and every word given must be there.
    expect(await titlesFound(db, 'SESSION samphire')).toEqual(['Saltmarsh action']);
    expect(await titlesFound(db, 'samphire missingword')).toEqual([]);
  });

  it('sees each edit, update, owner change and delete in the next search', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Heathland' });
    const action = await makeAction(db, plan.id, {
      title: 'Gorse clearing',
      progress: 'Bracken first',
      owners: ['Nightjar Team'],
      themeId: theme.id,
    });
    const change = <T>(work: Parameters<typeof inTransaction<T>>[1]) => inTransaction(db, work);
    // As an import adds them: many at once.
    const [other] = await change((trx) =>
      createActions(trx, testActor, plan.id, [
        { title: 'Second heath action', owners: ['Stonechat Unit'] },
        { title: 'Third heath action', progress: 'Dartford warblers' },
      ]),
    );
    expect(await titlesFound(db, 'dartford')).toEqual(['Third heath action']);

    await change((trx) => updateAction(trx, testActor, plan.id, action.id, 1, { progress: 'Heather now' }));
    expect(await titlesFound(db, 'bracken')).toEqual([]);
    expect(await titlesFound(db, 'heather')).toEqual(['Gorse clearing']);

    const update = await makeUpdate(db, plan.id, { actionId: action.id }, { body: 'Adders seen' });
    expect(await titlesFound(db, 'adders')).toEqual(['Gorse clearing']);
    await change((trx) => editUpdate(trx, testActor, plan.id, update.id, 1, { body: 'Lizards seen' }));
    expect(await titlesFound(db, 'adders')).toEqual([]);
    expect(await titlesFound(db, 'lizards')).toEqual(['Gorse clearing']);
    await change((trx) => deleteUpdate(trx, testActor, plan.id, update.id));
    expect(await titlesFound(db, 'lizards')).toEqual([]);
    await change((trx) =>
      postUpdates(trx, testActor, plan.id, [
        { subject: { actionId: other!.id }, input: { body: 'Skylarks' } },
      ]),
    );
    expect(await titlesFound(db, 'skylarks')).toEqual(['Second heath action']);
    // An update that moves a status is indexed by the action's or theme's own command, the update with it.
    await change((trx) =>
      postUpdate(
        trx,
        testActor,
        plan.id,
        { actionId: other!.id },
        { body: 'Whinchats', statusChange: 'complete' },
      ),
    );
    expect(await titlesFound(db, 'whinchats')).toEqual(['Second heath action']);
    await change((trx) =>
      postUpdate(
        trx,
        testActor,
        plan.id,
        { themeId: theme.id },
        { body: 'Wheatears', statusChange: 'ongoing' },
      ),
    );
    expect(await titlesFound(db, 'wheatears')).toEqual(['Gorse clearing']);

    await change((trx) => updateTheme(trx, testActor, plan.id, theme.id, 2, { title: 'Moorland' }));
    expect(await titlesFound(db, 'heathland')).toEqual([]);
    expect(await titlesFound(db, 'moorland')).toEqual(['Gorse clearing']);

    const nightjar = await ownerId(db, 'Nightjar Team');
    await change((trx) => updateOwner(trx, testActor, nightjar, 1, { name: 'Curlew Team' }));
    expect(await titlesFound(db, 'nightjar')).toEqual([]);
    expect(await titlesFound(db, 'curlew')).toEqual(['Gorse clearing']);
    const stonechat = await ownerId(db, 'Stonechat Unit');
    await change((trx) => mergeOwner(trx, testActor, stonechat, 1, nightjar));
    expect(await titlesFound(db, 'stonechat')).toEqual([]);
    expect(await titlesFound(db, 'curlew')).toEqual(['Gorse clearing', 'Second heath action']);
    await change((trx) => deleteOwner(trx, testActor, nightjar, 2));
    expect(await titlesFound(db, 'curlew')).toEqual([]);

    await change((trx) => deleteTheme(trx, testActor, plan.id, theme.id));
    expect(await titlesFound(db, 'moorland')).toEqual([]);
    await change((trx) => deleteAction(trx, testActor, plan.id, action.id));
    expect(await titlesFound(db, 'heather')).toEqual([]);
    expect(await titlesFound(db, 'skylarks')).toEqual(['Second heath action']);
    await change((trx) => deletePlan(trx, testActor, plan.id));
    expect(await titlesFound(db, 'skylarks')).toEqual([]);
  });

  it('leaves the index as it was when a change is refused', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Puffin burrows' });
    await expect(
      inTransaction(db, async (trx) => {
        await updateAction(trx, testActor, plan.id, action.id, 1, { title: 'Guillemot ledges' });
        throw new Error('refused after the write');
      }),
    ).rejects.toThrow('refused after the write');
    expect(await titlesFound(db, 'puffin')).toEqual(['Puffin burrows']);
    expect(await titlesFound(db, 'guillemot')).toEqual([]);
  });

  it('never finds or counts actions of a plan the reader may not read', async () => {
    const db = current();
    const mine = await makePlan(db, { title: 'Readable plan' });
    const theirs = await makePlan(db, { title: 'Hidden plan' });
    await makeAction(db, mine.id, { title: 'Kittiwake survey' });
    await makeAction(db, theirs.id, { title: 'Kittiwake secret', progress: 'Kittiwake' });
    expect(await titlesFound(db, 'kittiwake')).toEqual(['Kittiwake secret', 'Kittiwake survey']);
    const found = await search(db, 'kittiwake', new Set([mine.id]));
    expect(found.total).toBe(1);
    expect(found.matches.map((match) => match.plan.title)).toEqual(['Readable plan']);
    expect(await search(db, 'kittiwake', new Set())).toEqual({ total: 0, matches: [] });
  });

  it('pages through the matches, each once, best first', async () => {
    const db = current();
    const plan = await makePlan(db);
    for (let n = 1; n <= 23; n++) await makeAction(db, plan.id, { title: `Razorbill count ${n}` });
    await makeAction(db, plan.id, {
      title: 'Another one',
      progress: 'Some razorbill words among many others',
    });
    const pages = [];
    for (const offset of [0, 10, 20])
      pages.push(await searchActions(db.kysely, 'razorbill', 'all', { limit: 10, offset }));
    expect(pages.map((page) => page.total)).toEqual([24, 24, 24]);
    expect(pages.map((page) => page.matches.length)).toEqual([10, 10, 4]);
    const ids = pages.flatMap((page) => page.matches.map((match) => match.actionId));
    expect(new Set(ids).size).toBe(24);
    // A match in the title ranks above a match only in the progress.
    expect(
      pages[2]!.matches
        .at(-1)!
        .title.map((piece) => piece.text)
        .join(''),
    ).toBe('Another one');
  });

  it('answers hostile searches without an error, and one of only punctuation with nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, {
      title: 'Shag colony "near" the pier (north)',
      progress: 'OR AND NOT NEAR',
    });
    const hostile = [
      '"',
      '"unbalanced',
      'shag*',
      '-shag',
      'title:shag',
      'NEAR(shag colony)',
      '(shag',
      'shag)',
      'shag OR',
      'AND',
      'NOT shag',
      '^shag',
      "'; drop table actions; --",
      '%_\\',
      '😀 shag',
      '<script>alert(1)</script>',
      '&amp; &lt;',
      '!!!',
      '""',
    ];
    for (const query of hostile) await expect(search(db, query), query).resolves.toBeDefined();
    expect(await titlesFound(db, 'shag*')).toEqual(['Shag colony "near" the pier (north)']);
    expect(await titlesFound(db, '(shag) "the pier"')).toEqual(['Shag colony "near" the pier (north)']);
    expect(await titlesFound(db, 'colony NEAR(the pier)')).toEqual(['Shag colony "near" the pier (north)']);
    for (const query of ['!!!', '*', '-', ':', '()', '""', '   '])
      expect(await search(db, query), query).toEqual({ total: 0, matches: [] });
    expect(await db.kysely.selectFrom('actions').select('id').execute()).not.toEqual([]);
  });

  it('escapes what an action says in its highlighted title and snippet, marking only the match', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, {
      title: '<script>alert(1)</script> Gannet <img src=x onerror=alert(2)>',
      progress: '<p>Gannet &lt;b onmouseover=alert(3)&gt; &amp; more</p>',
    });
    const [match] = (await search(db, 'gannet')).matches;
    const title = markedHtml(match!.title);
    expect(title).toContain('<mark>Gannet</mark>');
    expect(title).not.toMatch(/<(?!\/?mark>)/);
    expect(title).toContain('&lt;img src=x onerror=alert(2)&gt;');
    const snippet = markedHtml(match!.snippet!.text);
    expect(snippet).toContain('<mark>Gannet</mark>');
    expect(snippet).not.toMatch(/<(?!\/?mark>)/);
  });
});
