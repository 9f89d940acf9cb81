import { describe, expect, it } from 'vitest';
import { understandFile } from '../importFile.js';
import { cell, type SourceDocument } from '../source.js';
import { dropControlCharacters } from './controlCharacters.js';

const header = 'Ref,Action,Owner,Status,Target date\n';
const padding = `${'1,Brief the board on the plan,Corp Comms,Complete,End of June 2021\n'.repeat(3)}`;

describe('control characters in imported files', () => {
  it('drops NUL and other control codes from cells, keeping tabs and line breaks, with a warning naming the cell', async () => {
    const csv =
      header +
      padding +
      '2,"Run the\u0000 staff\u0007 survey\nagain\tsoon",Corp\u001B Comms,In progress,Ongoing\n';
    const understood = await understandFile({ fileName: 'plan.csv', bytes: Buffer.from(csv, 'utf8') });
    const action = understood.draft.actions.find((a) => a.ref === '2')!;
    expect(action.title).toBe('Run the staff survey again soon');
    expect(action.owners).toEqual(['Corp Comms']);
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(JSON.stringify(understood.draft)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(understood.warnings).toContainEqual({
      where: 'Table 1, row 5, cell 2',
      message:
        'Control characters (U+0000, U+0007), which are invisible and cannot be stored, were removed from this text',
    });
    expect(understood.warnings).toContainEqual({
      where: 'Table 1, row 5, cell 3',
      message: expect.stringContaining('U+001B') as unknown as string,
    });
    expect(understood.warnings.filter((w) => w.message.startsWith('Control'))).toHaveLength(2);
  });

  it('keeps tabs and line breaks in the cell itself', () => {
    const doc: SourceDocument = {
      kind: 'csv',
      fileName: 'plan.csv',
      blocks: [
        {
          type: 'table',
          rows: [{ cells: [cell('a\tb\r\nc\u000Bd', '<p>a\u000C</p>')], repeatedHeader: false }],
        },
      ],
      pageFurniture: ['NOT\u0000 PROTECTIVELY MARKED'],
    };
    expect(dropControlCharacters(doc).map((w) => w.where)).toEqual([
      'Table 1, row 1, cell 1',
      'Page header or footer',
    ]);
    expect(doc.blocks[0]).toMatchObject({ rows: [{ cells: [{ text: 'a\tb\r\ncd', html: '<p>a</p>' }] }] });
    expect(doc.pageFurniture).toEqual(['NOT PROTECTIVELY MARKED']);
  });

  it('cleans pasted text the same way, naming the paragraph', async () => {
    const pasted = `Staff\u0000 survey plan\n${'A line of notes above the table, as people paste them.\n'.repeat(4)}${header.replace(/,/g, '\t')}3\tHold focus groups\u0008\tHR\tNot started\tMay 2022\n`;
    const understood = await understandFile({ fileName: 'Pasted text.txt', bytes: Buffer.from(pasted) });
    expect(understood.draft.actions.map((a) => a.title)).toEqual(['Hold focus groups']);
    expect(understood.warnings.map((w) => w.where)).toEqual(
      expect.arrayContaining(['Paragraph 1', 'Table 1, row 2, cell 2']),
    );
  });

  it('names at most twenty places and counts the rest', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `${i + 10},Action\u0001 ${i},HR,Not started,May 2022\n`,
    );
    const understood = await understandFile({
      fileName: 'plan.csv',
      bytes: Buffer.from(header + padding.repeat(20) + rows.join('')),
    });
    const control = understood.warnings.filter((w) => w.message.includes('Control characters'));
    expect(control).toHaveLength(21);
    expect(control.at(-1)).toEqual({
      where: 'Document',
      message: 'Control characters were also removed from 10 more places',
    });
  });
});
