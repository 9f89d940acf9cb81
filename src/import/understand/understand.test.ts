import { describe, expect, it } from 'vitest';
import { richTextToPlain } from '../../richtext/sanitise.js';
import { readSample } from '../../testing/samples.js';
import { readSource } from '../read/readSource.js';
import { cell, type SourceDocument } from '../source.js';
import { recogniseHeader } from './columns.js';
import { splitDatedEntries } from './datedEntries.js';
import { horizonFromHeading, splitRunTogether } from './horizons.js';
import { understandDocument } from './understandDocument.js';
import { highlightLabel, markingIn, ragFromOverallStatus, ragFromWords, statusFromWords } from './wording.js';

describe('recogniseHeader', () => {
  it.each([
    ['Action', 'title'],
    ['Deliverable', 'title'],
    ['Recommendation', 'finding'],
    ['Area for improvement', 'finding'],
    ['Owner', 'owner'],
    ['Lead', 'owner'],
    ['Responsible officer', 'owner'],
    ['Dates for delivery of future actions', 'target'],
    ['Target date', 'target'],
    ['Deadline', 'target'],
    ['Due', 'target'],
    ['Status', 'status'],
    ['Progress status', 'status'],
    ['RAG', 'rag'],
    ['R.A.G. status', 'rag'],
    ['Progress', 'progress'],
    ['Update', 'progress'],
    ['Commentary', 'progress'],
    ['Future Planned Actions', 'futureActions'],
    ['Next steps', 'futureActions'],
    ['Ref', 'ref'],
    ['No.', 'ref'],
    ['Theme', 'theme'],
    ['Focus area', 'theme'],
    ['Workstream', 'theme'],
    ['  OWNER:  ', 'owner'],
    ['Colour of the sky', null],
  ])('reads "%s" as %s', (header, field) => {
    expect(recogniseHeader(header)).toBe(field);
  });

  it('lets a mapping chosen by hand win, including "do not import"', () => {
    expect(recogniseHeader('Colour of the sky', { 'colour of the sky': 'rag' })).toBe('rag');
    expect(recogniseHeader('Status', { status: null })).toBeNull();
  });
});

describe('document wording', () => {
  it.each([
    ['Not yet started', 'not_started'],
    ['complete', 'complete'],
    ['Closed', 'complete'],
    ['Open - on track', 'in_progress'],
    ['In progress', 'in_progress'],
    ['Ongoing', 'ongoing'],
    ['Cancelled', 'cancelled'],
    ['Withdrawn', 'cancelled'],
    ['Something else', null],
  ])('status "%s" is %s', (words, status) => {
    expect(statusFromWords(words)).toBe(status);
  });

  it.each([
    ['R', 'red'],
    ['Amber', 'amber'],
    ['g', 'green'],
    ['Amber/Green', 'amber'],
    ['Blue', null],
  ])('RAG "%s" is %s', (words, rag) => {
    expect(ragFromWords(words)).toBe(rag);
  });

  it('reads overall status phrases and protective markings', () => {
    expect(ragFromOverallStatus('On Track')).toBe('green');
    expect(ragFromOverallStatus('At risk')).toBe('amber');
    expect(markingIn('NOT PROTECTIVELY MARKED')).toBe('NOT PROTECTIVELY MARKED');
    expect(markingIn('Official - Sensitive')).toBe('OFFICIAL - SENSITIVE');
    expect(markingIn('Officially a sentence about something')).toBeNull();
    expect(highlightLabel('STRATEGIC SPONSOR')).toBe('sponsor');
    expect(highlightLabel('NEXT STEPS')).toBe('nextSteps');
  });

  it('finds horizons in headings but not in sentences', () => {
    expect(horizonFromHeading('Progress against short term priorities (by April 2024)')).toBe(
      'Short term (by April 2024)',
    );
    expect(
      horizonFromHeading('The table below sets out where we are against the short-term priorities.'),
    ).toBeNull();
  });

  it('splits a run-together list at the verbs that start its items, not inside quotes', () => {
    expect(
      splitRunTogether(
        "Continuing the delivery of 'Not on my Watch' awareness training Developing clear role expectations Further embedding the Code of Ethics Rolling out checks",
      ),
    ).toEqual([
      "Continuing the delivery of 'Not on my Watch' awareness training",
      'Developing clear role expectations',
      'Further embedding the Code of Ethics',
      'Rolling out checks',
    ]);
  });
});

describe('splitDatedEntries', () => {
  it('splits "Update 7/8/21:" and "7/8/21 update:" entries out, in UK date order', () => {
    const split = splitDatedEntries(
      '<p>Comms piece is required: Update 7/8/21 comms have gone out. 12.8.21 update: more done</p>',
    );
    expect(split.before).toBe('<p>Comms piece is required:</p>');
    expect(split.entries).toEqual([
      { effectiveOn: '2021-08-07', body: '<p>comms have gone out.</p>' },
      { effectiveOn: '2021-08-12', body: '<p>more done</p>' },
    ]);
  });

  it('leaves cells without entries, and impossible dates, alone', () => {
    expect(splitDatedEntries('<p>Nothing dated</p>').entries).toEqual([]);
    expect(splitDatedEntries('<p>Update 31/2/21: no such day</p>').entries).toEqual([]);
  });
});

describe('understandDocument', () => {
  const table = (...rows: string[][]): SourceDocument => ({
    kind: 'text',
    fileName: 'plan.csv',
    pageFurniture: [],
    blocks: [
      {
        type: 'table',
        rows: rows.map((cells) => ({ cells: cells.map((t) => cell(t)), repeatedHeader: false })),
      },
    ],
  });

  it('carries a theme down to the rows under it and skips a header repeated on a new page', () => {
    const { draft, warnings } = understandDocument(
      table(
        ['Theme', 'Action', 'Owner', 'Status'],
        ['Trust', 'Launch dashboard', 'Ann Lee', 'Complete'],
        ['', 'Revise complaints', 'Bob Roy', 'In progress'],
        ['Theme', 'Action', 'Owner', 'Status'],
        ['', 'Anonymous line', '', 'Not yet started'],
        ['Welfare', 'Mental health support', '', 'Open - on track'],
      ),
    );
    expect(warnings).toEqual([]);
    expect(draft.actions.map((a) => [a.theme, a.title, a.status])).toEqual([
      ['Trust', 'Launch dashboard', 'complete'],
      ['Trust', 'Revise complaints', 'in_progress'],
      ['Trust', 'Anonymous line', 'not_started'],
      ['Welfare', 'Mental health support', 'in_progress'],
    ]);
    expect(draft.themes.map((t) => t.title)).toEqual(['Trust', 'Welfare']);
  });

  it('reports unknown columns and keeps their cells in the description', () => {
    const { draft, warnings, tables } = understandDocument(
      table(['Action', 'Owner', 'Budget code'], ['Buy chairs', 'Facilities', 'FX-12']),
    );
    expect(tables[0]!.columns.map((c) => c.field)).toEqual(['title', 'owner', null]);
    expect(warnings[0]!.message).toContain('Column "Budget code" was not recognised');
    expect(draft.actions[0]!.description).toContain('FX-12');
  });

  it('names unrecognised statuses, target dates and a table without headers', () => {
    const { warnings } = understandDocument(
      table(['Action', 'Status', 'Target date'], ['Buy chairs', 'Sort of', 'when the moon is blue']),
    );
    expect(warnings.map((w) => w.message)).toEqual([
      'Target date "when the moon is blue" could not be read as a date; it is kept as written',
      'Status "Sort of" was not recognised; it was read as Not started',
    ]);
    const none = understandDocument(table(['Alpha', 'Beta'], ['1', '2']));
    expect(none.warnings.map((w) => w.message).join(' ')).toContain('No column headers were recognised');
  });
});

describe.each(['txt', 'docx', 'xlsx'] as const)('the staff-survey action plan (.%s)', (form) => {
  it('imports exactly', async () => {
    const name = `staff-survey-action-plan.${form}` as const;
    const { draft } = understandDocument(await readSource(name, await readSample(name)));
    expect(draft.plan.title).toBe('Staff Survey - Action Plan');
    expect(draft.plan.marking).toBe('NOT PROTECTIVELY MARKED');
    expect(draft.actions).toHaveLength(14);
    expect(draft.actions.filter((a) => a.status === 'complete')).toHaveLength(7);
    expect(draft.actions.filter((a) => a.status === 'ongoing')).toHaveLength(7);
    expect(draft.actions.map((a) => a.owners)).toEqual([
      ...Array(2).fill(['Luke Baldock']),
      ['Corp Comms'],
      ...Array(2).fill(['Luke Baldock']),
      ['Corp Comms'],
      ...Array(6).fill(['Luke Baldock']),
      ['Commissioner Dyson'],
      ['Luke Baldock'],
    ]);
    expect(draft.actions.map((a) => a.targetDate)).toEqual([
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'End of April 2021',
      'ongoing',
      'end of sept 21',
      'Ongoing comms from key areas will continue as work progresses',
      'End of June 2021',
      'Complete',
      'End of June 2021',
      'Sep-21',
      'end of sept - 21',
    ]);
    const pab = draft.actions[12]!;
    expect(pab.title).toBe('Update July PAB with progress and Action Plan updates');
    expect(richTextToPlain(pab.progress!)).toBe(
      'A summary report has been produced with the Action Plan now ready to update PAB at Sept meeting',
    );
    expect(richTextToPlain(pab.futureActions!)).toBe(
      'Papers will be submitted to Hayley Williams to ensure delivery',
    );
    expect(draft.themes.map((t) => [t.title, t.lead, t.updates.map((u) => u.effectiveOn)])).toEqual([
      ['Return to Work Plan', 'All directorate leads', ['2021-08-07']],
      ['Transform - Silo Culture and Communication of changes', 'Ch Supt Oliver Shaw', ['2021-08-12']],
      ['Vision Clarity', 'Stuart Phoenix', ['2021-08-07']],
      ['Work/Home Balance', 'Ch Supt Steve Heatley', ['2021-08-07']],
    ]);
    for (const theme of draft.themes)
      expect(richTextToPlain(theme.updates[0]!.body).length).toBeGreaterThan(40);
  });
});

describe.each(['txt', 'docx'] as const)('the culture highlight report (.%s)', (form) => {
  it('imports exactly', async () => {
    const name = `culture-highlight-report.${form}` as const;
    const { draft } = understandDocument(await readSource(name, await readSample(name)));
    expect(draft.plan).toMatchObject({
      title: 'Culture Action Plan Strategic Highlight Report',
      sponsor: 'DCFO Derek James',
      rag: 'green',
      ragNote: 'On Track',
    });
    expect(draft.report).toMatchObject({
      periodText: 'October 2023 – February 2024',
      periodStart: '2023-10-01',
      periodEnd: '2024-02-29',
      overallStatus: 'On Track',
    });
    expect(Object.keys(draft.report!.sections).sort()).toEqual([
      'communication',
      'governance',
      'issues',
      'nextSteps',
      'progress',
      'risks',
      'summary',
    ]);
    expect(richTextToPlain(draft.report!.sections.nextSteps!)).toBe(
      'Continue to deliver the prioritises programme for completion by April.',
    );
    expect(draft.themes.map((t) => t.title)).toEqual([
      'Building trust and confidence',
      'Strengthening support, welfare and facilities',
      'Clear cultural expectations',
      'Strengthening leadership and engagement',
      'Governance',
    ]);
    expect(draft.plan.horizons).toEqual(['Short term (by April 2024)', 'Medium term']);
    const short = draft.actions.filter((a) => a.horizon === 'Short term (by April 2024)');
    expect(short).toHaveLength(18);
    const count = (status: string) => short.filter((a) => a.status === status).length;
    expect([count('complete'), count('in_progress'), count('not_started')]).toEqual([11, 5, 2]);
    expect(short.map((a) => a.theme)).toEqual([
      ...Array(3).fill('Building trust and confidence'),
      ...Array(5).fill('Strengthening support, welfare and facilities'),
      ...Array(4).fill('Clear cultural expectations'),
      ...Array(5).fill('Strengthening leadership and engagement'),
      'Governance',
    ]);
    expect(short[15]!.title).toMatch(/^Introduce structural changes within Learning and Development/);
    const medium = draft.actions.filter((a) => a.horizon === 'Medium term');
    expect(medium.map((a) => a.title)).toEqual([
      "Continuing the delivery of 'Not on my Watch' awareness training",
      'Developing clear role expectations (linked to role induction)',
      'Reviewing performance management procedures',
      "Introducing our 'Safe to' programme",
      'Further embedding the Code of Ethics',
      'Rolling out a DBS checking programme for existing staff (currently at procurement stage)',
    ]);
  });
});
