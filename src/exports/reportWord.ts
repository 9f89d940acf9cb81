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
import type { ReportAction, ReportModel } from '../reports/reportModel.js';
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

const ragFill: Record<string, string> = { red: 'F4B6AE', amber: 'FFE08A', green: 'B9DFC8' };

function labelledTable(rows: { label: string; html?: string; text?: string; fill?: string }[]): Table {
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
                  ? richTextToWord(row.html || '<p>Nothing written yet.</p>', { size: tableTextSize })
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

function actionLine(action: ReportAction): string {
  const owners = action.owners.length > 0 ? ` (${action.owners.join(', ')})` : '';
  const date = action.revisedTarget || action.target;
  return `${action.title}${owners}${date ? `: ${date}` : ''}`;
}

export async function reportToWord(model: ReportModel): Promise<Buffer> {
  const section = (key: string) => model.sections.find((s) => s.key === key)!;
  const changes = model.changes;
  const changeLines = changes
    ? [
        ...changes.statusChanges.map((c) => `${c.title}: ${c.from} to ${c.to}`),
        ...changes.added.map((a) => `New: ${a.title}`),
        ...changes.removed.map((a) => `Removed: ${a.title}`),
        ...changes.movedDates.map(
          (m) =>
            `${m.title}: date moved from ${m.from || 'none'} to ${m.to || 'none'}${m.reason ? ` (${m.reason})` : ''}`,
        ),
      ]
    : [];
  const children = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      children: [new TextRun(`${model.planTitle}: highlight report`)],
    }),
    labelledTable([
      { label: 'Strategic sponsor', text: model.sponsor || 'Not stated' },
      { label: 'Period covered', text: model.period.text },
      {
        label: 'Overall project status',
        text: [model.overall.rag ? model.overall.ragLabel : '', model.overall.words]
          .filter(Boolean)
          .join(': '),
        fill: model.overall.rag ? ragFill[model.overall.rag] : undefined,
      },
      { label: section('summary').label, html: section('summary').html },
      { label: section('governance').label, html: section('governance').html },
    ]),
    ...model.progress.flatMap((horizon) => [
      heading(
        `Progress against ${horizon.horizon === 'Other actions' ? 'other actions' : horizon.horizon.toLowerCase()}`,
      ),
      progressTable(horizon.themes),
    ]),
    new Paragraph({ children: [] }),
    labelledTable(
      ['progress', 'communication', 'issues', 'risks', 'nextSteps'].map((key) => ({
        label: section(key).label,
        html: section(key).html,
      })),
    ),
    heading('Completed in this period'),
    ...bullets(model.completedInPeriod.map(actionLine), 'No actions were completed in this period.'),
    heading('Overdue'),
    ...bullets(model.overdue.map(actionLine), 'No actions are overdue.'),
    heading('Due in the next period'),
    ...bullets(model.dueNextPeriod.map(actionLine), 'No actions fall due in the next period.'),
    heading('Changes since the last published report'),
    ...(changes
      ? bullets(changeLines, 'No changes.')
      : bullets([], "This is the plan's first report: there is no published report to compare with.")),
  ];
  const document = new Document({
    creator: 'Headway',
    title: `${model.planTitle}: highlight report for ${model.period.text}`,
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
