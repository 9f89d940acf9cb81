// Recognises a table's columns by their headers, with the synonyms organisations use, case and punctuation ignored.
import type { FindingKind } from '../../db/schema.js';

export const columnFields = [
  'ref',
  'theme',
  'finding',
  'priority',
  'title',
  'description',
  'owner',
  'horizon',
  'target',
  'revisedTarget',
  'revisedReason',
  'completedOn',
  'status',
  'rag',
  'progress',
  'notes',
  'percentComplete',
  'futureActions',
] as const;
export type ColumnField = (typeof columnFields)[number];

export const columnFieldLabels: Record<ColumnField, string> = {
  ref: 'Reference',
  theme: 'Theme or focus area',
  finding: 'Finding (recommendation, area for improvement, issue)',
  priority: 'Priority of the finding',
  title: 'Action',
  description: 'Description',
  owner: 'Owner',
  horizon: 'Horizon',
  target: 'Target date',
  revisedTarget: 'Revised target date',
  revisedReason: 'Reason the date moved',
  completedOn: 'Date completed',
  status: 'Status',
  rag: 'RAG',
  progress: 'Progress',
  notes: 'Notes (kept with the progress)',
  percentComplete: 'Percent complete',
  futureActions: 'Future planned actions',
};

/**
 * Header words for the finding an action answers, by the kind of finding each names: a review's recommendations, an
 * inspectorate's areas for improvement (AFIs), a survey's findings, focus groups' themes, and the other words trackers
 * use for what was found.
 */
const findingWords: Record<FindingKind, string[]> = {
  recommendation: [
    'recommendation',
    'recommendations',
    'rec',
    'recs',
    'review recommendation',
    'audit recommendation',
    'inspection recommendation',
    'recommendation made',
  ],
  area_for_improvement: [
    'area for improvement',
    'areas for improvement',
    'area of improvement',
    'areas of improvement',
    'improvement area',
    'improvement areas',
    'afi',
    'afis',
    'area for development',
    'areas for development',
  ],
  survey_finding: [
    'survey finding',
    'survey findings',
    'survey result',
    'survey results',
    'survey question',
    'you said',
    'what you said',
    'what staff said',
    'staff said',
    'what we heard',
    'staff feedback',
  ],
  focus_group_theme: [
    'focus group theme',
    'focus group themes',
    'focus group finding',
    'focus group feedback',
  ],
  other: [
    'finding',
    'findings',
    'key finding',
    'key findings',
    'issue',
    'issue identified',
    'issues identified',
    'identified issue',
    'concern',
    'concerns',
    'cause of concern',
    'causes of concern',
    'observation',
    'observations',
    'gap',
    'gap identified',
    'problem',
    'weakness',
    'lesson',
    'lesson learned',
    'lessons learned',
    'lessons learnt',
  ],
};

/** Header words for each field; a header matches when, normalised, it equals one or starts with one. */
const synonyms: Record<ColumnField, string[]> = {
  ref: [
    'ref',
    'reference',
    'ref no',
    'no',
    'number',
    'item',
    'item no',
    'action no',
    'action number',
    'action ref',
    'rec no',
    'rec ref',
    'rec number',
    'recommendation no',
    'recommendation number',
    'recommendation ref',
    'afi no',
    'afi ref',
    'finding no',
    'finding ref',
    'id',
  ],
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
  finding: Object.values(findingWords).flat(),
  priority: ['priority', 'priority level', 'priority rating'],
  title: [
    'action',
    'actions',
    'deliverable',
    'deliverables',
    'action required',
    'actions required',
    'action to be taken',
    'actions to be taken',
    'action taken',
    'actions taken',
    'agreed action',
    'agreed actions',
    'proposed action',
    'proposed actions',
    'planned action',
    'management response',
    'management action',
    'response',
    'our response',
    'organisational response',
    'mitigating action',
    'mitigation',
    'remedial action',
    'improvement action',
    'what we will do',
    'what we did',
    'we will',
    'we did',
    'how we will respond',
    'task',
    'tasks',
    'activity',
    'activities',
    'milestone',
    'milestones',
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
    'original due date',
    'original target date',
    'original deadline',
    'original date',
    'original timescale',
    'original completion date',
    'planned completion date',
    'completion by',
  ],
  revisedTarget: [
    'revised target date',
    'revised date',
    'revised deadline',
    'new target date',
    'revised target',
    'revised due date',
    'new due date',
    'new deadline',
    'revised completion date',
    'revised timescale',
    'revised timescales',
    'amended due date',
    'amended target date',
    'updated due date',
    'updated target date',
    'forecast completion date',
    'forecast date',
  ],
  completedOn: ['date completed', 'completed on', 'completion date', 'actual completion date', 'date closed'],
  status: ['status', 'progress status', 'current status', 'state'],
  rag: [
    'rag',
    'rag status',
    'rag rating',
    'brag',
    'b rag',
    'brag status',
    'brag rating',
    'rating',
    'rag brag',
  ],
  progress: [
    'progress',
    'progress update',
    'progress to date',
    'update',
    'updates',
    'latest update',
    'latest position',
    'current position',
    'progress made',
    'commentary',
    'narrative',
    'position',
    'evidence',
    'evidence of progress',
  ],
  notes: [
    'notes',
    'note',
    'comments',
    'comment',
    'remarks',
    'additional comments',
    'additional information',
    'further information',
    'other comments',
  ],
  revisedReason: [
    'reason for revision',
    'reason for revised date',
    'reason for change',
    'reason for change of date',
    'reason for delay',
    'reason for extension',
    'reason for slippage',
    'slippage reason',
    'reason for variance',
    'reason date changed',
    'reason date moved',
    'reason for new date',
    'explanation for delay',
    'justification for extension',
    'extension reason',
    'delay reason',
  ],
  percentComplete: [
    'percent complete',
    'percentage complete',
    'per cent complete',
    'percent completed',
    'progress percent',
    'progress percentage',
    'percent progress',
    'percentage progress',
    'percent',
    'percentage',
    'completion percent',
    'completion percentage',
    'percent done',
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
    .replace(/%/g, ' percent ')
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

/** A date column that says it was moved ("Target date (revised)") or that it is the first ("Due date – original"). */
function dateColumnByMeaning(key: string): ColumnField | null {
  if (!/\b(date|deadline|due|timescales?|target|completion)\b/.test(key)) return null;
  if (/\b(revised|amended|new|updated|rescheduled|extended|forecast)\b/.test(key)) return 'revisedTarget';
  if (/\boriginal\b/.test(key)) return 'target';
  return null;
}

export function recogniseHeader(text: string, overrides: ColumnOverrides = {}): ColumnField | null {
  const key = normaliseHeader(text);
  if (key === '' || passedOver.has(key)) return null;
  if (key in overrides) return overrides[key] ?? null;
  const found = exact.get(key) ?? dateColumnByMeaning(key);
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

const findingKindByHeader = new Map(
  Object.entries(findingWords).flatMap(([kind, headers]) =>
    headers.map((header) => [normaliseHeader(header), kind as FindingKind] as const),
  ),
);
const findingPrefixes = [...findingKindByHeader].sort((a, b) => b[0].length - a[0].length);

/** The kind of finding a column's header names: "AFI" holds areas for improvement, "Issue" other findings. */
export function findingKindOfHeader(text: string): FindingKind {
  const key = normaliseHeader(text);
  const found = findingKindByHeader.get(key);
  if (found) return found;
  for (const [prefix, kind] of findingPrefixes) if (key.startsWith(`${prefix} `)) return kind;
  return 'other';
}
