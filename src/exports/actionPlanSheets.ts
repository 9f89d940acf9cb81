// The action-plan document as a workbook (Actions, Updates, Focus areas) and as CSV; rich text becomes plain text.
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { richTextToPlain } from '../richtext/sanitise.js';
import {
  actionColumns,
  updateLine,
  type ActionPlanDocument,
  type DocumentAction,
} from './actionPlanDocument.js';

/** Columns the importer knows to pass over: the parsed range is worked out again from the date as written. */
export const parsedDateColumns = ['Parsed start', 'Parsed end'];

function dateValue(iso: string | null): Date | null {
  return iso ? new Date(`${iso}T00:00:00Z`) : null;
}

function progressWithUpdates(action: DocumentAction): string {
  const said = richTextToPlain(action.progress);
  const known = `${said} ${richTextToPlain(action.futureActions)}`.replace(/\s+/g, ' ');
  const lines = action.updates
    .filter((u) => !known.includes(richTextToPlain(u.body).replace(/\s+/g, ' ').slice(0, 80)))
    .map(updateLine);
  return [said, ...lines].filter(Boolean).join('\n');
}

function actionValues(doc: ActionPlanDocument, action: DocumentAction): Record<string, string> {
  return {
    Theme: action.theme ?? '',
    Ref: action.ref,
    Action: action.title,
    Owner: action.owners.join('; '),
    Progress: progressWithUpdates(action),
    'Future Planned Actions': richTextToPlain(action.futureActions),
    'Dates for delivery': action.dates,
    Status: action.statusLabel,
    RAG: action.rag,
  };
}

export async function actionPlanToWorkbook(doc: ActionPlanDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Headway';
  workbook.title = doc.title;
  const columns = [...actionColumns(doc), ...parsedDateColumns];
  const widths: Record<string, number> = {
    Theme: 24,
    Ref: 8,
    Action: 40,
    Owner: 20,
    Progress: 60,
    'Future Planned Actions': 45,
  };

  const actions = workbook.addWorksheet('Actions', { views: [{ state: 'frozen', ySplit: 1 }] });
  actions.columns = columns.map((header) => ({ header, key: header, width: widths[header] ?? 16 }));
  for (const group of doc.groups)
    for (const action of group.actions) {
      const values: Record<string, unknown> = actionValues(doc, action);
      values['Parsed start'] = dateValue(action.targetStart);
      values['Parsed end'] = dateValue(action.targetEnd);
      actions.addRow(values);
    }
  if (doc.focusAreas.length > 0) {
    actions.addRow({ Action: 'Rolling Updates:' }).font = { bold: true, underline: true };
    for (const area of doc.focusAreas)
      actions.addRow({
        Action: area.title,
        Owner: area.lead,
        Progress: [richTextToPlain(area.progress), ...area.updates.map(updateLine)]
          .filter(Boolean)
          .join('\n'),
        'Future Planned Actions': richTextToPlain(area.futureActions),
        Status: area.status,
      });
  }
  actions.getRow(1).font = { bold: true };
  actions.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  actions.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));
  for (const header of parsedDateColumns) actions.getColumn(header).numFmt = 'd mmmm yyyy';

  const updates = workbook.addWorksheet('Updates', { views: [{ state: 'frozen', ySplit: 1 }] });
  updates.columns = [
    { header: 'Action or focus area', key: 'subject', width: 45 },
    { header: 'Date', key: 'date', width: 16, style: { numFmt: 'd mmmm yyyy' } },
    { header: 'Author', key: 'author', width: 22 },
    { header: 'Update', key: 'body', width: 80 },
    { header: 'Status changed to', key: 'status', width: 18 },
  ];
  const subjects = [
    ...doc.groups.flatMap((g) => g.actions.map((a) => ({ title: a.title, updates: a.updates }))),
    ...doc.focusAreas.map((f) => ({ title: f.title, updates: f.updates })),
  ];
  for (const subject of subjects)
    for (const update of subject.updates)
      updates.addRow({
        subject: subject.title,
        date: dateValue(update.effectiveOn),
        author: update.author,
        body: richTextToPlain(update.body),
        status: update.statusChange ?? '',
      });
  updates.getRow(1).font = { bold: true };
  updates.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 5 } };
  updates.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));

  const areas = workbook.addWorksheet('Focus areas', { views: [{ state: 'frozen', ySplit: 1 }] });
  areas.columns = [
    { header: 'Focus area', key: 'title', width: 40 },
    { header: 'Lead', key: 'lead', width: 24 },
    { header: 'Status', key: 'status', width: 14 },
    { header: 'Progress', key: 'progress', width: 60 },
    { header: 'Future Planned Actions', key: 'future', width: 50 },
  ];
  for (const area of doc.focusAreas)
    areas.addRow({
      title: area.title,
      lead: area.lead,
      status: area.status,
      progress: richTextToPlain(area.progress),
      future: richTextToPlain(area.futureActions),
    });
  areas.getRow(1).font = { bold: true };
  areas.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** One row per action, UTF-8 with a byte-order mark so that Excel opens it with the right characters. */
export function actionPlanToCsv(doc: ActionPlanDocument): Buffer {
  const columns = [...actionColumns(doc), ...parsedDateColumns];
  const rows = doc.groups.flatMap((g) =>
    g.actions.map((action) => {
      const values = actionValues(doc, action);
      values['Parsed start'] = action.targetStart ?? '';
      values['Parsed end'] = action.targetEnd ?? '';
      return columns.map((c) => values[c] ?? '');
    }),
  );
  return Buffer.from(`\uFEFF${stringify([columns, ...rows], { record_delimiter: '\r\n' })}`, 'utf8');
}
