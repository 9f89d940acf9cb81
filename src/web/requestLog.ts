// What the server writes to its log: one line per request (not Fastify's two, "incoming" and "completed"), as JSON
// for log collectors or as short text for a person watching the terminal, where `npm start` has just printed how to
// sign in.
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/** Logs each request once, when it is answered: method, address, status and time taken. */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const fields = {
      req: { method: request.method, url: request.url },
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/** A pino line as text: "14:05:09 GET /plans 200 12 ms", or "14:05:09 error request failed" and the error's stack. */
export function logLineAsText(json: string): string | undefined {
  let line: LogLine;
  try {
    line = JSON.parse(json) as LogLine;
  } catch {
    return json.trimEnd();
  }
  // The banner that follows the start names the address; the same line from Fastify would only push it up.
  if (line.msg?.startsWith('Server listening at ')) return undefined;
  const time = new Date(line.time ?? Date.now()).toTimeString().slice(0, 8);
  const level =
    line.level !== undefined && line.level !== 30 ? ` ${levelNames[line.level] ?? line.level}` : '';
  const request =
    line.req?.method && line.res?.statusCode !== undefined
      ? ` ${line.req.method} ${line.req.url} ${line.res.statusCode}${line.responseTime !== undefined ? ` ${line.responseTime} ms` : ''}`
      : '';
  const message = request && line.msg === 'request completed' ? '' : ` ${line.msg ?? ''}`;
  const error = line.err ? `\n${line.err.stack ?? line.err.message ?? ''}` : '';
  return `${time}${level}${request}${message}${error}`;
}

/** The server's logger: pino at LOG_LEVEL, written as it happens so that the start-up banner is always printed last. */
export function serverLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  out: NodeJS.WritableStream = process.stdout,
) {
  const stream = {
    write(chunk: string) {
      if (config.logFormat === 'json') {
        out.write(chunk);
        return;
      }
      const text = logLineAsText(chunk);
      if (text !== undefined) out.write(`${text}\n`);
    },
  };
  return { level: config.logLevel, stream } satisfies FastifyServerOptions['logger'];
}
