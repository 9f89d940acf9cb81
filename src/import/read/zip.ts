// Opens .docx and .xlsx containers safely: sizes checked before anything is inflated, only the parts asked for read.
import yauzl from 'yauzl';
import { ImportFileError, type ReadOptions } from '../source.js';

/** Above this ratio of expanded to compressed size an entry is treated as a zip bomb. */
const maxRatio = 200;

export interface ZipParts {
  names: string[];
  read(name: string): Promise<string | null>;
  readBytes(name: string): Promise<Buffer | null>;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function damaged(detail: string): ImportFileError {
  return new ImportFileError(`The file is damaged: it is not a complete .docx or .xlsx (${detail})`);
}

export async function openZip(
  bytes: Buffer,
  options: Pick<ReadOptions, 'maxExpandedBytes'>,
): Promise<ZipParts> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, file) => (error || !file ? reject(damaged(error?.message ?? 'unreadable')) : resolve(file)),
    ),
  );
  const entries = new Map<string, yauzl.Entry>();
  let declared = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > options.maxExpandedBytes) {
        zip.close();
        reject(
          new ImportFileError(
            `The file expands to more than ${megabytes(options.maxExpandedBytes)} when opened, which is more than Headway accepts; it may be damaged or built to cause harm`,
          ),
        );
        return;
      }
      if (
        entry.compressedSize > 0 &&
        entry.uncompressedSize / entry.compressedSize > maxRatio &&
        entry.uncompressedSize > 1_000_000
      ) {
        zip.close();
        reject(
          new ImportFileError(
            `The file contains a part that expands ${Math.round(entry.uncompressedSize / entry.compressedSize)} times when opened, which looks like a file built to cause harm`,
          ),
        );
        return;
      }
      entries.set(entry.fileName.replace(/\\/g, '/'), entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error: Error) => reject(damaged(error.message)));
    zip.readEntry();
  });

  const readBytes = (name: string): Promise<Buffer | null> => {
    const entry = entries.get(name);
    if (!entry) return Promise.resolve(null);
    return new Promise((resolve, reject) =>
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(damaged(error?.message ?? `cannot open ${name}`));
        const chunks: Buffer[] = [];
        let total = 0;
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          // yauzl checks sizes against the declared ones; this is a second fence.
          if (total > options.maxExpandedBytes) stream.destroy(damaged('a part is larger than it says'));
          else chunks.push(chunk);
        });
        stream.on('end', () => resolve(Buffer.concat(chunks)));
        stream.on('error', (streamError: Error) =>
          reject(streamError instanceof ImportFileError ? streamError : damaged(streamError.message)),
        );
      }),
    );
  };
  return {
    names: [...entries.keys()],
    readBytes,
    async read(name) {
      const content = await readBytes(name);
      return content === null ? null : content.toString('utf8');
    },
  };
}
