// The parts every Headway PDF shares, drawn with pdfkit: A4 pages with the marking in the header and footer, page
// numbers and the date of generation on every page, headings and paragraphs, and tables whose header row repeats on
// every page, whose rows split across pages when they must, and whose first column can be merged down its rows.
// pdfkit's own text flow and tables measure every line again on every call; a 500-action plan is hundreds of pages,
// so lines are broken here once, with character widths cached, and each page's drawing is written as PDF operators.
import PDFDocument from 'pdfkit';
import { formatUkDate } from '../dates/ukDate.js';

export interface PdfRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export interface PdfParagraph {
  runs: PdfRun[];
  /** Points from the cell's (or page's) left edge to the words. */
  indent?: number;
  /** A bullet or number set in the indent, before the first line. */
  marker?: string;
  /** Extra points above the paragraph. */
  gapBefore?: number;
}

export interface PdfRow {
  cells: PdfParagraph[][];
  /** Background colours (hex) by column. */
  fills?: (string | undefined)[];
  /** The group the row belongs to, when the table's first column is merged down each group's rows. */
  group?: string;
}

export interface PdfTable {
  /** Column widths in points, summing to the page's text width. */
  widths: number[];
  /** The header row, repeated at the top of every page the table is on; none for a table of labels. */
  header?: string[];
  /** Rows, or a row across the whole table (a subheading inside it). */
  rows: (PdfRow | { across: PdfParagraph[] })[];
  /** The first column shows each group's title once per page, merged down the group's rows. */
  mergeFirstColumn?: boolean;
}

type FontName = 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique' | 'Helvetica-BoldOblique';

interface Piece {
  text: string;
  font: FontName;
  x: number;
}

interface Line {
  pieces: Piece[];
  /** Points above the line: its share of its paragraph's gap. */
  gap: number;
}

/** What pdfkit's standard fonts can show: Windows-1252. Everything else is written as its nearest letter. */
const winAnsi =
  /[^\u0020-\u007e\u00a0-\u00ff\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/g;
const printableCache = new Map<string, string>();

/**
 * Text as the standard fonts can draw it. The fonts are the PDF's own (nothing to ship or download, and the file
 * stays small); they cover English, most Western European letters, curly quotes, dashes, £ and €. A letter outside
 * them loses its accent (ŵ is written w) rather than coming out as a wrong glyph; a symbol becomes "?".
 */
export function printable(text: string): string {
  return text.replace(winAnsi, (character) => {
    if (/\s/.test(character)) return ' ';
    let known = printableCache.get(character);
    if (known === undefined) {
      const base = character.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      known = base !== '' && !new RegExp(winAnsi.source).test(base) ? base : '?';
      printableCache.set(character, known);
    }
    return known;
  });
}

function fontOf(run: { bold?: boolean; italic?: boolean }): FontName {
  if (run.bold) return run.italic ? 'Helvetica-BoldOblique' : 'Helvetica-Bold';
  return run.italic ? 'Helvetica-Oblique' : 'Helvetica';
}

const ruleColour = '#505a5f';
const headerFill = '#e8e8e8';
const textColour = '#0b0c0c';
/** Points of space between a cell's border and its words. */
const padding = 3;

export interface PdfPageSetup {
  landscape: boolean;
  title: string;
  marking: string;
  /** ISO date. */
  generatedOn: string;
  /** Words for the document's properties. */
  subject: string;
}

/** Windows-1252 codes of the characters `printable` keeps that are not Latin-1, as the standard fonts encode them. */
const winAnsiCodes: Record<number, number> = {
  0x20ac: 0x80,
  0x201a: 0x82,
  0x0192: 0x83,
  0x201e: 0x84,
  0x2026: 0x85,
  0x2020: 0x86,
  0x2021: 0x87,
  0x02c6: 0x88,
  0x2030: 0x89,
  0x0160: 0x8a,
  0x2039: 0x8b,
  0x0152: 0x8c,
  0x017d: 0x8e,
  0x2018: 0x91,
  0x2019: 0x92,
  0x201c: 0x93,
  0x201d: 0x94,
  0x2022: 0x95,
  0x2013: 0x96,
  0x2014: 0x97,
  0x02dc: 0x98,
  0x2122: 0x99,
  0x0161: 0x9a,
  0x203a: 0x9b,
  0x0153: 0x9c,
  0x017e: 0x9e,
  0x0178: 0x9f,
};

/** Printable text as a PDF string literal of Windows-1252 bytes (one character a byte, written out as latin1). */
function pdfString(text: string): string {
  let out = '(';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x28 || code === 0x29 || code === 0x5c) out += '\\' + text[i];
    else if (code < 0x100) out += text[i];
    else out += String.fromCharCode(winAnsiCodes[code] ?? 0x3f);
  }
  return out + ')';
}

/** A coordinate as the content stream writes it: two decimals are a hundredth of a point. */
const n = (value: number) => String(Math.round(value * 100) / 100);

const rgbCache = new Map<string, string>();

function rgb(hex: string): string {
  const known = rgbCache.get(hex);
  if (known) return known;
  const value = parseInt(hex.slice(1), 16);
  const colour = [value >> 16, (value >> 8) & 255, value & 255].map((c) => n(c / 255)).join(' ');
  rgbCache.set(hex, colour);
  return colour;
}

/** The font objects pdfkit keeps for a document: their resource name, metrics and the reference a page lists. */
interface StandardFont {
  id: string;
  ascender: number;
  widthOfString(text: string, size: number): number;
  ref(): unknown;
}

/** A PDF being written: the page cursor, text measurement, and the furniture every page gets at the end. */
export class PdfBook {
  readonly doc: PDFKit.PDFDocument;
  readonly left = 42.5; // 1.5 cm, as the Word files
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  y: number;
  /**
   * The current page's drawing, written to the page in one piece when the page is left. pdfkit's own drawing calls
   * (text() above all: it encodes, measures and positions every string again) were most of the time of a long
   * document; the operators here are the ones pdfkit writes, without the work around them.
   */
  private ops: string[] = [];
  /** The page's text operators, written after its fills and rules, in one text object. */
  private text: string[] = [];
  private textFont: FontName | null = null;
  private textSize = 0;
  private readonly pageFonts = new Set<FontName>();
  private readonly fonts = new Map<FontName, { font: StandardFont; widths: Float64Array }>();

  constructor(private readonly setup: PdfPageSetup) {
    // A published report must come out the same every time: the file's dates are the day it was generated.
    const date = new Date(`${setup.generatedOn}T00:00:00Z`);
    this.doc = new PDFDocument({
      size: 'A4',
      layout: setup.landscape ? 'landscape' : 'portrait',
      margin: 0,
      bufferPages: true,
      autoFirstPage: true,
      lang: 'en-GB',
      displayTitle: true,
      info: {
        Title: printable(setup.title),
        Subject: printable(setup.subject),
        Creator: 'Headway',
        Producer: 'Headway',
        CreationDate: date,
        ModDate: date,
      },
    });
    const page = this.doc.page;
    this.top = setup.marking ? 56 : 42.5;
    this.bottom = page.height - 62;
    this.width = page.width - 2 * this.left;
    this.y = this.top;
  }

  get pageHeight(): number {
    return this.bottom - this.top;
  }

  newPage(): void {
    this.flushPage();
    this.doc.addPage();
    this.y = this.top;
  }

  /** Writes the page's drawing to it, with the fonts it uses among the page's resources. */
  private flushPage(): void {
    if (this.ops.length === 0 && this.text.length === 0) return;
    const page = this.doc.page as unknown as { fonts: Record<string, unknown> };
    for (const name of this.pageFonts) {
      const { font } = this.fontOf(name);
      page.fonts[font.id] ??= font.ref();
    }
    // The page's text in one text object, above its fills and rules. pdfkit draws with y running down the page; the
    // text is set upright by flipping back around it.
    if (this.text.length > 0)
      this.ops.push(
        `q 1 0 0 -1 0 ${n(this.doc.page.height)} cm ${rgb(textColour)} rg BT`,
        ...this.text,
        'ET Q',
      );
    this.doc.addContent(Buffer.from(`${this.ops.join('\n')}\n`, 'latin1') as unknown as string);
    this.ops = [];
    this.text = [];
    this.pageFonts.clear();
    this.textFont = null;
  }

  private fontOf(name: FontName) {
    let known = this.fonts.get(name);
    if (!known) {
      this.doc.font(name);
      const font = (this.doc as unknown as { _font: StandardFont })._font;
      // Each character's width at 1 pt, measured once: a word is the sum of its letters, as Word does not kern
      // body text by default and neither do we.
      const widths = new Float64Array(256).fill(-1);
      known = { font, widths };
      this.fonts.set(name, known);
    }
    return known;
  }

  /** The width of printable text at 1 pt. */
  private unitWidth(name: FontName, text: string): number {
    const { font, widths } = this.fontOf(name);
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 256) {
        let w = widths[code]!;
        if (w < 0) widths[code] = w = font.widthOfString(text[i]!, 1);
        width += w;
      } else width += font.widthOfString(text[i]!, 1);
    }
    return width;
  }

  /** Text whose top-left corner is at (x, y), in the page's coordinates (y down from the top). */
  private textAt(pieces: { text: string; font: FontName; x: number; y: number }[], size: number) {
    const height = this.doc.page.height;
    for (const piece of pieces) {
      const { font: metrics } = this.fontOf(piece.font);
      if (piece.font !== this.textFont || size !== this.textSize) {
        this.text.push(`/${metrics.id} ${n(size)} Tf`);
        this.pageFonts.add(piece.font);
        this.textFont = piece.font;
        this.textSize = size;
      }
      const baseline = height - piece.y - (metrics.ascender / 1000) * size;
      this.text.push(`1 0 0 1 ${n(piece.x)} ${n(baseline)} Tm ${pdfString(piece.text)} Tj`);
    }
  }

  private rule(x1: number, y1: number, x2: number, y2: number): void {
    this.ops.push(`${n(x1)} ${n(y1)} m ${n(x2)} ${n(y2)} l 0.5 w ${rgb(ruleColour)} RG S`);
  }

  private fill(x: number, y: number, w: number, h: number, colour: string): void {
    this.ops.push(`${n(x)} ${n(y)} ${n(w)} ${n(h)} re ${rgb(colour)} rg f`);
  }

  /** Room for a drawing `height` points high, on a new page if this one has not that much left; its top. */
  reserve(height: number): number {
    if (this.y + height > this.bottom) this.newPage();
    const top = this.y;
    this.y += height;
    return top;
  }

  /** A filled rectangle, in the page's coordinates (points, y down from the top): for charts. */
  drawRect(x: number, y: number, width: number, height: number, colour: string): void {
    this.fill(x, y, width, height, colour);
  }

  /** Straight lines through the points, solid or dashed ([dash, gap] in points). */
  drawPolyline(points: [number, number][], colour: string, width: number, dash: number[] = []): void {
    if (points.length < 2) return;
    const path = points.map(([x, y], i) => `${n(x)} ${n(y)} ${i === 0 ? 'm' : 'l'}`).join(' ');
    const dashed = dash.length > 0 ? `[${dash.map(n).join(' ')}] 0 d ` : '';
    this.ops.push(`q ${dashed}${path} ${n(width)} w ${rgb(colour)} RG S Q`);
  }

  /** A filled shape through the points. */
  drawPolygon(points: [number, number][], colour: string): void {
    const path = points.map(([x, y], i) => `${n(x)} ${n(y)} ${i === 0 ? 'm' : 'l'}`).join(' ');
    this.ops.push(`${path} h ${rgb(colour)} rg f`);
  }

  /** A filled circle, drawn as four Bézier curves. */
  drawCircle(x: number, y: number, radius: number, colour: string): void {
    const k = radius * 0.5523;
    const c = (x1: number, y1: number, x2: number, y2: number, x3: number, y3: number) =>
      `${n(x1)} ${n(y1)} ${n(x2)} ${n(y2)} ${n(x3)} ${n(y3)} c`;
    this.ops.push(
      [
        `${n(x + radius)} ${n(y)} m`,
        c(x + radius, y + k, x + k, y + radius, x, y + radius),
        c(x - k, y + radius, x - radius, y + k, x - radius, y),
        c(x - radius, y - k, x - k, y - radius, x, y - radius),
        c(x + k, y - radius, x + radius, y - k, x + radius, y),
        `h ${rgb(colour)} rg f`,
      ].join(' '),
    );
  }

  /** One line of text whose baseline is at y, starting at, centred on or ending at x. */
  drawText(
    x: number,
    baseline: number,
    text: string,
    size: number,
    options: { bold?: boolean; anchor?: 'start' | 'middle' | 'end' } = {},
  ): void {
    const font: FontName = options.bold ? 'Helvetica-Bold' : 'Helvetica';
    const words = printable(text);
    const width = this.unitWidth(font, words) * size;
    const left = options.anchor === 'end' ? x - width : options.anchor === 'middle' ? x - width / 2 : x;
    const top = baseline - (this.fontOf(font).font.ascender / 1000) * size;
    this.textAt([{ text: words, font, x: left, y: top }], size);
  }

  /** Paragraphs broken into lines that fit `width` points at `size` points. */
  lines(paragraphs: PdfParagraph[], width: number, size: number): Line[] {
    const lines: Line[] = [];
    for (const paragraph of paragraphs) {
      const indent = paragraph.indent ?? 0;
      const room = Math.max(width - indent, size * 4);
      let pieces: Piece[] = [];
      let x = 0;
      let pendingSpace = 0;
      let first = true;
      const endLine = () => {
        lines.push({ pieces, gap: first ? (paragraph.gapBefore ?? 0) : 0 });
        if (first && paragraph.marker)
          pieces.unshift({ text: printable(paragraph.marker), font: 'Helvetica', x: indent - 9 });
        first = false;
        pieces = [];
        x = 0;
        pendingSpace = 0;
      };
      for (const run of paragraph.runs) {
        const font = fontOf(run);
        const space = this.unitWidth(font, ' ') * size;
        for (const word of printable(run.text).split(/( +)/)) {
          if (word === '') continue;
          if (word.startsWith(' ')) {
            if (x > 0) pendingSpace = space;
            continue;
          }
          let rest = word;
          let wordWidth = this.unitWidth(font, rest) * size;
          if (x > 0 && x + pendingSpace + wordWidth > room) endLine();
          // A word longer than the line (a web address) is cut where it must be.
          while (wordWidth > room) {
            let fits = rest.length - 1;
            while (fits > 1 && this.unitWidth(font, rest.slice(0, fits)) * size > room) fits -= 1;
            pieces.push({ text: rest.slice(0, fits), font, x: indent });
            endLine();
            rest = rest.slice(fits);
            wordWidth = this.unitWidth(font, rest) * size;
          }
          const last = pieces.at(-1);
          if (last && last.font === font) last.text += (pendingSpace > 0 ? ' ' : '') + rest;
          else pieces.push({ text: rest, font, x: indent + x + pendingSpace });
          x += pendingSpace + wordWidth;
          pendingSpace = 0;
        }
      }
      if (pieces.length > 0 || first) endLine();
    }
    return lines;
  }

  private drawLines(lines: Line[], x: number, y: number, size: number): void {
    const leading = size * 1.22;
    const pieces: { text: string; font: FontName; x: number; y: number }[] = [];
    for (const line of lines) {
      y += line.gap;
      for (const piece of line.pieces) pieces.push({ text: piece.text, font: piece.font, x: x + piece.x, y });
      y += leading;
    }
    this.textAt(pieces, size);
  }

  private heightOf(lines: Line[], size: number): number {
    return lines.reduce((sum, line) => sum + line.gap + size * 1.22, 0);
  }

  /** Paragraphs across the page, continued on the next page where they do not fit. */
  paragraphs(paragraphs: PdfParagraph[], size: number, options: { keepWithNext?: number } = {}): void {
    const lines = this.lines(paragraphs, this.width, size);
    const leading = size * 1.22;
    if (this.y + Math.min(this.heightOf(lines, size), leading) + (options.keepWithNext ?? 0) > this.bottom)
      this.newPage();
    for (const line of lines) {
      if (this.y + line.gap + leading > this.bottom) this.newPage();
      this.drawLines([line], this.left, this.y, size);
      this.y += line.gap + leading;
    }
  }

  space(points: number): void {
    this.y = Math.min(this.y + points, this.bottom);
  }

  /** A table that fits the page's width, continued over as many pages as it needs. */
  table(table: PdfTable, size: number): void {
    const xs = table.widths.reduce<number[]>((acc, w) => [...acc, acc.at(-1)! + w], [this.left]);
    const right = xs.at(-1)!;
    const cellLines = (paragraphs: PdfParagraph[], column: number, span = 1) =>
      this.lines(paragraphs, xs[column + span]! - xs[column]! - 2 * padding, size);
    const headerLines = table.header?.map((h, i) => cellLines([{ runs: [{ text: h, bold: true }] }], i));
    const headerHeight = headerLines
      ? Math.max(...headerLines.map((l) => this.heightOf(l, size))) + 2 * padding
      : 0;
    const leading = size * 1.22;
    let tableTopOnPage = this.y;
    /** The group shown in the merged column on this page so far. */
    let groupOnPage: string | undefined;
    /** The group of the row drawn last, on whatever page. */
    let lastGroup: string | undefined;

    const rule = this.rule.bind(this);
    const fill = this.fill.bind(this);

    /** One row's cells (or what of them fits) at the cursor, with its borders. */
    const drawSegment = (
      cells: { lines: Line[]; fill?: string; from: number; span: number }[],
      height: number,
      ruleFrom: number,
    ) => {
      for (const cell of cells)
        if (cell.fill)
          fill(xs[cell.from]!, this.y, xs[cell.from + cell.span]! - xs[cell.from]!, height, cell.fill);
      for (const cell of cells) this.drawLines(cell.lines, xs[cell.from]! + padding, this.y + padding, size);
      rule(ruleFrom, this.y, right, this.y);
      for (const cell of cells) rule(xs[cell.from]!, this.y, xs[cell.from]!, this.y + height);
      rule(right, this.y, right, this.y + height);
      this.y += height;
    };

    const startPage = () => {
      tableTopOnPage = this.y;
      groupOnPage = undefined;
      if (headerLines)
        drawSegment(
          headerLines.map((lines, i) => ({ lines, fill: headerFill, from: i, span: 1 })),
          headerHeight,
          this.left,
        );
    };
    const endPage = () => {
      rule(this.left, this.y, right, this.y);
      this.newPage();
      startPage();
    };

    // The header and the first lines of the first row stay together.
    if (this.y + headerHeight + 3 * leading + 2 * padding > this.bottom) this.newPage();
    startPage();

    for (const row of table.rows) {
      let cells: { lines: Line[]; fill?: string; from: number; span: number }[] =
        'across' in row
          ? [{ lines: cellLines(row.across, 0, table.widths.length), from: 0, span: table.widths.length }]
          : row.cells.map((paragraphs, i) => ({
              lines: cellLines(paragraphs, i),
              fill: row.fills?.[i],
              from: i,
              span: 1,
            }));
      const group = 'across' in row ? undefined : row.group;
      for (;;) {
        // The merged column shows the group's title where the group starts, and again at the top of a page.
        const showsGroup = table.mergeFirstColumn && group !== undefined && group !== groupOnPage;
        if (table.mergeFirstColumn && group !== undefined)
          cells[0] = {
            ...cells[0]!,
            lines: showsGroup
              ? cellLines(
                  [
                    {
                      runs: [
                        { text: group && group === lastGroup ? `${group} (continued)` : group, bold: true },
                      ],
                    },
                  ],
                  0,
                )
              : [],
          };
        const height = Math.max(...cells.map((c) => this.heightOf(c.lines, size))) + 2 * padding;
        const ruleFrom = table.mergeFirstColumn && !showsGroup && group !== undefined ? xs[1]! : this.left;
        const room = this.bottom - this.y;
        if (height <= room) {
          drawSegment(cells, height, ruleFrom);
          groupOnPage = lastGroup = group;
          break;
        }
        // A row that would fit on a page of its own starts on the next page, unless that leaves most of this one
        // empty; a longer row fills this page and goes on over the next.
        const fitsOnAPage = height <= this.bottom - tableTopOnPage - headerHeight;
        if ((fitsOnAPage && room < this.pageHeight / 3) || room < 3 * leading + 2 * padding) {
          if (this.y === tableTopOnPage + headerHeight) {
            // Nothing of the table on this page yet, and still it does not fit: split it all the same.
          } else {
            endPage();
            continue;
          }
        }
        const taken = cells.map((cell) => {
          let used = 0;
          let count = 0;
          for (const line of cell.lines) {
            if (used + line.gap + leading > room - 2 * padding) break;
            used += line.gap + leading;
            count += 1;
          }
          return count;
        });
        drawSegment(
          cells.map((cell, i) => ({ ...cell, lines: cell.lines.slice(0, taken[i]) })),
          room,
          ruleFrom,
        );
        groupOnPage = lastGroup = group;
        cells = cells.map((cell, i) => ({ ...cell, lines: cell.lines.slice(taken[i]) }));
        endPage();
      }
    }
    rule(this.left, this.y, right, this.y);
  }

  /** The marking at the top and bottom of every page, and the title, date and page number in the footer. */
  async finish(): Promise<Buffer> {
    const { doc, setup } = this;
    this.flushPage();
    const range = doc.bufferedPageRange();
    const marking = printable(setup.marking);
    const footer = printable(`${setup.title} · generated on ${formatUkDate(setup.generatedOn)}`);
    const centred = (text: string, font: FontName, size: number, y: number) => ({
      text,
      font,
      x: (doc.page.width - this.unitWidth(font, text) * size) / 2,
      y,
    });
    for (let index = range.start; index < range.start + range.count; index += 1) {
      doc.switchToPage(index);
      const { height } = doc.page;
      if (marking)
        this.textAt(
          [centred(marking, 'Helvetica-Bold', 9, 26), centred(marking, 'Helvetica-Bold', 9, height - 52)],
          9,
        );
      this.textAt(
        [centred(`${footer} · Page ${index + 1} of ${range.count}`, 'Helvetica', 7.5, height - 38)],
        7.5,
      );
      this.flushPage();
    }
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      doc.on('end', resolve);
      doc.on('error', reject);
    });
    doc.end();
    await ended;
    return Buffer.concat(chunks);
  }
}
