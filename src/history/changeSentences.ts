// A row of history told in words a board reads: "Status: In progress → Complete", "RAG: Amber → Red: supplier
// withdrew", "Target date moved from 'End of June 2021' to 'Sep-21': waiting for the survey results".
import type { HistoryRow } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import { ragLabels, statusLabels } from '../plans/vocabulary.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { findingKindLabels, isFindingKind } from '../findings/findingKinds.js';

/** The kinds of change a history can be filtered by. */
export const changeKinds = [
  'added',
  'removed',
  'status',
  'rag',
  'dates',
  'owners',
  'text',
  'updates',
  'details',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

export const changeKindLabels: Record<ChangeKind, string> = {
  added: 'Added',
  removed: 'Deleted',
  status: 'Status',
  rag: 'RAG',
  dates: 'Dates',
  owners: 'Owners and leads',
  text: 'Progress and other text',
  updates: 'Dated updates',
  details: 'Titles, themes, horizons and order',
};

export function isChangeKind(value: unknown): value is ChangeKind {
  return typeof value === 'string' && (changeKinds as readonly string[]).includes(value);
}

/** One line of a change: its words, and for rich text a plain excerpt of the text before and after. */
export interface ChangeLine {
  kind: ChangeKind;
  text: string;
  before?: string;
  after?: string;
}

/** A row of history in words, with who, when and where from. */
export interface ChangeInWords {
  id: number;
  at: string;
  actor: string;
  /** Where the change came from besides the person ("import: staff-survey.docx"); '' for the pages and the API. */
  source: string;
  recordType: HistoryRow['record_type'];
  recordId: string;
  /** What was changed, in words: "Action 3: Survey again", "Theme: Wellbeing", "Plan". */
  subject: string;
  kinds: ChangeKind[];
  lines: ChangeLine[];
}

/** Names of the themes, horizons and actions a page of history mentions, by id; an action's with its reference. */
export type RecordNames = Map<string, RecordName>;

export interface RecordName {
  type: 'theme' | 'horizon' | 'action';
  name: string;
  ref?: string;
}

/** "Theme: Wellbeing", "Action 3: Survey again", "Horizon: Short term". */
export function recordLabel(record: RecordName): string {
  if (record.type === 'action')
    return record.ref ? `Action ${record.ref}: ${record.name}` : `Action: ${record.name}`;
  return `${record.type === 'theme' ? 'Theme' : 'Horizon'}: ${record.name}`;
}

type Fields = Record<string, unknown>;

const excerptLength = 160;

/** Rich text as a short plain excerpt: never markup. */
export function excerpt(html: unknown): string {
  const plain = richTextToPlain(typeof html === 'string' ? html : '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= excerptLength) return plain;
  return `${plain.slice(0, excerptLength + 1).replace(/\s+\S*$/, '')}…`;
}

const text = (value: unknown) => (typeof value === 'string' ? value : value == null ? '' : String(value));
const quoted = (value: string) => (value === '' ? 'nothing' : `'${value}'`);
const status = (value: unknown) =>
  value ? ((statusLabels as Record<string, string>)[text(value)] ?? text(value)) : 'Not set';
const rag = (value: unknown) =>
  value ? ((ragLabels as Record<string, string>)[text(value)] ?? text(value)) : 'Not set';
const names = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value.join(', ') : 'Nobody');
const withReason = (line: string, reason: string) => (reason ? `${line}: ${reason}` : line);

function changed(before: Fields, after: Fields, field: string): boolean {
  return JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null);
}

/** "Title: 'a' → 'b'" for each plain field that changed. */
function plainLines(before: Fields, after: Fields, fields: [string, string, ChangeKind][]): ChangeLine[] {
  return fields
    .filter(([field]) => changed(before, after, field))
    .map(([field, label, kind]) => ({
      kind,
      text: `${label}: ${quoted(text(before[field]))} → ${quoted(text(after[field]))}`,
    }));
}

/** "Progress edited", with what it said before and after, for each rich-text field that changed. */
function richLines(before: Fields, after: Fields, fields: [string, string][]): ChangeLine[] {
  return fields
    .filter(([field]) => changed(before, after, field))
    .map(([field, label]) => ({
      kind: 'text' as const,
      text: `${label} edited`,
      before: excerpt(before[field]),
      after: excerpt(after[field]),
    }));
}

function statusLine(before: Fields, after: Fields): ChangeLine[] {
  return changed(before, after, 'status')
    ? [{ kind: 'status', text: `Status: ${status(before.status)} → ${status(after.status)}` }]
    : [];
}

function ragLine(
  before: Fields,
  after: Fields,
  reasonField: string,
  reason: (value: unknown) => string,
): ChangeLine[] {
  if (changed(before, after, 'rag'))
    return [
      {
        kind: 'rag',
        text: withReason(`RAG: ${rag(before.rag)} → ${rag(after.rag)}`, reason(after[reasonField])),
      },
    ];
  if (changed(before, after, reasonField))
    return [{ kind: 'rag', text: `Reason for the RAG status: ${quoted(reason(after[reasonField]))}` }];
  return [];
}

function nameOf(id: unknown, known: RecordNames, none: string): string {
  return id ? (known.get(text(id))?.name ?? 'one since deleted') : none;
}

function actionDateLines(before: Fields, after: Fields): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const was = text(before.revised_target_text) || text(before.target_text);
  if (changed(before, after, 'revised_target_text')) {
    const now = text(after.revised_target_text);
    lines.push({
      kind: 'dates',
      text:
        now === ''
          ? `Revised target date removed (it was ${quoted(text(before.revised_target_text))})`
          : withReason(`Target date moved from ${quoted(was)} to ${quoted(now)}`, text(after.revised_reason)),
    });
  } else if (changed(before, after, 'revised_reason'))
    lines.push({ kind: 'dates', text: `Reason the date moved: ${quoted(text(after.revised_reason))}` });
  if (changed(before, after, 'target_text'))
    lines.push({
      kind: 'dates',
      text: `Original target date: ${quoted(text(before.target_text))} → ${quoted(text(after.target_text))}`,
    });
  // Completing or reopening dates or undates an action: the status line says that already.
  if (changed(before, after, 'completed_on') && !changed(before, after, 'status'))
    lines.push({
      kind: 'dates',
      text: `Completion date: ${formatUkDate(text(before.completed_on)) || 'Not set'} → ${formatUkDate(text(after.completed_on)) || 'Not set'}`,
    });
  return lines;
}

/** "Percent complete: 40% → 60%". */
function percentLine(before: Fields, after: Fields): ChangeLine[] {
  if (!changed(before, after, 'percent_complete')) return [];
  const figure = (value: unknown) => (value == null ? 'Not set' : `${text(value)}%`);
  return [
    {
      kind: 'text',
      text: `Percent complete: ${figure(before.percent_complete)} → ${figure(after.percent_complete)}`,
    },
  ];
}

function positionLine(before: Fields, after: Fields): ChangeLine[] {
  if (!changed(before, after, 'position')) return [];
  return [
    {
      kind: 'details',
      text: Number(after.position) < Number(before.position) ? 'Moved up the list' : 'Moved down the list',
    },
  ];
}

function actionLines(before: Fields, after: Fields, known: RecordNames): ChangeLine[] {
  return [
    ...statusLine(before, after),
    ...ragLine(before, after, 'rag_reason', text),
    ...percentLine(before, after),
    ...actionDateLines(before, after),
    ...(changed(before, after, 'owners')
      ? [
          {
            kind: 'owners' as const,
            text: `${(Array.isArray(after.owners) && after.owners.length > 1) || (Array.isArray(before.owners) && before.owners.length > 1) ? 'Owners' : 'Owner'}: ${names(before.owners)} → ${names(after.owners)}`,
          },
        ]
      : []),
    ...plainLines(before, after, [
      ['ref', 'Reference', 'details'],
      ['title', 'Action', 'details'],
    ]),
    ...(changed(before, after, 'theme_id')
      ? [
          {
            kind: 'details' as const,
            text: `Theme: ${nameOf(before.theme_id, known, 'No theme')} → ${nameOf(after.theme_id, known, 'No theme')}`,
          },
        ]
      : []),
    ...(changed(before, after, 'horizon_id')
      ? [
          {
            kind: 'details' as const,
            text: `Horizon: ${nameOf(before.horizon_id, known, 'No horizon')} → ${nameOf(after.horizon_id, known, 'No horizon')}`,
          },
        ]
      : []),
    ...richLines(before, after, [
      ['description', 'Description'],
      ['progress', 'Progress'],
      ['future_actions', 'Future planned actions'],
    ]),
    ...positionLine(before, after),
  ];
}

function themeLines(before: Fields, after: Fields): ChangeLine[] {
  return [
    ...statusLine(before, after),
    ...ragLine(before, after, 'rag_reason', () => ''),
    ...(changed(before, after, 'lead_owner_id') || changed(before, after, 'lead')
      ? [
          {
            kind: 'owners' as const,
            text: `Lead: ${text(before.lead) || 'Nobody'} → ${text(after.lead) || 'Nobody'}`,
          },
        ]
      : []),
    ...plainLines(before, after, [['title', 'Title', 'details']]),
    ...richLines(before, after, [
      ['progress', 'Progress'],
      ['future_actions', 'Future planned actions'],
    ]),
    ...positionLine(before, after),
  ];
}

function planLines(before: Fields, after: Fields): ChangeLine[] {
  return [
    ...ragLine(before, after, 'rag_note', excerpt),
    ...plainLines(before, after, [
      ['title', 'Title', 'details'],
      ['slug', 'Web address', 'details'],
      ['source', 'Source', 'details'],
      ['sponsor', 'Sponsor', 'owners'],
      ['marking', 'Protective marking', 'details'],
    ]),
    ...richLines(before, after, [['summary', 'Summary']]),
  ];
}

/** A wave of the staff survey: its name, date and response figures, and how many scores were brought in. */
const staffReaderWords: Record<string, string> = {
  plan: 'people who can read the plan',
  'signed-in': 'anyone signed in',
  public: 'anyone with the link',
};

function staffPageLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  if (after.published === true)
    return [
      {
        kind: 'details',
        text: `Staff page published: ${text(after.said)} of what staff said and ${text(after.did)} of what was done, in ${text(after.areas)} focus areas`,
      },
    ];
  const lines: ChangeLine[] = [];
  if (change === 'create' || changed(before, after, 'readers'))
    lines.push({
      kind: 'details',
      text: `Staff page readers: ${staffReaderWords[text(before.readers) || 'plan']} → ${staffReaderWords[text(after.readers)] ?? text(after.readers)}`,
    });
  if (changed(before, after, 'intro'))
    lines.push({
      kind: 'text',
      text: 'Staff page introduction changed',
      before: excerpt(before.intro),
      after: excerpt(after.intro),
    });
  return lines.length ? lines : [{ kind: 'details', text: 'Staff page settings saved' }];
}

function staffMarkLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  if (change === 'delete') return [{ kind: 'removed', text: 'Its staff page entry removed with it' }];
  const on = (fields: Fields) => fields.shown === 1;
  if (on(after) && !on(before))
    return [{ kind: 'details', text: 'Put on the staff page', after: excerpt(after.summary) }];
  if (!on(after) && on(before)) return [{ kind: 'details', text: 'Taken off the staff page' }];
  const lines: ChangeLine[] = [];
  if (changed(before, after, 'summary'))
    lines.push({
      kind: 'text',
      text: 'Words for the staff page changed',
      before: excerpt(before.summary),
      after: excerpt(after.summary),
    });
  if (changed(before, after, 'show_owners'))
    lines.push({
      kind: 'details',
      text:
        after.show_owners === 1 ? 'Staff page names who leads it' : 'Staff page no longer names who leads it',
    });
  if (changed(before, after, 'show_update'))
    lines.push({
      kind: 'details',
      text:
        after.show_update === 1
          ? 'Staff page shows its latest update'
          : 'Staff page no longer shows its latest update',
    });
  if (changed(before, after, 'theme_id'))
    lines.push({ kind: 'details', text: 'Staff page focus area changed' });
  return lines.length ? lines : [{ kind: 'details', text: 'Staff page entry saved unchanged' }];
}

function surveyWaveLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  if (change === 'create') return [{ kind: 'added', text: 'Survey added' }];
  if (change === 'delete') {
    const scores = Array.isArray(before.scores) ? before.scores.length : 0;
    return [
      {
        kind: 'removed',
        text: `Survey deleted, with ${scores} ${scores === 1 ? 'score' : 'scores'}`,
      },
    ];
  }
  const figure = (value: unknown, unit = '') =>
    value === null || value === undefined ? 'Not given' : `${text(value)}${unit}`;
  const lines: ChangeLine[] = [...plainLines(before, after, [['name', 'Name', 'details']])];
  if (changed(before, after, 'held_on'))
    lines.push({
      kind: 'dates',
      text: `Date: ${formatUkDate(text(before.held_on))} → ${formatUkDate(text(after.held_on))}`,
    });
  if (changed(before, after, 'responses'))
    lines.push({
      kind: 'details',
      text: `Responses: ${figure(before.responses)} → ${figure(after.responses)}`,
    });
  if (changed(before, after, 'response_rate'))
    lines.push({
      kind: 'details',
      text: `Response rate: ${figure(before.response_rate, '%')} → ${figure(after.response_rate, '%')}`,
    });
  const added = Number(after.scoresAdded ?? 0);
  const changedScores = Number(after.scoresChanged ?? 0);
  if (added > 0 || changedScores > 0)
    lines.push({
      kind: 'details',
      text: `Scores: ${[added > 0 ? `${added} added` : '', changedScores > 0 ? `${changedScores} changed` : ''].filter(Boolean).join(', ')}`,
    });
  return lines;
}

/** "Finding R3". */
function findingName(finding: Fields): string {
  return `Finding ${text(finding.reference)}`;
}

const kind = (value: unknown) => (isFindingKind(value) ? findingKindLabels[value] : text(value) || 'Not set');

function findingLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  if (change === 'create') return [{ kind: 'added', text: `${findingName(after)} added` }];
  if (change === 'delete') return [{ kind: 'removed', text: `${findingName(before)} deleted` }];
  return [
    ...plainLines(before, after, [['reference', 'Reference', 'details']]),
    ...(changed(before, after, 'text')
      ? [
          {
            kind: 'text' as const,
            text: 'Text changed',
            before: excerpt(before.text),
            after: excerpt(after.text),
          },
        ]
      : []),
    ...(changed(before, after, 'kind')
      ? [{ kind: 'details' as const, text: `Kind: ${kind(before.kind)} → ${kind(after.kind)}` }]
      : []),
    ...plainLines(before, after, [['source_document', 'Source document', 'details']]),
    ...(changed(before, after, 'source_date')
      ? [
          {
            kind: 'dates' as const,
            text: `Date of the source: ${formatUkDate(text(before.source_date)) || 'Not set'} → ${formatUkDate(text(after.source_date)) || 'Not set'}`,
          },
        ]
      : []),
    ...plainLines(before, after, [['priority', 'Priority', 'details']]),
    ...positionLine(before, after),
  ];
}

/** "Action 2.1", or the action's title in quotes when it has no reference. */
function answeringAction(link: Fields): string {
  return text(link.action_ref)
    ? `Action ${text(link.action_ref)}`
    : `The action '${text(link.action_title)}'`;
}

function actionFindingLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  const link = change === 'delete' ? before : after;
  const answers = change === 'delete' ? 'no longer answers' : 'now answers';
  return [
    {
      kind: 'details',
      text: `${answeringAction(link)} ${answers} finding ${text(link.finding_reference)}`,
    },
  ];
}

function updateName(update: Fields): string {
  return `Update of ${formatUkDate(text(update.effective_on))}`;
}

function updateLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  if (change === 'create')
    return [
      {
        kind: 'updates',
        text: `${updateName(after)} posted by ${text(after.author)}${after.status_change ? `, moving the status to ${status(after.status_change)}` : ''}`,
        after: excerpt(after.body),
      },
    ];
  if (change === 'delete')
    return [{ kind: 'updates', text: `${updateName(before)} deleted`, before: excerpt(before.body) }];
  return [
    {
      kind: 'updates',
      text: `${updateName(before)} corrected${changed(before, after, 'effective_on') ? `: now dated ${formatUkDate(text(after.effective_on))}` : ''}${changed(before, after, 'author') ? `, from ${text(after.author)}` : ''}`,
      ...(changed(before, after, 'body') ? { before: excerpt(before.body), after: excerpt(after.body) } : {}),
    },
  ];
}

function reportLines(change: string, before: Fields, after: Fields): ChangeLine[] {
  const period = text(after.period_text ?? before.period_text);
  const name = `Highlight report${period ? ` for ${period}` : ''}`;
  if (change === 'create') return [{ kind: 'added', text: `${name} drafted` }];
  if (change === 'delete') return [{ kind: 'removed', text: `${name} deleted` }];
  if (changed(before, after, 'status'))
    return [
      {
        kind: 'details',
        text: after.status === 'published' ? `${name} published` : `${name} ${text(after.status)}`,
      },
    ];
  return [{ kind: 'details', text: `${name} edited` }];
}

/** What the row is about, in words: "Action 3: Survey again", "Theme: Wellbeing", "Finding R3", "Plan". */
function subjectOf(
  row: Pick<HistoryRow, 'record_type' | 'subject_id'>,
  record: Fields,
  known: RecordNames,
): string {
  switch (row.record_type) {
    case 'action':
      return text(record.ref)
        ? `Action ${text(record.ref)}: ${text(record.title)}`
        : `Action: ${text(record.title)}`;
    case 'theme':
      return `Theme: ${text(record.title)}`;
    case 'horizon':
      return `Horizon: ${text(record.name)}`;
    case 'update':
      return row.subject_id && known.has(row.subject_id) ? recordLabel(known.get(row.subject_id)!) : 'Update';
    case 'report':
      return 'Highlight report';
    case 'finding':
      return findingName(record);
    case 'action_finding':
      return `Finding ${text(record.finding_reference)}`;
    case 'survey_wave':
      return `Survey: ${text(record.name)}`;
    case 'survey_question':
      return `Survey question: ${text(record.text)}`;
    case 'staff_page':
      return 'Staff page';
    case 'staff_mark':
      return row.subject_id && known.has(row.subject_id)
        ? recordLabel(known.get(row.subject_id)!)
        : 'Staff page';
    default:
      return 'Plan';
  }
}

function parse(json: string | null): Fields {
  if (!json) return {};
  const value = JSON.parse(json) as unknown;
  return value && typeof value === 'object' ? (value as Fields) : {};
}

type Row = Pick<
  HistoryRow,
  | 'id'
  | 'at'
  | 'actor'
  | 'source'
  | 'record_type'
  | 'record_id'
  | 'subject_id'
  | 'change'
  | 'before_json'
  | 'after_json'
>;

/** One row of a plan's history in words; `known` names the themes, horizons and subjects it mentions by id. */
export function describeChange(row: Row, known: RecordNames = new Map()): ChangeInWords {
  const before = parse(row.before_json);
  const after = parse(row.after_json);
  const record = row.change === 'delete' ? before : after;
  let lines: ChangeLine[];
  if (row.record_type === 'update') lines = updateLines(row.change, before, after);
  else if (row.record_type === 'report') lines = reportLines(row.change, before, after);
  else if (row.record_type === 'finding') lines = findingLines(row.change, before, after);
  else if (row.record_type === 'action_finding') lines = actionFindingLines(row.change, before, after);
  else if (row.record_type === 'survey_wave') lines = surveyWaveLines(row.change, before, after);
  else if (row.record_type === 'staff_page') lines = staffPageLines(row.change, before, after);
  else if (row.record_type === 'staff_mark') lines = staffMarkLines(row.change, before, after);
  else if (row.record_type === 'survey_question')
    lines = [
      {
        kind: 'details',
        text: `Focus area: ${text(before.theme) || 'None'} → ${text(after.theme) || 'None'}`,
      },
    ];
  else if (row.change === 'create') lines = [{ kind: 'added', text: 'Added' }];
  else if (row.change === 'delete') lines = [{ kind: 'removed', text: 'Deleted' }];
  else if (row.record_type === 'action') lines = actionLines(before, after, known);
  else if (row.record_type === 'theme') lines = themeLines(before, after);
  else if (row.record_type === 'plan') lines = planLines(before, after);
  else if (row.record_type === 'horizon')
    lines = [...plainLines(before, after, [['name', 'Name', 'details']]), ...positionLine(before, after)];
  else lines = [{ kind: 'details', text: 'Changed' }];
  if (row.change === 'create' && row.record_type === 'theme' && text(after.lead))
    lines.push({ kind: 'owners', text: `Lead: ${text(after.lead)}` });
  if (
    row.change === 'create' &&
    row.record_type === 'action' &&
    Array.isArray(after.owners) &&
    after.owners.length > 0
  )
    lines.push({
      kind: 'owners',
      text: `${after.owners.length > 1 ? 'Owners' : 'Owner'}: ${names(after.owners)}`,
    });
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    source: row.source,
    recordType: row.record_type,
    recordId: row.record_id,
    subject: subjectOf(row, record, known),
    kinds: [...new Set(lines.map((line) => line.kind))],
    lines,
  };
}
