// Recognises a table's columns by their headers, with the synonyms organisations use, case and punctuation ignored.

export const columnFields = [
  'ref',
  'theme',
  'title',
  'description',
  'owner',
  'horizon',
  'target',
  'revisedTarget',
  'completedOn',
  'status',
  'rag',
  'progress',
  'futureActions',
] as const;
export type ColumnField = (typeof columnFields)[number];

export const columnFieldLabels: Record<ColumnField, string> = {
  ref: 'Reference',
  theme: 'Theme or focus area',
  title: 'Action',
  description: 'Description',
  owner: 'Owner',
  horizon: 'Horizon',
  target: 'Target date',
  revisedTarget: 'Revised target date',
  completedOn: 'Date completed',
  status: 'Status',
  rag: 'RAG',
  progress: 'Progress',
  futureActions: 'Future planned actions',
};

/** Header words for each field; a header matches when, normalised, it equals one or starts with one. */
const synonyms: Record<ColumnField, string[]> = {
  ref: ['ref', 'reference', 'no', 'number', 'item', 'item no', 'action no', 'action ref', 'rec no', 'id'],
  theme: [
    'theme',
    'focus area',
    'area of focus',
    'workstream',
    'work stream',
    'strand',
    'pillar',
    'category',
  ],
  title: [
    'action',
    'actions',
    'deliverable',
    'deliverables',
    'recommendation',
    'recommendations',
    'area for improvement',
    'areas for improvement',
    'afi',
    'action required',
    'actions required',
    'task',
    'activity',
    'milestone',
  ],
  description: ['description', 'details', 'detail', 'rationale'],
  owner: [
    'owner',
    'owners',
    'lead',
    'leads',
    'lead officer',
    'responsible officer',
    'responsible',
    'responsibility',
    'action owner',
    'accountable',
    'owned by',
    'who',
  ],
  horizon: ['horizon', 'timeframe', 'time frame', 'term', 'phase'],
  target: [
    'dates for delivery',
    'date for delivery',
    'delivery date',
    'target date',
    'target',
    'target completion date',
    'deadline',
    'due',
    'due date',
    'date due',
    'by when',
    'when',
    'timescale',
    'timescales',
  ],
  revisedTarget: [
    'revised target date',
    'revised date',
    'revised deadline',
    'new target date',
    'revised target',
  ],
  completedOn: ['date completed', 'completed on', 'completion date', 'actual completion date', 'date closed'],
  status: ['status', 'progress status', 'current status', 'state'],
  rag: ['rag', 'rag status', 'rag rating', 'brag', 'b rag', 'rating'],
  progress: [
    'progress',
    'progress update',
    'progress to date',
    'update',
    'updates',
    'latest update',
    'commentary',
    'comments',
    'comment',
    'narrative',
    'position',
  ],
  futureActions: [
    'future planned actions',
    'future actions',
    'planned actions',
    'next steps',
    'next actions',
    'future planned activity',
  ],
};

export function normaliseHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b([a-z]) (?=[a-z]\b)/g, '$1')
    .trim();
}

const exact = new Map<string, ColumnField>();
const prefixes: [string, ColumnField][] = [];
for (const field of columnFields) {
  for (const word of synonyms[field]) {
    exact.set(normaliseHeader(word), field);
    prefixes.push([normaliseHeader(word), field]);
  }
}
// Longest first, so "future planned actions" wins over "future" and "target date" over "target".
prefixes.sort((a, b) => b[0].length - a[0].length);

/** Column mappings chosen by hand in the review, by normalised header text; null means "do not import". */
export type ColumnOverrides = Record<string, ColumnField | null>;

/** Headers Headway writes itself and knows to pass over: the parsed range is read again from the date as written. */
const passedOver = new Set(['parsed start', 'parsed end']);

export function isPassedOver(text: string): boolean {
  return passedOver.has(normaliseHeader(text));
}

export function recogniseHeader(text: string, overrides: ColumnOverrides = {}): ColumnField | null {
  const key = normaliseHeader(text);
  if (key === '' || passedOver.has(key)) return null;
  if (key in overrides) return overrides[key] ?? null;
  const found = exact.get(key);
  if (found) return found;
  for (const [prefix, field] of prefixes)
    if (prefix.length >= 3 && key.startsWith(`${prefix} `)) return field;
  return null;
}

const firstWords = new Set([...exact.keys()].map((key) => key.split(' ')[0]!));

/** Whether a cell could be a header at all: short, and a synonym or hand-mapped header exactly. Cheap, for every row. */
export function looksLikeHeader(text: string, overrides: ColumnOverrides = {}): boolean {
  if (text.length === 0 || text.length > 60) return false;
  const first = /^[^a-z0-9]*([a-z0-9]+)/i.exec(text)?.[1]?.toLowerCase() ?? '';
  if (!firstWords.has(first) && !first.match(/^[a-z]$/) && Object.keys(overrides).length === 0) return false;
  const key = normaliseHeader(text);
  return exact.has(key) || key in overrides;
}

export function isColumnField(value: unknown): value is ColumnField {
  return typeof value === 'string' && (columnFields as readonly string[]).includes(value);
}
