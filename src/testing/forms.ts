// Form posts as a browser sends them from a Headway page: the fields, the CSRF token and the cookie it belongs to.
import Tokens from '@fastify/csrf';
import { csrfFieldName, csrfSecretCookie } from '../web/csrf.js';

const tokens = Tokens();

/** One browser's CSRF cookie and a token made from it. */
export interface BrowserCsrf {
  cookie: string;
  token: string;
}

export function browserCsrf(): BrowserCsrf {
  const secret = tokens.secretSync();
  return { cookie: `${csrfSecretCookie}=${secret}`, token: tokens.create(secret) };
}

const sameBrowser = browserCsrf();

/** A urlencoded form post carrying a valid token (or the one given, to test refusals). */
export function form(
  fields: Record<string, string | string[]>,
  csrf: Partial<BrowserCsrf> | null = sameBrowser,
): { payload: string; headers: Record<string, string> } {
  const params = new URLSearchParams();
  if (csrf?.token !== undefined) params.append(csrfFieldName, csrf.token);
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  return {
    payload: params.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(csrf?.cookie ? { cookie: csrf.cookie } : {}),
    },
  };
}

export interface FilePart {
  name: string;
  bytes: Buffer;
}

const boundary = '----HeadwayTestBoundary7MA4YWxkTrZu0gW';

/** A multipart/form-data body in the order a browser sends the import form: the token, text fields, then files. */
export function multipartForm(
  fields: Record<string, string>,
  files: FilePart[] = [],
  csrf: Partial<BrowserCsrf> | null = sameBrowser,
): { payload: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  const all = csrf?.token !== undefined ? { [csrfFieldName]: csrf.token, ...fields } : fields;
  for (const [name, value] of Object.entries(all))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  for (const file of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(csrf?.cookie ? { cookie: csrf.cookie } : {}),
    },
  };
}
