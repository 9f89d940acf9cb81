import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { openZip } from '../import/read/zip.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme } from '../testing/factories.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToDocx, columnWidthsFor } from './actionPlanDocx.js';
import { textWidth, widthOfLine } from './wordParts.js';

async function partsOf(docx: Buffer) {
  const zip = await openZip(docx, { maxExpandedBytes: 50_000_000 });
  return { names: zip.names, read: async (name: string) => (await zip.read(name)) ?? '' };
}

/** The words of a part, a line per paragraph, as a reader sees them. */
function wordsOf(xml: string): string {
  return xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:br\/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

describeEachDatabase('the action-plan document in Word', (current) => {
  const documentOf = async (slug: string) => {
    await loadDemo(current(), { name: 'Test Manager' });
    return buildActionPlanDocument(
      await loadPlanContents(current().kysely, slug, { updates: 'all' }),
      '2026-11-23',
    );
  };

  it('is a landscape board paper: title, date, a header row repeated on every page, every action', async () => {
    const doc = await documentOf('staff-survey-2021');
    const parts = await partsOf(await actionPlanToDocx(doc));
    const xml = await parts.read('word/document.xml');
    expect(xml).toContain('w:orient="landscape"');
    const words = wordsOf(xml);
    expect(words).toContain('Staff Survey - Action Plan');
    expect(words).toContain('Generated on 23 November 2026');

    const headerRow = xml.slice(xml.indexOf('<w:tr>'), xml.indexOf('</w:tr>'));
    expect(headerRow).toContain('<w:tblHeader/>');
    expect(wordsOf(headerRow).split('\n').filter(Boolean)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery',
      'Status',
    ]);
    for (const action of actionsInOrder(doc)) expect(words).toContain(action.title);
    expect(words).toContain('Rolling Updates:');
    for (const area of doc.focusAreas) expect(words).toContain(area.title);
    expect(words).toMatch(/^Update 7\/8\/21: /m);
  });

  it('fits its table to the width of the page, in fixed columns', async () => {
    for (const slug of ['staff-survey-2021', 'culture-action-plan']) {
      const xml = await (
        await partsOf(await actionPlanToDocx(await documentOf(slug)))
      ).read('word/document.xml');
      const grid = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
      expect(grid.reduce((a, b) => a + b, 0)).toBe(textWidth.landscape);
      expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
      expect(xml).toContain(`<w:tblW w:type="dxa" w:w="${textWidth.landscape}"/>`);
    }
  });

  it('merges each theme down the rows of its actions', async () => {
    const doc = await documentOf('culture-action-plan');
    const xml = await (await partsOf(await actionPlanToDocx(doc))).read('word/document.xml');
    expect(doc.columns.slice(0, 4)).toEqual(['Theme', 'Ref', 'Horizon', 'Action']);
    // One merged cell per group: the five themes and the actions that have none.
    expect(xml.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(doc.groups.length);
    const continued = doc.groups.reduce((n, g) => n + g.actions.length - 1, 0);
    expect(xml.match(/<w:vMerge w:val="continue"\/>/g)).toHaveLength(continued);
    expect(wordsOf(xml)).toContain('Building trust and confidence');
  });

  it('carries the marking centred in the header and footer of every page, with page numbers', async () => {
    const parts = await partsOf(await actionPlanToDocx(await documentOf('staff-survey-2021')));
    const header = await parts.read('word/header1.xml');
    const footer = await parts.read('word/footer1.xml');
    for (const part of [header, footer]) {
      expect(wordsOf(part)).toContain('NOT PROTECTIVELY MARKED');
      expect(part).toContain('<w:jc w:val="center"/>');
    }
    expect(footer).toMatch(/PAGE[\s\S]*NUMPAGES/);
    expect(wordsOf(footer)).toContain('Page ');
    expect(wordsOf(footer)).toContain(' of ');
    expect(await parts.read('word/document.xml')).toMatch(/<w:headerReference w:type="default"/);
  });

  it('has no header when the plan has no marking', async () => {
    const parts = await partsOf(await actionPlanToDocx(await documentOf('culture-action-plan')));
    expect(parts.names.filter((n) => /^word\/header\d*\.xml$/.test(n))).toEqual([]);
    expect(wordsOf(await parts.read('word/footer1.xml'))).toContain('Culture Action Plan');
  });

  it('adds a RAG column when an action has one, and writes rich text as Word formatting', async () => {
    const plan = await makePlan(current(), { marking: 'OFFICIAL' });
    const theme = await makeTheme(current(), plan.id, { title: 'Wellbeing' });
    await makeAction(current(), plan.id, {
      title: 'Open a staff helpline',
      themeId: theme.id,
      rag: 'amber',
      progress:
        '<p>Provider <strong>chosen</strong></p><ol><li>Contract signed</li><li>Phone line tested</li></ol>',
    });
    const doc = buildActionPlanDocument(
      await loadPlanContents(current().kysely, plan.slug, { updates: 'all' }),
    );
    const xml = await (await partsOf(await actionPlanToDocx(doc))).read('word/document.xml');
    expect(doc.columns.at(-1)).toBe('RAG');
    expect(wordsOf(xml)).toContain('Amber');
    expect(xml).toMatch(/<w:b\/>[\s\S]{0,200}chosen/);
    expect(xml.match(/<w:numPr>/g)).toHaveLength(2);
  });

  it('keeps each column at least as wide as its longest word, so that no word is cut in two', async () => {
    const plan = await makePlan(current());
    const theme = await makeTheme(current(), plan.id, { title: 'Organisational Development' });
    await makeAction(current(), plan.id, {
      ref: 'OD1',
      title: 'Agree the workforce plan',
      themeId: theme.id,
      owners: ['Superintendentship'],
      progress: `<p>${'Words of a long progress note. '.repeat(40)}</p>`,
      futureActions: `<p>${'Next steps to be agreed. '.repeat(30)}</p>`,
      targetDate: 'Spring 2022',
    });
    const doc = buildActionPlanDocument(
      await loadPlanContents(current().kysely, plan.slug, { updates: 'all' }),
    );
    const widths = columnWidthsFor(doc);
    expect([...widths.values()].reduce((a, b) => a + b, 0)).toBe(textWidth.landscape);
    expect(widths.get('Owner')).toBeGreaterThanOrEqual(widthOfLine('Superintendentship'.length));
    expect(widths.get('Theme')).toBeGreaterThanOrEqual(widthOfLine('Organisational'.length));
    // The room comes from the columns of running text, which keep more than their longest words.
    expect(widths.get('Progress')).toBeGreaterThan(widths.get('Owner')!);
    const grid = [
      ...(await (await partsOf(await actionPlanToDocx(doc))).read('word/document.xml')).matchAll(
        /<w:gridCol w:w="(\d+)"\/>/g,
      ),
    ].map((m) => Number(m[1]));
    expect(grid).toEqual(doc.columns.map((c) => widths.get(c)));
  });
});
