// The words documents use for status, RAG, protective marking and highlight-report sections, mapped to Headway's.
import type { Rag, Status } from '../../db/schema.js';
import type { ReportSectionKey } from '../planDraft.js';

function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim();
}

const statusWords: [RegExp, Status][] = [
  [
    /^(cancel+ed|withdrawn|superseded|no longer required|not required|closed not required|dropped)\b/,
    'cancelled',
  ],
  [
    /^(not yet started|not started|yet to start|to start|not begun|planned|pending|open not started)\b/,
    'not_started',
  ],
  [
    /^(complete|completed|closed|done|achieved|delivered|finished|implemented|open complete|blue)\b/,
    'complete',
  ],
  [/^(ongoing|on going|continuous|continuing|business as usual|bau|rolling)\b/, 'ongoing'],
  [
    /^(in progress|progressing|on track|open on track|open|started|underway|under way|behind|delayed|at risk|off track|open at risk|open behind|live)\b/,
    'in_progress',
  ],
];

/** The lifecycle status a document's words mean, or null when they mean none Headway knows. */
export function statusFromWords(text: string): Status | null {
  const said = words(text);
  if (said === '') return null;
  for (const [pattern, status] of statusWords) if (pattern.test(said)) return status;
  return null;
}

/** RAG from words or letters: "Red", "A", "G", "Amber/Green" (the worse of two is kept). */
export function ragFromWords(text: string): Rag | null {
  const said = words(text);
  if (said === '') return null;
  const found: Rag[] = [];
  for (const part of said.split(/[\s/]+/)) {
    if (part === 'r' || part === 'red') found.push('red');
    else if (part === 'a' || part === 'amber') found.push('amber');
    else if (part === 'g' || part === 'green') found.push('green');
  }
  if (found.includes('red')) return 'red';
  if (found.includes('amber')) return 'amber';
  return found.includes('green') ? 'green' : null;
}

/**
 * What a cell of a RAG column says, as UK public-sector trackers fill it in: red, amber or green; Blue ("B") for
 * complete, as a BRAG rating has it; or a status word typed where a colour was meant ("On track", "Not started").
 */
export function ragColumnMeaning(text: string): { rag: Rag | null; status: Status | null } {
  const said = words(text);
  if (/^(b|blue)$|^blue\b/.test(said)) return { rag: null, status: 'complete' };
  const rag = ragFromWords(text);
  if (rag) return { rag, status: null };
  return { rag: null, status: statusFromWords(text) };
}

/**
 * An action's status and RAG from its status and RAG cells, each read for what it means wherever it was typed: Blue or
 * a status word in the RAG column is the status when the status cell says none; a colour in the status column is the
 * RAG when the RAG cell says none. With what was not read as it was written, in words for the review.
 */
export function statusAndRag(
  statusText: string,
  ragText: string,
  dateSaysComplete: boolean,
): { status: Status; rag: Rag | null; messages: string[] } {
  const messages: string[] = [];
  const ragSays = ragColumnMeaning(ragText);
  const statusSays = statusFromWords(statusText);
  const statusColour = statusText !== '' && statusSays === null ? ragFromWords(statusText) : null;
  let rag = ragSays.rag;
  if (statusColour && rag === null) {
    rag = statusColour;
    messages.push(`Status "${statusText}" is a RAG colour; it was read as the RAG`);
  } else if (statusColour)
    messages.push(`Status "${statusText}" is a RAG colour; the RAG column was used for the RAG`);
  let status: Status = dateSaysComplete ? 'complete' : 'not_started';
  if (statusSays) status = statusSays;
  else if (ragSays.status) status = ragSays.status;
  else if (statusText !== '' && !statusColour) {
    status = 'not_started';
    messages.push(`Status "${statusText}" was not recognised; it was read as Not started`);
  }
  if (ragText !== '' && ragSays.rag === null && ragSays.status === null)
    messages.push(`RAG "${ragText}" is not red, amber or green; it was left unset`);
  if (ragSays.status && statusSays && ragSays.status !== statusSays)
    messages.push(
      `RAG "${ragText}" reads as a status, but the status column says "${statusText}"; the status column was used and the RAG left unset`,
    );
  return { status, rag, messages };
}

/** The RAG an overall status phrase stands for: "On Track" is green, "At risk" amber, "Off track" red. */
export function ragFromOverallStatus(text: string): Rag | null {
  const said = words(text);
  if (/\b(off track|behind|critical|red)\b/.test(said)) return 'red';
  if (/\b(at risk|some concerns|concerns|slipping|amber)\b/.test(said)) return 'amber';
  if (/\b(on track|on target|good|complete|green)\b/.test(said)) return 'green';
  return ragFromWords(text);
}

const markingPattern =
  /^(not protectively marked|official[\s-]*sensitive|official|unclassified|protect|restricted|secret|top secret)(\s*[-:–]\s*[a-z ]+)?$/i;

/** The protective marking a line of page furniture states, in the document's capitals, or null. */
export function markingIn(text: string): string | null {
  const line = text.replace(/\s+/g, ' ').trim();
  return markingPattern.test(line) ? line.toUpperCase() : null;
}

export type HighlightLabel = 'sponsor' | 'period' | 'overallStatus' | ReportSectionKey;

const labels: [RegExp, HighlightLabel][] = [
  [/^(strategic sponsor|sponsor|senior responsible owner|sro|executive sponsor)$/, 'sponsor'],
  [/^(period covered|reporting period|period|report period)$/, 'period'],
  [
    /^(overall project status|overall status|project status|overall rag|overall rag status)$/,
    'overallStatus',
  ],
  [/^(summary|executive summary|overview)$/, 'summary'],
  [/^(progress|progress summary|progress this period)$/, 'progress'],
  [/^governance$/, 'governance'],
  [/^(communication|communications|comms)$/, 'communication'],
  [/^(issues|key issues|issues and risks)$/, 'issues'],
  [/^(risks|key risks)$/, 'risks'],
  [/^(next steps|next period|planned next period|forward look)$/, 'nextSteps'],
];

export function highlightLabel(text: string): HighlightLabel | null {
  const said = words(text).replace(/\//g, ' ').replace(/\s+/g, ' ');
  for (const [pattern, label] of labels) if (pattern.test(said)) return label;
  return null;
}
