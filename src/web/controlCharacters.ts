// Text is checked once, at the edge: control characters and broken Unicode are refused here, before any route, so
// no handler, command or database ever sees them (PostgreSQL cannot store NUL; Word and Excel files cannot hold
// most of the others).
import type { Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidInputError } from '../errors.js';

/**
 * C0 controls but tab, line feed and carriage return; DEL; and the C1 controls. None is typed by a person: they come
 * from binary data, from text decoded with the wrong character set, or from someone probing.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's whole purpose
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Half of a surrogate pair with no other half: JSON can spell one (`"\\ud800"`), but it is not text. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const controlNames: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL',
  0x08: 'backspace',
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0x1b: 'ESC',
  0x7f: 'DEL',
};

function codePointLabel(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return controlNames[code] ? `${hex}, ${controlNames[code]}` : hex;
}

/** Where in a text a character is, as a person would look for it: a line and character once there are lines. */
function positionOf(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return line > 1 ? `line ${line}, character ${column}` : `character ${index + 1}`;
}

/** What is wrong with a text sent to Headway, or undefined when it may pass. */
export function textProblem(text: string): string | undefined {
  const match = controlCharacter.exec(text);
  if (match)
    return `contains a control character (${codePointLabel(match[0])}) at ${positionOf(text, match.index)}, which Headway does not accept: remove it and send again`;
  if (loneSurrogate.test(text))
    return 'contains a broken character (half of a surrogate pair), which is not Unicode text: send it as UTF-8';
  return undefined;
}

/** A field's name as written in an error: control characters in a name itself are shown as escapes. */
function shownName(name: string): string {
  return name.replace(
    new RegExp(controlCharacter.source, 'g'),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** The first bad text in a value (strings at any depth, and the names of fields too), with where it is. */
export function findTextProblem(
  value: unknown,
  path: string,
): { field: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path || 'body', problem } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, item] of entries) {
    const field = path ? `${path}.${shownName(key)}` : shownName(key);
    const nameProblem = textProblem(key);
    if (nameProblem) return { field, problem: `The field name ${nameProblem}` };
    const found = findTextProblem(item, field);
    if (found) return found;
  }
  return undefined;
}

function refusal(field: string, problem: string, where: string): InvalidInputError {
  const message = problem.startsWith('The field name') ? problem : `${where} ${problem}`;
  return new InvalidInputError(
    { [field]: message },
    `Nothing was changed. ${message}. If you typed or pasted this, go back: your browser keeps what you typed.`,
  );
}

/** Throws the refusal for the first bad text in a part of the request. */
function check(value: unknown, describe: (field: string) => string, prefix = ''): void {
  const found = findTextProblem(value, prefix);
  if (found) throw refusal(found.field, found.problem, describe(found.field));
}

/** The address, its query and the cookies: all known before a route's access is decided, so checked first. */
function checkAddress(request: FastifyRequest): void {
  check(request.params, (field) => `The address (${field === '*' ? 'its path' : field})`);
  const path = request.url.split('?')[0] ?? '';
  let decodedPath: string | undefined;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    // A malformed escape is the router's to refuse; there is no text here to check.
  }
  if (decodedPath !== undefined) check(decodedPath, () => 'The address', 'address');
  check(request.query, (field) => `The address's query parameter "${field}"`);
  check(request.cookies, (field) => `The cookie "${field}"`);
}

/**
 * A multipart form's parts as its handler reads them, each text field and file name checked as it arrives. A bad one
 * stops the form: the rest of it is read and dropped first, so the connection is left ready for the next request.
 */
export async function* checkedParts(
  parts: AsyncIterableIterator<Multipart>,
): AsyncGenerator<Multipart, void, undefined> {
  for await (const part of parts) {
    const problem =
      findTextProblem(part.fieldname, '') ??
      (part.type === 'field'
        ? findTextProblem(typeof part.value === 'string' ? part.value : '', part.fieldname)
        : findTextProblem(part.filename, part.fieldname));
    if (!problem) {
      yield part;
      continue;
    }
    const what =
      part.type === 'file' ? `The name of the file chosen in "${problem.field}"` : `"${problem.field}"`;
    if (part.type === 'file') part.file.resume();
    for await (const rest of parts) if (rest.type === 'file') rest.file.resume();
    throw refusal(problem.field, problem.problem, what);
  }
}

/** JSON is UTF-8 (RFC 8259): invalid bytes are refused, not quietly replaced with U+FFFD. */
function strictUtf8(bytes: Buffer): string | Error {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Object.assign(new Error('The JSON body is not valid UTF-8: send the text encoded as UTF-8'), {
      statusCode: 400,
    });
  }
}

export const setUpTextChecks = fp(async (app: FastifyInstance) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset=("?)([^";]+)\1/i.exec(request.headers['content-type'] ?? '')?.[2];
    if (charset && !/^utf-?8$/i.test(charset.trim()))
      return done(
        Object.assign(new Error(`JSON must be sent as UTF-8, not ${charset}`), { statusCode: 415 }),
        undefined,
      );
    const text = strictUtf8(body as Buffer);
    if (text instanceof Error) return done(text, undefined);
    return parseJson(request, text, done);
  });
  // Before the access check, which looks the address's plan up in the database.
  app.addHook('onRequest', async (request) => {
    checkAddress(request);
  });
  // After the body is parsed and before anything reads it: the CSRF check, the schema, the handler.
  app.addHook('preValidation', async (request) => {
    check(request.body, (field) => (field ? `"${field}"` : 'The text sent'));
  });
});
