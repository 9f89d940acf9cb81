// Writes the benchmark plan as a Word document laid out like real ones: a title, one long table whose header repeats
// on every page, themes merged down the first column, progress in paragraphs and bullets, "OFFICIAL" in the footer.
import { writeFile } from 'node:fs/promises';
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalMergeType,
  WidthType,
} from 'docx';
import type { ImportedPlan, ImportedRow } from './importedPlan.js';

export const wordHeaders = [
  'Theme',
  'Ref',
  'Action',
  'Owner',
  'Progress',
  'Future planned actions',
  'Target date',
  'Status',
  'RAG',
];
/** Twips across a landscape A4 page inside 1.5 cm margins. */
const columnWidths = [1500, 600, 2400, 1300, 4200, 2600, 1100, 1000, 700];

export async function writeWordDocument(plan: ImportedPlan, file: string): Promise<void> {
  const rows = [headerRow()];
  for (const theme of plan.themes)
    theme.rows.forEach((row, index) => rows.push(actionRow(row, index === 0 ? theme.title : null)));
  const document = new Document({
    creator: 'Headway import benchmark',
    title: plan.title,
    sections: [
      {
        properties: {
          page: {
            size: { orientation: PageOrientation.LANDSCAPE },
            margin: { top: 850, bottom: 850, left: 850, right: 850 },
          },
        },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, text: plan.marking })],
          }),
        },
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_1, text: plan.title }),
          new Table({ rows, columnWidths, width: { size: 100, type: WidthType.PERCENTAGE } }),
        ],
      },
    ],
  });
  await writeFile(file, await Packer.toBuffer(document));
}

function headerRow(): TableRow {
  return new TableRow({
    // Word's "Repeat as header row at the top of each page".
    tableHeader: true,
    children: wordHeaders.map(
      (header) =>
        new TableCell({
          children: [new Paragraph({ children: [new TextRun({ text: header, bold: true })] })],
        }),
    ),
  });
}

/** The theme cell starts a vertical merge on a theme's first row and continues it, empty, on the others. */
function actionRow(row: ImportedRow, theme: string | null): TableRow {
  const progress = [
    new Paragraph(row.progress),
    ...row.progressPoints.map((point) => new Paragraph({ text: point, bullet: { level: 0 } })),
    ...row.entries.map((entry) => new Paragraph(entry)),
  ];
  const target = 'date' in row.target ? ukDate(row.target.date) : row.target.text;
  return new TableRow({
    children: [
      new TableCell({
        verticalMerge: theme === null ? VerticalMergeType.CONTINUE : VerticalMergeType.RESTART,
        children: [new Paragraph(theme ?? '')],
      }),
      textCell([row.ref]),
      textCell([row.title]),
      textCell(row.owners),
      new TableCell({ children: progress }),
      new TableCell({
        children: row.futureActions.map((line) => new Paragraph({ text: line, bullet: { level: 0 } })),
      }),
      textCell([target]),
      textCell([row.status]),
      textCell([row.rag]),
    ],
  });
}

function textCell(paragraphs: string[]): TableCell {
  return new TableCell({ children: paragraphs.map((text) => new Paragraph(text)) });
}

function ukDate(day: Date): string {
  const [year, month, date] = day.toISOString().slice(0, 10).split('-');
  return `${date}/${month}/${year}`;
}
