// The highlight report's two charts in Word, as tables whose shaded cells are as wide as the numbers they show: docx
// has no drawing that every Word and LibreOffice shows alike, and a picture would need a rasteriser. Each number is
// written in its cell, so the chart reads as a table too.
import {
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { columnWidths, tableTextSize, textCell, textWidth } from '../exports/wordParts.js';
import { statuses, statusLabels } from '../plans/vocabulary.js';
import type { SeriesStyle } from './chartGeometry.js';
import { statusStyles, trendStyles, trendTable } from './dashboardCharts.js';
import type { ReportDashboard } from './reportDashboard.js';
import { statusHeading, trendHeading } from './reportCharts.js';

const hex = (colour: string) => colour.replace('#', '').toUpperCase();

/** A cell holding a one-row table whose shaded cells are as wide as their share of `largest`. */
function barCell(parts: { value: number; style: SeriesStyle }[], largest: number, width: number): TableCell {
  const room = width - 200;
  const shown = parts.filter((part) => part.value > 0);
  const widths = shown.map((part) => Math.max(240, Math.round((part.value / Math.max(1, largest)) * room)));
  const rest = Math.max(0, room - widths.reduce((a, b) => a + b, 0));
  const cells = shown.map(
    (part, i) =>
      new TableCell({
        width: { size: widths[i]!, type: WidthType.DXA },
        // Hatched parts are striped in Word too, so that neighbours differ by more than colour.
        shading: part.style.hatched
          ? { type: ShadingType.REVERSE_DIAGONAL_STRIPE, color: 'FFFFFF', fill: hex(part.style.colour) }
          : { type: ShadingType.CLEAR, color: 'auto', fill: hex(part.style.colour) },
        children: [
          new Paragraph({
            children: [
              new TextRun({ text: String(part.value), bold: true, color: 'FFFFFF', size: tableTextSize }),
            ],
          }),
        ],
      }),
  );
  if (rest > 0 || cells.length === 0)
    cells.push(
      new TableCell({
        width: { size: Math.max(rest, 100), type: WidthType.DXA },
        children: [new Paragraph('')],
      }),
    );
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    children: [
      new Table({
        columnWidths: cells.map((_, i) => (i < widths.length ? widths[i]! : Math.max(rest, 100))),
        width: { size: room, type: WidthType.DXA },
        layout: TableLayoutType.FIXED,
        rows: [new TableRow({ children: cells })],
      }),
      new Paragraph(''),
    ],
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({ heading: 'Heading2', spacing: { before: 240 }, children: [new TextRun(text)] });
}

function plain(text: string): Paragraph {
  return new Paragraph({ children: [new TextRun({ text, size: 22 })] });
}

/** The two charts as Word tables, each after its heading and summary sentence. */
export function reportChartsWord(dashboard: ReportDashboard | null | undefined): (Paragraph | Table)[] {
  if (!dashboard) return [];
  const legend = plain(
    `Key: ${statuses.map((status) => statusLabels[status]).join(', ')} (striped: not started and ongoing).`,
  );
  const statusWidths = columnWidths([3, 8, 1], textWidth.portrait);
  const largest = Math.max(1, ...dashboard.byTheme.map((group) => group.total));
  const statusTable = new Table({
    columnWidths: statusWidths,
    width: { size: textWidth.portrait, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        children: ['Theme', 'Actions by status', 'Total'].map((text, i) =>
          textCell(text, { width: statusWidths[i]!, bold: true, shade: true }),
        ),
      }),
      ...dashboard.byTheme.map(
        (group) =>
          new TableRow({
            children: [
              textCell(group.label, { width: statusWidths[0]! }),
              barCell(
                statuses.map((status) => ({ value: group.counts[status], style: statusStyles[status] })),
                largest,
                statusWidths[1]!,
              ),
              textCell(String(group.total), { width: statusWidths[2]! }),
            ],
          }),
      ),
    ],
  });
  const table = trendTable(dashboard.trend);
  const trendWidths = columnWidths([3, 3, 3, 3], textWidth.portrait);
  const highest = Math.max(
    1,
    ...dashboard.trend.flatMap((point) => [point.complete, point.inProgress, point.overdue]),
  );
  const trend = new Table({
    columnWidths: trendWidths,
    width: { size: textWidth.portrait, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        children: table.head.map((text, i) =>
          textCell(text, { width: trendWidths[i]!, bold: true, shade: true }),
        ),
      }),
      ...dashboard.trend.map(
        (point, row) =>
          new TableRow({
            children: [
              textCell(table.rows[row]![0]!, { width: trendWidths[0]! }),
              ...trendStyles.map(({ key, style }, i) =>
                barCell(
                  [
                    {
                      value: point[key],
                      style: { label: style.label, colour: style.colour, hatched: false },
                    },
                  ],
                  highest,
                  trendWidths[i + 1]!,
                ),
              ),
            ],
          }),
      ),
    ],
  });
  return [
    heading(statusHeading),
    plain(dashboard.statusSummary),
    legend,
    statusTable,
    heading(trendHeading),
    plain(dashboard.trendSummary),
    trend,
  ];
}
