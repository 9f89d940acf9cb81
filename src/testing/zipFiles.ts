// Builds zip archives in tests (Word and Excel files are zips), for damaged and hostile files made on purpose.
import yazl from 'yazl';

export function zipFiles(files: Record<string, string | Buffer> | Map<string, Buffer>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  const entries = files instanceof Map ? [...files] : Object.entries(files);
  for (const [name, content] of entries)
    archive.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  return finishZip(archive);
}

/** Ends an archive whose entries have been added and gives its bytes. */
export function finishZip(archive: yazl.ZipFile): Promise<Buffer> {
  archive.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    archive.outputStream.on('error', reject);
  });
}
