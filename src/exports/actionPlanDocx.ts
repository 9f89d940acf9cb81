// The action-plan document as a Word file in the staff-survey layout, landscape: the actions, grouped by theme with
// the theme merged down its rows, then the focus areas' rolling updates, oldest first, each headed by its date.
import {
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { formatUkDate } from '../dates/ukDate.js';
import {
  actionAsText,
  actionsInOrder,
  focusAreaAsText,
  updateLine,
  type ActionPlanColumn,
  type ActionPlanDocument,
  type DocumentAction,
  type DocumentFocusArea,
} from './actionPlanDocument.js';
import {
  documentStyles,
  fittedColumnWidths,
  mergedCell,
  pageSection,
  richCell,
  tableTextSize,
  textCell,
  textWidth,
} from './wordParts.js';

/** The share of the page's width each column of running text gets. */
const weights: Record<ActionPlanColumn, number> = {
  Theme: 11,
  Ref: 4,
  Action: 18,
  Owner: 9,
  Progress: 26,
  'Future Planned Actions': 17,
  'Dates for delivery': 11,
  Status: 7,
  RAG: 5,
};

type Widths = Map<ActionPlanColumn, number>;

/** Each column's width in twentieths of a point, across a landscape page: the Word file's, and the PDF's in scale. */
export function columnWidthsFor(doc: ActionPlanDocument): Widths {
  // Each cell's lines as the table shows them: the owners one a line.
  const rows = [
    ...actionsInOrder(doc).map((a) => ({ ...actionAsText(a), Owner: a.owners.join('\n') })),
    ...doc.focusAreas.map(focusAreaAsText),
  ];
  const widths = fittedColumnWidths(
    doc.columns.map((column) => ({
      words: column.split(' '),
      lines: rows.flatMap((row) => (row[column] ?? '').split('\n')),
      weight: weights[column],
    })),
    textWidth.landscape,
  );
  return new Map(doc.columns.map((column, i) => [column, widths[i]!]));
}

function headerRow(doc: ActionPlanDocument, widths: Widths): TableRow {
  return new TableRow({
    tableHeader: true,
    children: doc.columns.map((c) => textCell(c, { width: widths.get(c)!, bold: true, shade: true })),
  });
}

function actionRow(
  doc: ActionPlanDocument,
  action: DocumentAction,
  themeText: string | null,
  widths: Widths,
): TableRow {
  const cells = doc.columns.map((column): TableCell => {
    const width = widths.get(column)!;
    switch (column) {
      case 'Theme':
        return mergedCell(themeText, width);
      case 'Owner':
        return textCell(action.owners.join('\n'), { width });
      case 'Progress':
        return richCell(action.progress, width, action.listedUpdates.map(updateLine));
      case 'Future Planned Actions':
        return richCell(action.futureActions, width);
      default:
        return textCell(actionAsText(action)[column], { width });
    }
  });
  return new TableRow({ children: cells });
}

/** "Rolling Updates:" across the whole table, as the staff-survey document heads its focus areas. */
function rollingUpdatesRow(doc: ActionPlanDocument): TableRow {
  return new TableRow({
    cantSplit: true,
    children: [
      new TableCell({
        columnSpan: doc.columns.length,
        width: { size: textWidth.landscape, type: WidthType.DXA },
        children: [
          new Paragraph({
            keepNext: true,
            children: [
              new TextRun({ text: 'Rolling Updates:', bold: true, underline: {}, size: tableTextSize }),
            ],
          }),
        ],
      }),
    ],
  });
}

function focusAreaRow(doc: ActionPlanDocument, area: DocumentFocusArea, widths: Widths): TableRow {
  const cells = doc.columns.map((column): TableCell => {
    const width = widths.get(column)!;
    switch (column) {
      case 'Action':
        return textCell(area.title, { width, bold: true });
      case 'Progress':
        return richCell(area.progress, width, area.listedUpdates.map(updateLine));
      case 'Future Planned Actions':
        return richCell(area.futureActions, width);
      default:
        return textCell(focusAreaAsText(area)[column] ?? '', { width });
    }
  });
  return new TableRow({ children: cells });
}

export async function actionPlanToDocx(doc: ActionPlanDocument): Promise<Buffer> {
  const widths = columnWidthsFor(doc);
  const rows = [headerRow(doc, widths)];
  for (const group of doc.groups)
    group.actions.forEach((action, index) =>
      rows.push(actionRow(doc, action, index === 0 ? (group.theme ?? '') : null, widths)),
    );
  if (doc.focusAreas.length > 0) {
    rows.push(rollingUpdatesRow(doc));
    for (const area of doc.focusAreas) rows.push(focusAreaRow(doc, area, widths));
  }

  const generatedOn = `Generated on ${formatUkDate(doc.generatedOn)}`;
  const document = new Document({
    creator: 'Headway',
    title: doc.title,
    description: `Action plan. ${generatedOn} by Headway.`,
    styles: documentStyles,
    sections: [
      pageSection({ marking: doc.marking, landscape: true, generatedOn: doc.generatedOn, title: doc.title }, [
        new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: doc.title })] }),
        new Paragraph({
          spacing: { after: 200 },
          children: [new TextRun({ text: generatedOn, size: 20 })],
        }),
        new Table({
          rows,
          columnWidths: doc.columns.map((c) => widths.get(c)!),
          width: { size: textWidth.landscape, type: WidthType.DXA },
          layout: TableLayoutType.FIXED,
        }),
      ]),
    ],
  });
  return Packer.toBuffer(document);
}
