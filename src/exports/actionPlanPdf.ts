// The action-plan document as a PDF, drawn from the same model and with the same columns as the Word file: landscape,
// the theme merged down its rows, the header row on every page, then the focus areas' rolling updates.
import { formatUkDate } from '../dates/ukDate.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import {
  actionAsText,
  focusAreaAsText,
  type ActionPlanDocument,
  type DocumentUpdate,
} from './actionPlanDocument.js';
import { columnWidthsFor } from './actionPlanDocx.js';
import { PdfBook, type PdfParagraph, type PdfRow, type PdfTable } from './pdfLayout.js';
import { linesToPdf, richTextToPdf } from './richTextToPdf.js';
import { textWidth } from './wordParts.js';

/** Points: a little smaller than the Word file's 10 pt, as Helvetica runs wider than Arial's metrics suggest. */
const tableTextSize = 8.5;

/** "Update 7/8/21: words", the date in bold so that a reader finds the entries down a long cell. */
function updateParagraph(update: DocumentUpdate): PdfParagraph {
  return {
    gapBefore: 3,
    runs: [{ text: `${update.heading}:`, bold: true }, { text: ` ${update.words}` }],
  };
}

function narrative(html: string, updates: DocumentUpdate[] = []): PdfParagraph[] {
  const words = richTextToPlain(html) === '' ? [] : richTextToPdf(html);
  const listed = updates.map(updateParagraph);
  if (words.length === 0 && listed.length > 0) listed[0] = { ...listed[0]!, gapBefore: 0 };
  return [...words, ...listed];
}

export async function actionPlanToPdf(doc: ActionPlanDocument): Promise<Buffer> {
  const book = new PdfBook({
    landscape: true,
    title: doc.title,
    marking: doc.marking,
    generatedOn: doc.generatedOn,
    subject: 'Action plan',
  });
  const twips = columnWidthsFor(doc);
  const widths = doc.columns.map((column) => (twips.get(column)! * book.width) / textWidth.landscape);

  const rows: PdfTable['rows'] = [];
  for (const group of doc.groups)
    for (const action of group.actions) {
      const text = actionAsText(action);
      const row: PdfRow = {
        group: group.theme ?? '',
        cells: doc.columns.map((column) => {
          switch (column) {
            case 'Owner':
              return linesToPdf(action.owners);
            case 'Progress':
              return narrative(action.progress, action.listedUpdates);
            case 'Future Planned Actions':
              return narrative(action.futureActions);
            default:
              return linesToPdf(text[column].split('\n'));
          }
        }),
      };
      rows.push(row);
    }
  if (doc.focusAreas.length > 0) {
    rows.push({ across: [{ runs: [{ text: 'Rolling Updates:', bold: true }] }] });
    for (const area of doc.focusAreas) {
      const text = focusAreaAsText(area);
      rows.push({
        cells: doc.columns.map((column) => {
          switch (column) {
            case 'Action':
              return linesToPdf([area.title], { bold: true });
            case 'Progress':
              return narrative(area.progress, area.listedUpdates);
            case 'Future Planned Actions':
              return narrative(area.futureActions);
            default:
              return linesToPdf((text[column] ?? '').split('\n'));
          }
        }),
      });
    }
  }

  book.paragraphs([{ runs: [{ text: doc.title, bold: true }] }], 18);
  book.space(2);
  book.paragraphs([{ runs: [{ text: `Generated on ${formatUkDate(doc.generatedOn)}` }] }], 9);
  if (doc.findingsCoverage.length > 0) {
    book.space(4);
    book.paragraphs(
      [
        { runs: [{ text: 'Findings coverage', bold: true }] },
        ...doc.findingsCoverage.map((line) => ({ runs: [{ text: line }] })),
      ],
      9,
    );
  }
  book.space(8);
  book.table(
    {
      widths,
      header: doc.columns,
      rows,
      mergeFirstColumn: doc.columns[0] === 'Theme',
    },
    tableTextSize,
  );
  return book.finish();
}
