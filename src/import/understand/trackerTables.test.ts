import { describe, expect, it } from 'vitest';
import { richTextToPlain } from '../../richtext/sanitise.js';
import { cell, type SourceCell, type SourceDocument } from '../source.js';
import { findingKindOfHeader, recogniseHeader } from './columns.js';
import { findingHeading, parentReferences, referenceKey } from './findingRows.js';
import { understandDocument } from './understandDocument.js';
import { ragColumnMeaning } from './wording.js';

/** A cell continued from the one above it, as a vertical merge in Word or merged cells in Excel leave it. */
const mergedAbove = cell('', '', 1, true);

/** A one-table document as a reader hands it over: the header row, then rows of texts or cells. */
function tracker(header: string[], ...rows: (string | SourceCell)[][]): SourceDocument {
  const asCell = (value: string | SourceCell) => (typeof value === 'string' ? cell(value) : value);
  return {
    kind: 'docx',
    fileName: 'peel-inspection-2023.docx',
    pageFurniture: [],
    blocks: [
      { type: 'paragraph', text: 'PEEL inspection 2023: action plan', html: '' },
      {
        type: 'table',
        rows: [header, ...rows].map((row) => ({ cells: row.map(asCell), repeatedHeader: false })),
      },
    ],
  };
}

const messages = (doc: SourceDocument) => understandDocument(doc).warnings.map((w) => w.message);

describe('columns of a tracker that holds findings', () => {
  it.each([
    ['Recommendation', 'finding', 'recommendation'],
    ['Recommendations made', 'finding', 'recommendation'],
    ['Rec', 'finding', 'recommendation'],
    ['AFI', 'finding', 'area_for_improvement'],
    ['Areas for improvement', 'finding', 'area_for_improvement'],
    ['Area for development', 'finding', 'area_for_improvement'],
    ['Issue identified', 'finding', 'other'],
    ['Concern', 'finding', 'other'],
    ['Key findings', 'finding', 'other'],
    ['Cause of concern', 'finding', 'other'],
    ['You said', 'finding', 'survey_finding'],
    ['Survey finding', 'finding', 'survey_finding'],
    ['Focus group theme', 'finding', 'focus_group_theme'],
  ])('reads "%s" as a finding of kind %s', (header, field, kind) => {
    expect(recogniseHeader(header)).toBe(field);
    expect(findingKindOfHeader(header)).toBe(kind);
  });

  it.each([
    ['Action to be taken', 'title'],
    ['Response', 'title'],
    ['Management response', 'title'],
    ['Planned action', 'title'],
    ['Agreed actions', 'title'],
    ['Activity', 'title'],
    ['We did', 'title'],
    ['Rec No.', 'ref'],
    ['Recommendation number', 'ref'],
    ['Original due date', 'target'],
    ['Due date (original)', 'target'],
    ['Revised due date', 'revisedTarget'],
    ['Target date (revised)', 'revisedTarget'],
    ['New deadline', 'revisedTarget'],
    ['% complete', 'percentComplete'],
    ['Progress %', 'percentComplete'],
    ['Percentage complete', 'percentComplete'],
    ['Progress (%)', 'percentComplete'],
    ['Notes', 'notes'],
    ['Comments', 'notes'],
    ['Progress update', 'progress'],
    ['BRAG', 'rag'],
    ['B/RAG status', 'rag'],
    ['Priority', 'priority'],
  ])('reads "%s" as %s', (header, field) => {
    expect(recogniseHeader(header)).toBe(field);
  });

  it('numbers sub-actions under their finding, however they are written', () => {
    expect(parentReferences('1.1')).toEqual(['1']);
    expect(parentReferences('1.2.3')).toEqual(['1.2', '1']);
    expect(parentReferences('1a')).toEqual(['1']);
    expect(parentReferences('1(a)')).toEqual(['1']);
    expect(parentReferences('2 (ii)')).toEqual(['2']);
    expect(parentReferences('R3.1')).toEqual(['3']);
    expect(parentReferences('3')).toEqual([]);
    expect(referenceKey('Rec. 4')).toBe('4');
    expect(referenceKey('AFI 2')).toBe('2');
  });

  it('reads a heading across the table that states a finding', () => {
    expect(findingHeading('Recommendation 3: The force should review its vetting')).toEqual({
      kind: 'recommendation',
      reference: '3',
      text: 'The force should review its vetting',
    });
    expect(findingHeading('AFI 2 – Supervision of investigations')?.kind).toBe('area_for_improvement');
    expect(findingHeading('Wellbeing')).toBeNull();
  });

  it('reads a BRAG rating: Blue is complete; colours are RAG; status words are statuses', () => {
    expect(ragColumnMeaning('Blue')).toEqual({ rag: null, status: 'complete' });
    expect(ragColumnMeaning('B')).toEqual({ rag: null, status: 'complete' });
    expect(ragColumnMeaning('BLUE - complete')).toEqual({ rag: null, status: 'complete' });
    expect(ragColumnMeaning('Completed')).toEqual({ rag: null, status: 'complete' });
    expect(ragColumnMeaning('A')).toEqual({ rag: 'amber', status: null });
    expect(ragColumnMeaning('Green')).toEqual({ rag: 'green', status: null });
    expect(ragColumnMeaning('On track')).toEqual({ rag: null, status: 'in_progress' });
    expect(ragColumnMeaning('Not started')).toEqual({ rag: null, status: 'not_started' });
    expect(ragColumnMeaning('Purple')).toEqual({ rag: null, status: null });
  });
});

describe('understanding a tracker that holds findings', () => {
  it('links numbered sub-actions and actions below a blank or merged finding cell to their finding', () => {
    const { draft, warnings } = understandDocument(
      tracker(
        ['Ref', 'Recommendation', 'Action to be taken', 'Owner'],
        ['1', 'The force should improve how it records crime', 'Audit crime recording', 'DCI Khan'],
        ['1.1', mergedAbove, 'Train call handlers', 'Ch Insp Lee'],
        ['1(b)', '', 'Publish the audit', 'Corp Comms'],
        ['2', 'R2: Leaders should be visible', 'Hold roadshows', 'ACC'],
        ['2a', '', 'Start a blog', 'ACC'],
        ['', '', 'Answer questions monthly', 'ACC'],
      ),
    );
    expect(draft.findings).toEqual([
      {
        reference: '1',
        text: 'The force should improve how it records crime',
        kind: 'recommendation',
        priority: '',
        sourceDocument: 'PEEL inspection 2023: action plan',
      },
      {
        reference: 'R2',
        text: 'Leaders should be visible',
        kind: 'recommendation',
        priority: '',
        sourceDocument: 'PEEL inspection 2023: action plan',
      },
    ]);
    expect(draft.actions.map((a) => [a.ref, a.title, a.findings])).toEqual([
      ['1', 'Audit crime recording', ['1']],
      ['1.1', 'Train call handlers', ['1']],
      ['1(b)', 'Publish the audit', ['1']],
      ['2', 'Hold roadshows', ['R2']],
      ['2a', 'Start a blog', ['R2']],
      ['', 'Answer questions monthly', ['R2']],
    ]);
    expect(warnings).toEqual([]);
  });

  it('follows a sub-action to its finding by number, even below another finding', () => {
    const { draft } = understandDocument(
      tracker(
        ['No', 'AFI', 'Response'],
        ['1', 'Supervision of investigations', 'Review caseloads'],
        ['2', 'Use of stop and search', 'Dip-sample records'],
        ['1.2', '', 'Train supervisors'],
      ),
    );
    expect(draft.findings?.map((f) => [f.reference, f.kind])).toEqual([
      ['1', 'area_for_improvement'],
      ['2', 'area_for_improvement'],
    ]);
    expect(draft.actions.map((a) => a.findings)).toEqual([['1'], ['2'], ['1']]);
  });

  it('reads findings stated as headings across the table, numbering the actions below them', () => {
    const doc = tracker(['Ref', 'Action', 'Owner', 'Status']);
    const table = doc.blocks[1] as Extract<SourceDocument['blocks'][number], { type: 'table' }>;
    table.rows.push(
      { cells: [cell('Recommendation 1: Vetting should be reviewed', '', 4)], repeatedHeader: false },
      { cells: ['1.1', 'Review vetting', 'PSD', 'Complete'].map((t) => cell(t)), repeatedHeader: false },
      { cells: [cell('Recommendation 2: Improve training', '', 4)], repeatedHeader: false },
      { cells: ['2.1', 'Buy a course', 'L&D', 'Not started'].map((t) => cell(t)), repeatedHeader: false },
    );
    const { draft } = understandDocument(doc);
    expect(draft.findings?.map((f) => [f.reference, f.text, f.kind])).toEqual([
      ['1', 'Vetting should be reviewed', 'recommendation'],
      ['2', 'Improve training', 'recommendation'],
    ]);
    expect(draft.actions.map((a) => [a.title, a.theme, a.findings])).toEqual([
      ['Review vetting', null, ['1']],
      ['Buy a course', null, ['2']],
    ]);
  });

  it('keeps a finding with no action, a sub-action whose finding is missing, and findings numbered twice, saying so', () => {
    const doc = tracker(
      ['Rec No', 'Issue', 'Planned action'],
      ['1', 'Rotas are published late', 'Publish rotas six weeks ahead'],
      ['2', 'Nobody reads the newsletter', ''],
      ['4.1', '', 'An action numbered under a missing finding'],
      ['1', 'Overtime is not shared fairly', 'Publish overtime allocations'],
    );
    const { draft } = understandDocument(doc);
    expect(draft.findings?.map((f) => [f.reference, f.text])).toEqual([
      ['1', 'Rotas are published late'],
      ['2', 'Nobody reads the newsletter'],
      ['1 (2)', 'Overtime is not shared fairly'],
    ]);
    expect(draft.actions.map((a) => [a.ref, a.findings])).toEqual([
      ['1', ['1']],
      ['4.1', ['2']],
      ['1', ['1 (2)']],
    ]);
    const said = messages(doc);
    expect(said).toContain(
      'Action 4.1 is numbered as part of 4, but the document has no finding 4; it was linked to finding 2 above it. Check the link after saving',
    );
    expect(
      said.some((m) => m.startsWith('Finding 1 is numbered again ("Overtime is not shared fairly"')),
    ).toBe(true);
    expect(said.some((m) => m.includes('kept as 1 (2)'))).toBe(true);
  });

  it('keeps a finding that no action answers, saying so', () => {
    const doc = tracker(
      ['Ref', 'Finding', 'Action'],
      ['1', 'Staff feel unheard', 'Run listening sessions'],
      ['2', 'Buildings are cold', ''],
    );
    expect(understandDocument(doc).draft.findings?.map((f) => f.reference)).toEqual(['1', '2']);
    expect(messages(doc)).toContain(
      'Finding 2 has no action in the document; it is kept as a finding that no action answers yet',
    );
  });

  it('tracks a finding as its own action when its row has a status but no action', () => {
    const { draft } = understandDocument(
      tracker(['Ref', 'Recommendation', 'Action', 'Status'], ['1', 'Review the estate', '', 'In progress']),
    );
    expect(draft.actions.map((a) => [a.title, a.status, a.findings])).toEqual([
      ['Review the estate', 'in_progress', ['1']],
    ]);
  });

  it('still reads a table of recommendations with no action column as its actions', () => {
    const { draft } = understandDocument(
      tracker(['Recommendation', 'Owner', 'Status'], ['Review the estate', 'Estates', 'Complete']),
    );
    expect(draft.actions.map((a) => [a.title, a.status])).toEqual([['Review the estate', 'complete']]);
    expect(draft.findings).toBeUndefined();
  });

  it('tracks each recommendation as its action when the table has next steps but no action column', () => {
    const { draft } = understandDocument(
      tracker(
        ['Recommendation', 'Next steps', 'Status'],
        ['Review the estate', 'Survey the depots', 'Ongoing'],
      ),
    );
    expect(draft.actions.map((a) => [a.title, a.futureActions, a.status])).toEqual([
      ['Review the estate', '<p>Survey the depots</p>', 'ongoing'],
    ]);
  });

  it('answers findings in a "Planned actions" column when the table has no other action column', () => {
    const { draft } = understandDocument(
      tracker(
        ['Area for improvement', 'Planned actions', 'Lead'],
        ['Supervision', 'Dip-sample files', 'DCI'],
      ),
    );
    expect(draft.actions.map((a) => [a.title, a.findings])).toEqual([['Dip-sample files', ['1']]]);
  });
});

describe('understanding the conventions of UK public-sector trackers', () => {
  it('reads Blue in a BRAG column as complete and status words in a RAG column as the status', () => {
    const doc = tracker(
      ['Action', 'BRAG'],
      ['Publish the values', 'Blue'],
      ['Train managers', 'B'],
      ['Refresh the intranet', 'COMPLETED'],
      ['Survey again', 'A'],
      ['Hold roadshows', 'On track'],
      ['Write the strategy', 'Not started'],
    );
    const { draft } = understandDocument(doc);
    expect(draft.actions.map((a) => [a.status, a.rag])).toEqual([
      ['complete', null],
      ['complete', null],
      ['complete', null],
      ['not_started', 'amber'],
      ['in_progress', null],
      ['not_started', null],
    ]);
    expect(messages(doc)).toEqual([]);
  });

  it('lets a status column win over a status word in the RAG column, saying so', () => {
    const doc = tracker(['Action', 'Status', 'RAG'], ['Survey again', 'In progress', 'Complete']);
    expect(understandDocument(doc).draft.actions[0]).toMatchObject({ status: 'in_progress', rag: null });
    expect(messages(doc)).toContain(
      'RAG "Complete" reads as a status, but the status column says "In progress"; the status column was used and the RAG left unset',
    );
  });

  it('reads a colour typed in the status column as the RAG when the row has no RAG of its own', () => {
    const doc = tracker(['Action', 'Status'], ['Survey again', 'Amber'], ['Publish values', 'Blue']);
    expect(understandDocument(doc).draft.actions.map((a) => [a.status, a.rag])).toEqual([
      ['not_started', 'amber'],
      ['complete', null],
    ]);
    expect(messages(doc)).toEqual(['Status "Amber" is a RAG colour; it was read as the RAG']);
  });

  it('makes the revised due date the target, keeping the original and its words', () => {
    const { draft } = understandDocument(
      tracker(
        ['Action', 'Original due date', 'Revised due date'],
        ['Survey again', 'end of Sept 21', 'March 2022'],
        ['Publish values', '31/03/2022', ''],
        ['Hold roadshows', 'Q3 2022', 'N/A'],
      ),
    );
    expect(draft.actions[0]).toMatchObject({
      targetDate: 'end of Sept 21',
      revisedTargetDate: 'March 2022',
      revisedReason: 'Revised date as given in peel-inspection-2023.docx',
    });
    expect(draft.actions[1]).toMatchObject({
      targetDate: '31/03/2022',
      revisedTargetDate: '',
      revisedReason: '',
    });
    expect(draft.actions[2]).toMatchObject({
      targetDate: 'Q3 2022',
      revisedTargetDate: '',
      revisedReason: '',
    });
  });

  it('keeps the reason a date moved from its own column, and a reason given where the date did not move', () => {
    const doc = tracker(
      ['Action', 'Original due date', 'Revised due date', 'Reason for slippage'],
      ['Survey again', 'end of Sept 21', 'March 2022', 'Supplier withdrew'],
      ['Publish values', '31/03/2022', 'N/A', 'Awaiting sign-off, no change yet'],
    );
    const { draft } = understandDocument(doc);
    expect(draft.actions[0]).toMatchObject({
      revisedTargetDate: 'March 2022',
      revisedReason: 'Supplier withdrew',
    });
    expect(draft.actions[1]).toMatchObject({ revisedTargetDate: '', revisedReason: '' });
    expect(draft.actions[1]!.description).toContain(
      '<p><b>Reason for slippage:</b> Awaiting sign-off, no change yet</p>',
    );
    expect(messages(doc)).toEqual([]);
  });

  it('reads percent complete as typed or as a spreadsheet percentage, keeping a figure it refuses in the progress', () => {
    const doc = tracker(
      ['Action', '% complete', 'Progress'],
      ['A', '60', ''],
      ['B', '60%', 'Going well'],
      ['C', '0.6', ''],
      ['D', '>100', 'Over-delivered'],
      ['E', 'abc', ''],
      ['F', '', ''],
    );
    const { draft } = understandDocument(doc);
    expect(draft.actions.map((a) => a.percentComplete)).toEqual([60, 60, 60, null, null, null]);
    expect(richTextToPlain(draft.actions[3]!.progress!)).toContain('Over-delivered');
    expect(richTextToPlain(draft.actions[3]!.progress!)).toContain('% complete: >100');
    expect(richTextToPlain(draft.actions[4]!.progress!)).toContain('% complete: abc');
    expect(messages(doc)).toEqual([
      'Percent complete ">100" is not a whole number from 0 to 100; it was left unset and kept in the progress',
      'Percent complete "abc" is not a whole number from 0 to 100; it was left unset and kept in the progress',
    ]);
  });

  it('keeps a notes column as the progress, and after the progress under its header when both are there', () => {
    const alone = understandDocument(tracker(['Action', 'Comments'], ['A', 'Waiting for HR']));
    expect(richTextToPlain(alone.draft.actions[0]!.progress!)).toBe('Waiting for HR');
    const both = understandDocument(
      tracker(['Action', 'Progress update', 'Notes'], ['A', 'Drafted the policy', 'Unions consulted']),
    );
    const progress = richTextToPlain(both.draft.actions[0]!.progress!);
    expect(progress).toContain('Drafted the policy');
    expect(progress).toContain('Notes:');
    expect(progress).toContain('Unions consulted');
    expect(both.warnings).toEqual([]);
    const continued = understandDocument(
      tracker(['Action', 'Progress', 'Notes'], ['A', 'Drafted', ''], ['', '', 'Signed off in May']),
    );
    expect(richTextToPlain(continued.draft.actions[0]!.progress!)).toContain('Signed off in May');
  });
});
