// The kinds of finding a plan answers, and their names in the singular and plural, as pages and reports count them.
import type { FindingKind } from '../db/schema.js';

export const findingKinds: readonly FindingKind[] = [
  'recommendation',
  'area_for_improvement',
  'survey_finding',
  'focus_group_theme',
  'other',
];

export const findingKindLabels: Record<FindingKind, string> = {
  recommendation: 'Recommendation',
  area_for_improvement: 'Area for improvement',
  survey_finding: 'Survey finding',
  focus_group_theme: 'Focus-group theme',
  other: 'Other finding',
};

const kindNouns: Record<FindingKind, [one: string, many: string]> = {
  recommendation: ['recommendation', 'recommendations'],
  area_for_improvement: ['area for improvement', 'areas for improvement'],
  survey_finding: ['survey finding', 'survey findings'],
  focus_group_theme: ['focus-group theme', 'focus-group themes'],
  other: ['other finding', 'other findings'],
};

/** "1 recommendation", "14 areas for improvement". */
export function countOfKind(count: number, kind: FindingKind): string {
  const [one, many] = kindNouns[kind];
  return `${count} ${count === 1 ? one : many}`;
}

export function isFindingKind(value: unknown): value is FindingKind {
  return typeof value === 'string' && (findingKinds as readonly string[]).includes(value);
}
