// The action-plan document as a Word file in the staff-survey layout, landscape: the actions, grouped by theme with
// the theme merged down its rows, then the focus areas' rolling updates, oldest first, each headed by its date.
import { Document, HeadingLevel, Paragraph, TextRun } from 'docx';
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
import { richTextToPlain } from '../richtext/sanitise.js';
import {
  bodyPlaceholder,
  cellXml,
  docxWithWrittenBody,
  paragraphXml,
  richTextToWordXml,
  rowXml,
  runXml,
  tableXml,
  WordXmlParts,
} from './wordXml.js';
import { documentStyles, fittedColumnWidths, pageSection, tableTextSize, textWidth } from './wordParts.js';

/** The share of the page's width each column of running text gets. */
const weights: Record<ActionPlanColumn, number> = {
  Theme: 11,
  Ref: 4,
  Horizon: 8,
  Action: 18,
  Owner: 9,
  Progress: 26,
  'Future Planned Actions': 17,
  'Dates for delivery': 11,
  Status: 7,
  RAG: 5,
  '% complete': 5,
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

/** A cell of plain lines, one paragraph each. */
function textCellXml(text: string, width: number, bold = false, fill?: string): string {
  const paragraphs = text
    .split('\n')
    .map((line) => paragraphXml(runXml(line, { bold, size: tableTextSize })))
    .join('');
  return cellXml(paragraphs, { width, fill });
}

/** A cell of rich text, followed by lines of plain text (such as dated updates), each a paragraph of its own. */
function richCellXml(html: string, width: number, parts: WordXmlParts, extraLines: string[] = []): string {
  const words =
    richTextToPlain(html) === '' && extraLines.length > 0
      ? ''
      : richTextToWordXml(html, tableTextSize, parts);
  const lines = extraLines
    .map((line) => paragraphXml(runXml(line, { size: tableTextSize }), { spaceBefore: 60 }))
    .join('');
  return cellXml(words + lines, { width });
}

function headerRow(doc: ActionPlanDocument, widths: Widths): string {
  return rowXml(doc.columns.map((c) => textCellXml(c, widths.get(c)!, true, 'E8E8E8')).join(''), {
    header: true,
  });
}

function actionRow(
  doc: ActionPlanDocument,
  action: DocumentAction,
  themeText: string | null,
  widths: Widths,
  parts: WordXmlParts,
): string {
  const text = actionAsText(action);
  const cells = doc.columns.map((column) => {
    const width = widths.get(column)!;
    switch (column) {
      case 'Theme':
        // The theme merged down its rows: its title on the first, continued (empty) below.
        return cellXml(paragraphXml(runXml(themeText ?? '', { bold: true, size: tableTextSize })), {
          width,
          merge: themeText === null ? 'continue' : 'restart',
        });
      case 'Owner':
        return textCellXml(action.owners.join('\n'), width);
      case 'Progress':
        return richCellXml(action.progress, width, parts, action.listedUpdates.map(updateLine));
      case 'Future Planned Actions':
        return richCellXml(action.futureActions, width, parts);
      default:
        return textCellXml(text[column], width);
    }
  });
  return rowXml(cells.join(''));
}

/** "Rolling Updates:" across the whole table, as the staff-survey document heads its focus areas. */
function rollingUpdatesRow(doc: ActionPlanDocument): string {
  const heading = runXml('Rolling Updates:', { bold: true, underline: true, size: tableTextSize });
  return rowXml(
    cellXml(paragraphXml(heading, { keepNext: true }), {
      width: textWidth.landscape,
      span: doc.columns.length,
    }),
    { cantSplit: true },
  );
}

function focusAreaRow(
  doc: ActionPlanDocument,
  area: DocumentFocusArea,
  widths: Widths,
  parts: WordXmlParts,
): string {
  const text = focusAreaAsText(area);
  const cells = doc.columns.map((column) => {
    const width = widths.get(column)!;
    switch (column) {
      case 'Action':
        return textCellXml(area.title, width, true);
      case 'Progress':
        return richCellXml(area.progress, width, parts, area.listedUpdates.map(updateLine));
      case 'Future Planned Actions':
        return richCellXml(area.futureActions, width, parts);
      default:
        return textCellXml(text[column] ?? '', width);
    }
  });
  return rowXml(cells.join(''));
}

/** "Findings coverage", then one line a kind of finding, before the table; nothing for a plan without findings. */
function coverageParagraphs(doc: ActionPlanDocument): Paragraph[] {
  if (doc.findingsCoverage.length === 0) return [];
  return [
    new Paragraph({ children: [new TextRun({ text: 'Findings coverage', bold: true, size: 20 })] }),
    ...doc.findingsCoverage.map(
      (line, index) =>
        new Paragraph({
          spacing: { after: index === doc.findingsCoverage.length - 1 ? 200 : 0 },
          children: [new TextRun({ text: line, size: 20 })],
        }),
    ),
  ];
}

/**
 * The table is written as WordprocessingML text and the rest of the document by the docx library: building the
 * library's objects for thousands of cells and serialising them was two thirds of the time of a long plan's export.
 */
export async function actionPlanToDocx(doc: ActionPlanDocument): Promise<Buffer> {
  const widths = columnWidthsFor(doc);
  const parts = new WordXmlParts();
  const rows = [headerRow(doc, widths)];
  for (const group of doc.groups)
    group.actions.forEach((action, index) =>
      rows.push(actionRow(doc, action, index === 0 ? (group.theme ?? '') : null, widths, parts)),
    );
  if (doc.focusAreas.length > 0) {
    rows.push(rollingUpdatesRow(doc));
    for (const area of doc.focusAreas) rows.push(focusAreaRow(doc, area, widths, parts));
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
        ...coverageParagraphs(doc),
        bodyPlaceholder(),
      ]),
    ],
  });
  const table = tableXml(
    rows.join(''),
    doc.columns.map((c) => widths.get(c)!),
  );
  return docxWithWrittenBody(document, table, parts);
}
