// The action-plan document as CSV: one row per action, plain text, UTF-8 with a byte-order mark so that Excel opens
// it with the right characters, quoted as RFC 4180 says.
import { stringify } from 'csv-stringify/sync';
import {
  actionAsText,
  actionsInOrder,
  parsedDateColumns,
  type ActionPlanDocument,
} from './actionPlanDocument.js';

/**
 * A cell that Excel would take for a formula ("=HYPERLINK(...)", "+1", "@SUM", "-2+3") gets an apostrophe in front,
 * as OWASP advises against CSV injection: what someone typed into an action must never run on a reader's machine.
 * A dash followed by a space ("- next steps") is ordinary prose and is left alone.
 */
function neverAFormula(text: string): string {
  return /^([=+@\t\r]|-(?!\s))/.test(text) ? `'${text}` : text;
}

export function actionPlanToCsv(doc: ActionPlanDocument): Buffer {
  const header = [...doc.columns, ...parsedDateColumns];
  const rows = actionsInOrder(doc).map((action) => {
    const text = actionAsText(action);
    return [
      ...doc.columns.map((column) => neverAFormula(text[column])),
      action.targetStart ?? '',
      action.targetEnd ?? '',
    ];
  });
  // csv-stringify quotes a field holding its own record delimiter (\r\n) but not a bare \n or \r, which every
  // standard reader takes for the end of a record: any quote, comma, CR or LF gets the field quoted.
  const csv = stringify([header, ...rows], { record_delimiter: '\r\n', quoted_match: /[",\r\n]/ });
  return Buffer.from(`\uFEFF${csv}`, 'utf8');
}
