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

function partTooLarge(name: string, maxPartBytes: number, expandsTo?: number): ImportFileError {
  const size = expandsTo === undefined ? 'more than that' : megabytes(expandsTo);
  return new ImportFileError(
    `The file's part ${name} expands to ${size} when opened, more than the ${megabytes(maxPartBytes)} Headway reads from one part; it may be damaged or built to cause harm`,
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

/** What may still be inflated: the parts read so far count against the whole file's limit. */
interface Budget {
  left: number;
}

function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  limits: ZipLimits,
  budget: Budget,
): Promise<Buffer> {
  const name = entry.fileName.replace(/\\/g, '/');
  // Refused before anything is inflated: the declared size is checked again while inflating (yauzl and below).
  if (entry.uncompressedSize > limits.maxPartBytes)
    return Promise.reject(partTooLarge(name, limits.maxPartBytes, entry.uncompressedSize));
  if (entry.uncompressedSize > budget.left) return Promise.reject(tooLarge(limits.maxExpandedBytes));
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(damaged(error?.message ?? `cannot open ${entry.fileName}`));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        budget.left -= chunk.length;
        // yauzl checks each part against its declared size; these are second fences.
        if (total > limits.maxPartBytes) stream.destroy(partTooLarge(name, limits.maxPartBytes));
        else if (budget.left < 0) stream.destroy(tooLarge(limits.maxExpandedBytes));
        else chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', (streamError: Error) =>
        reject(streamError instanceof ImportFileError ? streamError : damaged(streamError.message)),
      );
    }),
  );
}

type ZipLimits = Pick<ReadOptions, 'maxExpandedBytes' | 'maxPartBytes'>;

/**
 * Opens a container, refusing it when its parts' declared sizes add up to more than `maxExpandedBytes`; each part
 * read is refused above `maxPartBytes` (by default the whole limit), and all the parts read together above
 * `maxExpandedBytes`, however their sizes were declared.
 */
export async function openZip(
  bytes: Buffer,
  options: Pick<ReadOptions, 'maxExpandedBytes'> & Partial<ZipLimits>,
): Promise<ZipParts> {
  const limits: ZipLimits = {
    maxExpandedBytes: options.maxExpandedBytes,
    maxPartBytes: Math.min(options.maxPartBytes ?? options.maxExpandedBytes, options.maxExpandedBytes),
  };
  const zip = await openArchive(bytes);
  const entries = await listEntries(zip, limits.maxExpandedBytes);
  const budget: Budget = { left: limits.maxExpandedBytes };
  const readBytes = async (name: string): Promise<Buffer | null> => {
    const entry = entries.get(name);
    return entry ? readEntry(zip, entry, limits, budget) : null;
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
