// Reads a PDF as a reader would check it: the words of each page and where they sit (poppler's pdftotext), and
// converts Word files to PDF with LibreOffice, for the tests that look at printed pages.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** In CI the office tools must be there: a missing tool fails the run instead of skipping the visual checks. */
export const officeRequired = process.env.HEADWAY_REQUIRE_OFFICE === '1';

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/bin').split(':').some((dir) => existsSync(join(dir, tool)));
}

/**
 * Why the tools a visual check needs cannot be used here, or null when they can. With HEADWAY_REQUIRE_OFFICE=1 a
 * missing tool is an error.
 */
export function missingTools(tools: ('pdftotext' | 'soffice')[]): string | null {
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) return null;
  const packages = missing.map((tool) => (tool === 'soffice' ? 'libreoffice-writer-nogui' : 'poppler-utils'));
  const reason = `${missing.join(' and ')} not installed (Debian: apt-get install ${packages.join(' ')})`;
  if (officeRequired) throw new Error(`HEADWAY_REQUIRE_OFFICE=1 but ${reason}`);
  return reason;
}

export interface PdfWord {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface PdfPage {
  width: number;
  height: number;
  words: PdfWord[];
  /** The page's words in reading order, separated by single spaces. */
  text: string;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

/** The pages of a PDF file with each word's box, from `pdftotext -bbox-layout`. */
export async function readPdfPages(file: string): Promise<PdfPage[]> {
  const { stdout } = await run('pdftotext', ['-bbox-layout', file, '-'], { maxBuffer: 256 * 1024 * 1024 });
  return [...stdout.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((page) => {
    const words = [
      ...page[3]!.matchAll(
        /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
      ),
    ].map((word) => ({
      xMin: Number(word[1]),
      yMin: Number(word[2]),
      xMax: Number(word[3]),
      yMax: Number(word[4]),
      text: comparable(decodeXml(word[5]!)),
    }));
    return {
      width: Number(page[1]),
      height: Number(page[2]),
      words,
      text: words.map((w) => w.text).join(' '),
    };
  });
}

/** Text compared as a reader compares it: runs of spaces as one, curly quotes as straight ones. */
export function comparable(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether the page shows `text` as a reader follows it: word after word along a line, and on to the start of the next
 * line in the same place, as words wrap in a table cell. Reading order alone cannot tell: a tool reading across a
 * table runs the first line of one cell into the first line of the next. With the pages that follow, a row that
 * breaks across a page is followed to the top of its column on the next page, under the repeated header.
 */
export function pageShows(page: PdfPage, text: string, following: PdfPage[] = []): boolean {
  const wanted = comparable(text).split(' ');
  return page.words.some((first) => {
    if (first.text !== wanted[0]) return false;
    let current = first;
    let on = page;
    let nextPages = following;
    for (const word of wanted.slice(1)) {
      const height = current.yMax - current.yMin;
      const onLine = on.words
        .filter(
          (w) =>
            Math.abs(w.yMin - current.yMin) < 1 &&
            w.xMin > current.xMax - 0.5 &&
            w.xMin - current.xMax < height,
        )
        .sort((a, b) => a.xMin - b.xMin)[0];
      const nextLine = on.words
        .filter(
          (w) =>
            w.yMin > current.yMin + 1 &&
            w.yMin < current.yMin + 2.5 * height &&
            Math.abs(w.xMin - first.xMin) < 2,
        )
        .sort((a, b) => a.yMin - b.yMin)[0];
      let next = [onLine, nextLine].find((w) => w?.text === word);
      if (!next && !nextLine && nextPages[0]) {
        next = nextPages[0].words
          .filter((w) => Math.abs(w.xMin - first.xMin) < 2)
          .sort((a, b) => a.yMin - b.yMin)
          .slice(0, 4)
          .find((w) => w.text === word);
        if (next) [on, ...nextPages] = nextPages;
      }
      if (!next) return false;
      current = next;
    }
    return true;
  });
}

/** Points between the page's edge and the nearest word that a page within its 1.5 cm margins keeps clear. */
export const clearOfEdge = 28;

/**
 * What a board member would find wrong with the pages: words (a section, a deliverable) that are missing, a page
 * without the marking at its top and bottom, and words past the page's side margins, which is where a table wider
 * than the page puts them. The documents have 1.5 cm (42.5 pt) margins; a word within 1 cm (28 pt) of an edge, or
 * off the page, is on a table that does not fit.
 */
export function problemsWithPages(
  pages: PdfPage[],
  expected: { texts: string[]; marking: string },
): string[] {
  const problems: string[] = [];
  if (pages.length === 0) return ['the PDF has no pages'];
  for (const text of expected.texts)
    if (!pages.some((page, index) => pageShows(page, text, pages.slice(index + 1, index + 2))))
      problems.push(`"${text}" is not in the PDF`);
  pages.forEach((page, index) => {
    const where = `page ${index + 1} of ${pages.length}`;
    if (expected.marking) {
      const marking = comparable(expected.marking);
      const text = comparable(page.text);
      if (!text.startsWith(marking)) problems.push(`${where} does not start with the marking`);
      const count = text.split(marking).length - 1;
      if (count < 2) problems.push(`${where} has the marking ${count} time(s), not at top and bottom`);
    }
    const outside = page.words.filter((w) => w.xMin < clearOfEdge || w.xMax > page.width - clearOfEdge);
    if (outside.length > 0)
      problems.push(
        `${where}: ${outside.length} words run past the margin, e.g. "${outside[0]!.text}" at x ${outside[0]!.xMin}–${outside[0]!.xMax} of ${page.width}`,
      );
  });
  return problems;
}

/**
 * Word files converted to PDF by LibreOffice in one run (its start-up is most of the time), with a profile of its
 * own so that test runs side by side do not share one. Gives the PDF files' paths, in the order given, to `use`.
 */
export async function withLibreOfficePdfs<T>(
  files: { name: string; bytes: Buffer }[],
  use: (pdfs: string[]) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'headway-office-'));
  const inputs = files.map((file) => join(dir, `${file.name}.docx`));
  await Promise.all(files.map((file, i) => writeFile(inputs[i]!, file.bytes)));
  // A failed conversion leaves no PDF behind, which the check below reports.
  await run(
    'soffice',
    [
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--headless',
      '--norestore',
      '--convert-to',
      'pdf',
      '--outdir',
      dir,
      ...inputs,
    ],
    { timeout: 180_000 },
  );
  try {
    const outputs = files.map((file) => join(dir, `${file.name}.pdf`));
    for (const output of outputs)
      if (!existsSync(output)) throw new Error(`LibreOffice did not write ${output}`);
    return await use(outputs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes a PDF made in memory to a temporary file for pdftotext, removed afterwards. */
export async function withPdfFile<T>(bytes: Buffer, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'headway-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    await writeFile(file, bytes);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
