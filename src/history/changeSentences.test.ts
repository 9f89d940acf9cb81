import { describe, expect, it } from 'vitest';
import { describeChange, excerpt, type RecordNames } from './changeSentences.js';

const row = (
  record_type: 'action' | 'theme' | 'plan' | 'update',
  change: 'create' | 'update' | 'delete',
  before: unknown,
  after: unknown,
) => ({
  id: 7,
  at: '2026-02-14T12:00:00.000Z',
  actor: 'Avery Adams',
  source: '',
  record_type,
  record_id: 'r1',
  subject_id: record_type === 'update' ? 'a1' : 'r1',
  change,
  before_json: before === undefined ? null : JSON.stringify(before),
  after_json: after === undefined ? null : JSON.stringify(after),
});

describe('a change in words', () => {
  it("tells a plan's RAG with its note as plain words, and its summary as an excerpt", () => {
    const told = describeChange(
      row(
        'plan',
        'update',
        { rag: 'amber', rag_note: '', summary: '<p>Old</p>', title: 'P' },
        { rag: 'red', rag_note: '<p>Two <em>late</em></p>', summary: '<ul><li>New</li></ul>', title: 'P' },
      ),
    );
    expect(told.lines.map((line) => line.text)).toEqual(['RAG: Amber → Red: Two late', 'Summary edited']);
    expect(told.lines[1]).toMatchObject({ before: 'Old', after: 'New' });
    expect(told.kinds).toEqual(['rag', 'text']);
  });

  it("names a theme's lead and an action's move between themes by their names", () => {
    const names: RecordNames = new Map([
      ['t1', { type: 'theme', name: 'Vision' }],
      ['t2', { type: 'theme', name: 'Wellbeing' }],
    ]);
    const theme = describeChange(
      row('theme', 'update', { lead: 'Luke Baldock', title: 'T' }, { lead: 'Corp Comms', title: 'T' }),
    );
    expect(theme.lines[0]!.text).toBe('Lead: Luke Baldock → Corp Comms');
    const action = describeChange(
      row(
        'action',
        'update',
        { theme_id: 't1', title: 'A', owners: [] },
        { theme_id: 't2', title: 'A', owners: [] },
      ),
      names,
    );
    expect(action.lines[0]!.text).toBe('Theme: Vision → Wellbeing');
  });

  it('says nothing for a save that changed nothing a reader sees, so the page leaves it out', () => {
    const told = describeChange(
      row(
        'action',
        'update',
        { title: 'A', version: 1, owners: ['X'] },
        { title: 'A', version: 2, owners: ['X'] },
      ),
    );
    expect(told.lines).toEqual([]);
  });

  it('cuts a long excerpt at a word and never shows markup', () => {
    const long = `<p>${'word '.repeat(100)}</p><script>alert(1)</script>`;
    const cut = excerpt(long);
    expect(cut.length).toBeLessThanOrEqual(161);
    expect(cut.endsWith('word…')).toBe(true);
    expect(cut).not.toContain('<');
  });
});
