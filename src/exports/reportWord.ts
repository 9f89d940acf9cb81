// The highlight report as a Word board paper: labelled sections in two columns, progress tables with the theme
// merged down its rows, the generated lists, and the marking, page numbers and date on every page.
import {
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { ReportModel } from '../reports/reportModel.js';
import { generatedLists, labelledSections, type LabelledRow } from './reportText.js';
import { richTextToWord } from './richTextToWord.js';
import {
  columnWidths,
  documentStyles,
  mergedCell,
  pageSection,
  tableTextSize,
  textCell,
  textWidth,
} from './wordParts.js';

function labelledTable(rows: LabelledRow[]): Table {
  const widths = columnWidths([1, 3], textWidth.portrait);
  return new Table({
    columnWidths: widths,
    width: { size: textWidth.portrait, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    rows: rows.map(
      (row) =>
        new TableRow({
          children: [
            textCell(row.label.toUpperCase(), { width: widths[0]!, bold: true, shade: true }),
            new TableCell({
              width: { size: widths[1]!, type: WidthType.DXA },
              shading: row.fill ? { type: ShadingType.CLEAR, fill: row.fill, color: 'auto' } : undefined,
              children:
                row.html !== undefined
                  ? richTextToWord(row.html, { size: tableTextSize })
                  : [
                      new Paragraph({
                        children: [new TextRun({ text: row.text ?? '', size: tableTextSize })],
                      }),
                    ],
            }),
          ],
        }),
    ),
  });
}

function progressTable(themes: ReportModel['progress'][number]['themes']): Table {
  const widths = columnWidths([3, 6, 2], textWidth.portrait);
  const header = new TableRow({
    tableHeader: true,
    children: ['Theme', 'Deliverable', 'Status'].map((h, i) =>
      textCell(h, { width: widths[i]!, bold: true, shade: true }),
    ),
  });
  const rows = themes.flatMap((group) =>
    group.deliverables.map(
      (action, index) =>
        new TableRow({
          children: [
            mergedCell(index === 0 ? group.theme : null, widths[0]!),
            textCell(action.title, { width: widths[1]! }),
            textCell(action.statusLabel, { width: widths[2]! }),
          ],
        }),
    ),
  );
  return new Table({
    columnWidths: widths,
    width: { size: textWidth.portrait, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    rows: [header, ...rows],
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({
    heading: HeadingLevel.HEADING_2,
    spacing: { before: 240 },
    children: [new TextRun(text)],
  });
}

function bullets(lines: string[], empty: string): Paragraph[] {
  if (lines.length === 0) return [new Paragraph({ children: [new TextRun({ text: empty, size: 22 })] })];
  return lines.map(
    (line) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: line, size: 22 })] }),
  );
}

export async function reportToWord(model: ReportModel): Promise<Buffer> {
  const sections = labelledSections(model);
  const children = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      children: [new TextRun(model.title)],
    }),
    labelledTable(sections.before),
    ...model.progress.flatMap((horizon) => [heading(horizon.heading), progressTable(horizon.themes)]),
    ...(sections.after.length > 0 ? [new Paragraph({ children: [] }), labelledTable(sections.after)] : []),
    ...generatedLists(model).flatMap((list) => [heading(list.heading), ...bullets(list.lines, list.empty)]),
  ];
  const document = new Document({
    creator: 'Headway',
    title: `${model.title} for ${model.period.text}`,
    styles: documentStyles,
    sections: [
      pageSection(
        { marking: model.marking, landscape: false, generatedOn: model.generatedOn, title: model.planTitle },
        children,
      ),
    ],
  });
  return Packer.toBuffer(document);
}
