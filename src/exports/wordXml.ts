// WordprocessingML written as text, for the one part of a Word file that is large: the action-plan table of a long
// plan. The docx library builds an object for every table, row, cell, paragraph, run and property and then turns each
// into XML; for 500 actions and 5,000 updates that was most of the export's time. Here the same elements are written
// straight out, and spliced into a document that the library builds (styles, page set-up, header and footer).
import { Paragraph, TextRun, Packer, type Document } from 'docx';
import { openZip } from '../import/read/zip.js';
import { indentStep, richTextParagraphs, type RichRun } from './richTextToWord.js';
import { writeZip } from './zipWriter.js';

export function escapeXml(text: string): string {
  // Control characters other than tab and line ends cannot be in XML at all; docx drops them too.
  // eslint-disable-next-line no-control-regex -- those characters are what this removes
  return text.replace(/[&<>"\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '',
  );
}

export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  underline?: boolean;
  /** Half-points. */
  size?: number;
  /** A character style, such as Hyperlink. */
  style?: string;
}

function runProperties(style: RunStyle): string {
  // Elements in the order the schema gives them.
  const parts = [
    style.style ? `<w:rStyle w:val="${style.style}"/>` : '',
    style.bold ? '<w:b/><w:bCs/>' : '',
    style.italics ? '<w:i/><w:iCs/>' : '',
    style.size ? `<w:sz w:val="${style.size}"/><w:szCs w:val="${style.size}"/>` : '',
    style.underline ? '<w:u w:val="single"/>' : '',
  ].join('');
  return parts ? `<w:rPr>${parts}</w:rPr>` : '';
}

export function runXml(text: string, style: RunStyle = {}): string {
  return `<w:r>${runProperties(style)}<w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`;
}

export interface ParagraphStyle {
  keepNext?: boolean;
  /** Twentieths of a point above. */
  spaceBefore?: number;
  numbering?: { numId: number; level: number };
  /** Twentieths of a point from the left. */
  indent?: number;
  /** The paragraph mark's run style: a list's number or bullet takes it. */
  mark?: RunStyle;
}

export function paragraphXml(runs: string, style: ParagraphStyle = {}): string {
  const properties = [
    style.keepNext ? '<w:keepNext/>' : '',
    style.numbering
      ? `<w:numPr><w:ilvl w:val="${style.numbering.level}"/><w:numId w:val="${style.numbering.numId}"/></w:numPr>`
      : '',
    style.spaceBefore ? `<w:spacing w:before="${style.spaceBefore}"/>` : '',
    style.indent ? `<w:ind w:left="${style.indent}"/>` : '',
    style.mark ? runProperties(style.mark) : '',
  ].join('');
  return `<w:p>${properties ? `<w:pPr>${properties}</w:pPr>` : ''}${runs}</w:p>`;
}

export interface CellStyle {
  /** Twentieths of a point. */
  width: number;
  span?: number;
  merge?: 'restart' | 'continue';
  /** Background colour, hex without the #. */
  fill?: string;
}

export function cellXml(paragraphs: string, style: CellStyle): string {
  return (
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${style.width}"/>` +
    (style.span ? `<w:gridSpan w:val="${style.span}"/>` : '') +
    (style.merge ? `<w:vMerge w:val="${style.merge}"/>` : '') +
    (style.fill ? `<w:shd w:fill="${style.fill}" w:color="auto" w:val="clear"/>` : '') +
    `</w:tcPr>${paragraphs}</w:tc>`
  );
}

export function rowXml(cells: string, options: { header?: boolean; cantSplit?: boolean } = {}): string {
  const properties = (options.cantSplit ? '<w:cantSplit/>' : '') + (options.header ? '<w:tblHeader/>' : '');
  return `<w:tr>${properties ? `<w:trPr>${properties}</w:trPr>` : ''}${cells}</w:tr>`;
}

const border = 'w:val="single" w:color="auto" w:sz="4"';

/** A fixed-layout table with single borders, as the library's Table writes by default. */
export function tableXml(rows: string, widths: number[]): string {
  const total = widths.reduce((a, b) => a + b, 0);
  return (
    `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${total}"/><w:tblBorders>` +
    ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
      .map((side) => `<w:${side} ${border}/>`)
      .join('') +
    `</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>` +
    widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('') +
    `</w:tblGrid>${rows}</w:tbl>`
  );
}

/** What the written XML refers to outside document.xml: links (relationships) and lists (numbering). */
export class WordXmlParts {
  readonly links: string[] = [];
  /** numIds of the numbered lists, by the rich text's list instance; bullets are numId 1. */
  readonly numberedLists = new Map<number, number>();
  bullets = false;

  linkId(href: string): string {
    let index = this.links.indexOf(href);
    if (index < 0) index = this.links.push(href) - 1;
    return `rIdHeadwayLink${index + 1}`;
  }

  numId(kind: 'ul' | 'ol', instance: number): number {
    if (kind === 'ul') {
      this.bullets = true;
      return 1;
    }
    let id = this.numberedLists.get(instance);
    if (id === undefined) this.numberedLists.set(instance, (id = this.numberedLists.size + 2));
    return id;
  }
}

function richRunXml(run: RichRun, size: number, parts: WordXmlParts): string {
  if (run.lineBreak) return `<w:r>${runProperties({ size })}<w:br/></w:r>`;
  const xml = runXml(run.text, {
    bold: run.bold,
    italics: run.italics,
    underline: run.underline,
    size,
    style: run.href ? 'Hyperlink' : undefined,
  });
  return run.href ? `<w:hyperlink r:id="${parts.linkId(run.href)}" w:history="1">${xml}</w:hyperlink>` : xml;
}

/** Rich text as Word paragraphs, as `richTextToWord` makes them; an empty value gives one empty paragraph. */
export function richTextToWordXml(html: string, size: number, parts: WordXmlParts): string {
  const paragraphs = richTextParagraphs(html).map(({ runs, list }) => {
    const xml = runs.map((r) => richRunXml(r, size, parts)).join('');
    if (!list) return paragraphXml(xml);
    if (!list.marked) return paragraphXml(xml, { indent: indentStep * (list.level + 1) });
    return paragraphXml(xml, {
      numbering: { numId: parts.numId(list.kind, list.instance), level: list.level },
      mark: { size },
    });
  });
  return paragraphs.length > 0 ? paragraphs.join('') : paragraphXml('');
}

function listLevelsXml(format: (level: number) => string, text: (level: number) => string): string {
  return Array.from(
    { length: 9 },
    (_, level) =>
      `<w:lvl w:ilvl="${level}"><w:start w:val="1"/><w:numFmt w:val="${format(level)}"/>` +
      `<w:lvlText w:val="${text(level)}"/><w:lvlJc w:val="left"/>` +
      `<w:pPr><w:ind w:left="${indentStep * (level + 1)}" w:hanging="${indentStep}"/></w:pPr></w:lvl>`,
  ).join('');
}

/** The lists the table uses, as the rich-text lists of the library-built documents define them. */
function numberingXml(libraryNumbering: string, parts: WordXmlParts): string {
  const root = libraryNumbering.slice(
    0,
    libraryNumbering.indexOf('>', libraryNumbering.indexOf('<w:numbering')) + 1,
  );
  const bullets = listLevelsXml(
    () => 'bullet',
    (level) => ['\u2022', '\u25e6', '\u25aa'][level % 3]!,
  );
  const numbers = listLevelsXml(
    (level) => ['decimal', 'lowerLetter', 'lowerRoman'][level % 3]!,
    (level) => `%${level + 1}.`,
  );
  return (
    `${root}<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>${bullets}</w:abstractNum>` +
    `<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="hybridMultilevel"/>${numbers}</w:abstractNum>` +
    `<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>` +
    [...parts.numberedLists.values()]
      .map(
        (numId) =>
          `<w:num w:numId="${numId}"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`,
      )
      .join('') +
    '</w:numbering>'
  );
}

/** A paragraph to build the document around, replaced by the written XML. */
const placeholder = 'HEADWAY-WRITTEN-XML-GOES-HERE';
export const bodyPlaceholder = () => new Paragraph({ children: [new TextRun(placeholder)] });

/**
 * The library's Word file for `document`, with the paragraph made by `bodyPlaceholder` replaced by `bodyXml`, and the
 * links and lists that XML uses added to its relationships and numbering.
 */
export async function docxWithWrittenBody(
  document: Document,
  bodyXml: string,
  parts: WordXmlParts,
): Promise<Buffer> {
  const shell = await Packer.toBuffer(document);
  const zip = await openZip(shell, { maxExpandedBytes: 50_000_000 });
  const files: { path: string; data: string | Uint8Array }[] = [];
  for (const path of zip.names) {
    const bytes = (await zip.readBytes(path))!;
    if (path === 'word/document.xml') {
      const xml = bytes.toString('utf8');
      const at = xml.indexOf(placeholder);
      const start = xml.lastIndexOf('<w:p>', at);
      const end = xml.indexOf('</w:p>', at) + '</w:p>'.length;
      files.push({ path, data: xml.slice(0, start) + bodyXml + xml.slice(end) });
    } else if (path === 'word/_rels/document.xml.rels' && parts.links.length > 0) {
      const links = parts.links
        .map(
          (href, i) =>
            `<Relationship Id="rIdHeadwayLink${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="${escapeXml(href)}" TargetMode="External"/>`,
        )
        .join('');
      files.push({
        path,
        data: bytes.toString('utf8').replace('</Relationships>', `${links}</Relationships>`),
      });
    } else if (path === 'word/numbering.xml' && (parts.bullets || parts.numberedLists.size > 0)) {
      files.push({ path, data: numberingXml(bytes.toString('utf8'), parts) });
    } else files.push({ path, data: bytes });
  }
  return writeZip(files);
}
