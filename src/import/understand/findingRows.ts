// Reads the findings a tracker's rows state (a recommendation, an area for improvement, an issue) and which of the
// rows' actions answer each: a finding's cell merged or left blank over the actions below it, sub-actions numbered
// under their finding (1.1, 1a, 1(a) under 1), and headings such as "Recommendation 3: …" across the table.
import type { FindingKind } from '../../db/schema.js';
import { findingLimits } from '../../fieldLimits.js';
import type { DraftFinding } from '../planDraft.js';

/** Words a reference may open with before its number: "R1", "Rec. 2", "AFI 3", "Recommendation 4". */
const referenceLabel =
  /^(?:recommendation|rec|r|area for improvement|afi|finding|f|issue|concern|cause of concern|no|number)[\s.:#-]*(?=\d)/;

/** A reference as it is matched: "R1", "Rec 1" and "1." are all "1". */
export function referenceKey(reference: string): string {
  return reference
    .toLowerCase()
    .trim()
    .replace(referenceLabel, '')
    .replace(/[\s.:)–-]+$/, '')
    .replace(/\s+/g, ' ');
}

/**
 * The references a sub-action's number sits under, nearest first: "1.2.1" is under "1.2" and "1"; "1a", "1(a)",
 * "1 (ii)" and "1-a" are under "1". Empty for a number that is not a sub-number.
 */
export function parentReferences(reference: string): string[] {
  const key = referenceKey(reference);
  const lettered = /^(\d+(?:\.\d+)*)\s*[-–]?\s*\(?([a-z]|[ivx]+)\)?$/.exec(key);
  if (lettered) return [lettered[1]!, ...parentReferences(lettered[1]!)];
  const dotted = /^(\d+(?:\.\d+)*)\.\d+$/.exec(key);
  if (dotted) return [dotted[1]!, ...parentReferences(dotted[1]!)];
  return [];
}

const headingKinds: [RegExp, FindingKind][] = [
  [/^(recommendation|rec)$/, 'recommendation'],
  [/^(area for improvement|afi)$/, 'area_for_improvement'],
];

/** A heading row across the table that states a finding: "Recommendation 3: The force should …", "AFI 2 – …". */
export function findingHeading(text: string): { kind: FindingKind; reference: string; text: string } | null {
  const match =
    /^(recommendation|rec|area for improvement|afi|finding|issue|cause of concern)\s*(\d+[a-z]?)\s*(?:[:.–-]\s*|\s+)(.+)$/i.exec(
      text.trim(),
    );
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  const kind = headingKinds.find(([pattern]) => pattern.test(word))?.[1] ?? 'other';
  return { kind, reference: match[2]!, text: match[3]!.trim() };
}

/** A number the finding's own words open with: "1. The force should …", "R2: Leaders should …". */
function numberInText(text: string): { reference: string; text: string } | null {
  const match = /^((?:r|rec|afi)?\s?\d+(?:\.\d+)?[a-z]?)\s*[.:)–-]\s+(\S.*)$/is.exec(text);
  if (!match) return null;
  return { reference: match[1]!.replace(/\s+/g, ' '), text: match[2]! };
}

const sameWords = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();

export interface FindingCell {
  /** The finding's words as the cell gives them; '' for a blank or merged-over cell. */
  text: string;
  kind: FindingKind;
  /** The row's reference, which numbers its action, and its finding where the finding's words carry no number. */
  rowReference: string;
  priority: string;
}

type Warn = (where: string, message: string) => void;

/** The findings of a document as its rows are read, in order, and the one that the rows being read answer. */
export class FindingRows {
  readonly findings: DraftFinding[] = [];
  /** Where each finding was read, for the messages about it. */
  readonly places = new Map<DraftFinding, string>();
  private readonly byKey = new Map<string, DraftFinding>();
  private current: DraftFinding | null = null;

  constructor(private readonly warn: Warn) {}

  /** A new table answers no finding until a row of it says one. */
  startTable(): void {
    this.current = null;
  }

  /** A row whose finding cell has words: the finding above said again, or a new one. */
  readCell(cell: FindingCell, where: string): DraftFinding {
    const own = numberInText(cell.text);
    const text = own?.text ?? cell.text;
    if (this.current && sameWords(this.current.text, text)) return this.current;
    const numbered =
      cell.rowReference === '' ? '' : (parentReferences(cell.rowReference).at(-1) ?? cell.rowReference);
    return this.add(own?.reference ?? numbered, text, cell.kind, cell.priority, where);
  }

  /** A heading row that states a finding ("Recommendation 3: …"): the rows below answer it. */
  readHeading(heading: { kind: FindingKind; reference: string; text: string }, where: string): void {
    this.add(heading.reference, heading.text, heading.kind, '', where);
  }

  /**
   * The finding an action answers: the one its own row states; else the one its number sits under (1.2 under 1);
   * else the one above it (a cell merged or left blank down its actions). Null when no finding has been read.
   */
  answeredBy(actionReference: string, ownFinding: DraftFinding | null, where: string): DraftFinding | null {
    if (ownFinding) return ownFinding;
    const parents = parentReferences(actionReference);
    if (parents.length === 0 || this.findings.length === 0) return this.current;
    const parent = parents.map((key) => this.byKey.get(key)).find((found) => found !== undefined);
    if (parent) {
      this.current = parent;
      return parent;
    }
    const above = this.current
      ? `it was linked to finding ${this.current.reference} above it`
      : 'it answers no finding';
    this.warn(
      where,
      `Action ${actionReference} is numbered as part of ${parents.at(-1)}, but the document has no finding ${parents.at(-1)}; ${above}. Check the link after saving`,
    );
    return this.current;
  }

  private add(
    reference: string,
    text: string,
    kind: FindingKind,
    priority: string,
    where: string,
  ): DraftFinding {
    let given = reference.trim() || String(this.findings.length + 1);
    const same = this.byKey.get(referenceKey(given));
    if (same && sameWords(same.text, text)) {
      this.current = same;
      return same;
    }
    if (same) {
      const first = same;
      let n = 2;
      while (this.byKey.has(referenceKey(`${given} (${n})`))) n++;
      this.warn(
        where,
        `Finding ${given} is numbered again ("${excerpt(text)}"; the first is "${excerpt(first.text)}"); this one is kept as ${given} (${n})`,
      );
      given = `${given} (${n})`;
    }
    const finding: DraftFinding = {
      reference: given.slice(0, findingLimits.reference),
      text,
      kind,
      priority: priority.slice(0, findingLimits.priority),
      sourceDocument: '',
    };
    this.findings.push(finding);
    this.places.set(finding, where);
    this.byKey.set(referenceKey(finding.reference), finding);
    this.current = finding;
    return finding;
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 60 ? line : `${line.slice(0, 59).replace(/\s+\S*$/, '')}…`;
}
