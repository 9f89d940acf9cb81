// How far through an action is, as people type it and trackers hold it: "60", "60%", and from a spreadsheet's
// percentage cell "0.6". One reading and one message for the form, the API's command and the importer.

export const percentCompleteMessage = 'Enter percent complete as a whole number from 0 to 100, like 60';

/** Whether a value is a percent complete Headway keeps: a whole number from 0 to 100. */
export function isPercentComplete(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100;
}

/**
 * The percent a text states: null for none (blank), undefined when it cannot be read as a whole number from 0 to 100.
 * With `fractions`, as a spreadsheet holds it: a decimal from 0 to 1 ("0.6") is read as its percent, and a percent
 * with decimals ("33.3%") as the nearest whole one.
 */
export function readPercentComplete(text: string, { fractions = false } = {}): number | null | undefined {
  const said = text.trim().replace(/\s+/g, '');
  if (said === '') return null;
  const match = /^(\d{1,3}(?:\.\d+)?|\.\d+)(%?)$/.exec(said);
  if (!match) return undefined;
  let value = Number(match[1]);
  if (fractions && match[2] === '' && match[1]!.includes('.') && value <= 1) value *= 100;
  // A spreadsheet's 33.3% is a third of the way: kept as the nearest whole percent.
  value = fractions ? Math.round(value) : Math.round(value * 1e6) / 1e6;
  return isPercentComplete(value) ? value : undefined;
}

/** "60% complete", as the action page and the plan's rows show it. */
export function percentCompleteText(value: number | null): string {
  return value === null ? '' : `${value}% complete`;
}
