// Opens .docx and .xlsx containers safely: sizes checked before anything is inflated, only the parts asked for read.
import yauzl from 'yauzl';
import { ImportFileError, type ReadOptions } from '../source.js';

/** Above this ratio of expanded to compressed size, a part larger than `ratioFloor` is treated as a zip bomb. */
const maxRatio = 200;
/** Small parts of real files (repeated styles, empty sheets) can compress very well; their ratio says nothing. */
const ratioFloor = 1_000_000;

export interface ZipParts {
  /** Every part's name, with forward slashes. */
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

function tooLarge(maxExpandedBytes: number): ImportFileError {
  return new ImportFileError(
    `The file expands to more than ${megabytes(maxExpandedBytes)} when opened, which is more than Headway accepts; it may be damaged or built to cause harm`,
  );
}

function bomb(entry: yauzl.Entry): ImportFileError | null {
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize <= ratioFloor || ratio <= maxRatio) return null;
  return new ImportFileError(
    `The file contains a part that expands ${Math.round(ratio)} times when opened, which looks like a file built to cause harm`,
  );
}

function openArchive(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, file) => (error || !file ? reject(damaged(error?.message ?? 'unreadable')) : resolve(file)),
    ),
  );
}

/** The archive's entries by name, refused when their declared sizes add up to too much or one is a bomb. */
function listEntries(zip: yauzl.ZipFile, maxExpandedBytes: number): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  let declared = 0;
  return new Promise((resolve, reject) => {
    const refuse = (error: ImportFileError) => {
      zip.close();
      reject(error);
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > maxExpandedBytes) return refuse(tooLarge(maxExpandedBytes));
      const refusal = bomb(entry);
      if (refusal) return refuse(refusal);
      entries.set(entry.fileName.replace(/\\/g, '/'), entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(damaged(error.message)));
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxExpandedBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(damaged(error?.message ?? `cannot open ${entry.fileName}`));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        // yauzl checks each part against its declared size; this is a second fence.
        if (total > maxExpandedBytes) stream.destroy(tooLarge(maxExpandedBytes));
        else chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', (streamError: Error) =>
        reject(streamError instanceof ImportFileError ? streamError : damaged(streamError.message)),
      );
    }),
  );
}

export async function openZip(
  bytes: Buffer,
  options: Pick<ReadOptions, 'maxExpandedBytes'>,
): Promise<ZipParts> {
  const zip = await openArchive(bytes);
  const entries = await listEntries(zip, options.maxExpandedBytes);
  const readBytes = async (name: string): Promise<Buffer | null> => {
    const entry = entries.get(name);
    return entry ? readEntry(zip, entry, options.maxExpandedBytes) : null;
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
