// Word files that are small but expand a lot when opened (about 38 times), for tests of the importer's limits.
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { finishZip } from './zipFiles.js';

/** Paragraphs of one made-up word each, as Word writes them: about 200 bytes that deflate about 38 times. */
function* documentXml(targetBytes: number): Generator<Buffer> {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const words = Array.from({ length: 4000 }, (_, i) =>
    ((i * 2654435761) >>> 0).toString(36).slice(0, 3 + (i % 6)),
  );
  yield Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
  );
  let written = 0;
  while (written < targetBytes) {
    let chunk = '';
    for (let i = 0; i < 5000; i++)
      chunk += `<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:sz w:val="22"/></w:rPr><w:t xml:space="preserve">${words[Math.floor(random() * words.length)]} </w:t></w:r></w:p>`;
    written += chunk.length;
    yield Buffer.from(chunk);
  }
  yield Buffer.from('</w:body></w:document>');
}

/** A .docx whose document.xml expands about 38 times, to `bytes`: under the 200-times zip-bomb ratio. */
export function expandingDocx(bytes: number): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  archive.addBuffer(
    Buffer.from(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '[Content_Types].xml',
  );
  archive.addReadStream(Readable.from(documentXml(bytes)), 'word/document.xml');
  return finishZip(archive);
}
