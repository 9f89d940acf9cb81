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
import { reportChartsWord } from '../dashboard/reportChartsWord.js';
import type { ReportModel } from '../reports/reportModel.js';
import { generatedLists, labelledSections, type GeneratedList, type LabelledRow } from './reportText.js';
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
  if (lines.length === 0) return [plain(empty)];
  return lines.map(
    (line) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: line, size: 22 })] }),
  );
}

function plain(text: string): Paragraph {
  return new Paragraph({ children: [new TextRun({ text, size: 22 })] });
}

/** A generated list: its heading, its opening sentence, then its lines, or its groups each under a smaller heading. */
function generatedList(list: GeneratedList): Paragraph[] {
  return [
    heading(list.heading),
    ...(list.intro ? [plain(list.intro)] : []),
    ...(list.groups
      ? list.groups.flatMap((group) => [
          new Paragraph({
            heading: HeadingLevel.HEADING_3,
            spacing: { before: 160 },
            children: [new TextRun(group.heading)],
          }),
          ...bullets(group.lines, ''),
        ])
      : bullets(list.lines, list.empty)),
  ];
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
    ...reportChartsWord(model.dashboard),
    ...(sections.after.length > 0 ? [new Paragraph({ children: [] }), labelledTable(sections.after)] : []),
    ...generatedLists(model).flatMap(generatedList),
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
