// A real SMTP server on loopback for tests (the smtp-server package): it keeps every message it accepts, parsed, so a
// test reads what a person's mailbox would receive. It can refuse recipients and hold a message's DATA unanswered.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  /** The envelope's recipients, as RCPT TO gave them. */
  recipients: string[];
  /** The raw message as it arrived. */
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:PORT, for HEADWAY_SMTP_URL. */
  url: string;
  /** The messages accepted so far, in order (a held or dropped message is not accepted). */
  received: ReceivedMessage[];
  /** Resolves once `count` messages have been accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Recipients the server refuses with "550 5.1.1 No such mailbox". */
  refuse?: (address: string) => boolean;
  /**
   * Told of each message's DATA before it is answered; return true to leave it unanswered (the sender waits for the
   * server's acknowledgement, as it would for a slow server) until the connection closes.
   */
  hold?: (raw: string, session: SMTPServerSession) => boolean;
}

function readAll(stream: SMTPServerDataStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

export async function startTestSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMessage[] = [];
  const waiting: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const refusal = Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 });
        return callback(refusal);
      }
      callback();
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (options.hold?.(raw, session)) return; // never answered: the client waits, or dies waiting
          received.push({
            recipients: session.envelope.rcptTo.map((to) => to.address),
            raw,
            parsed: await simpleParser(raw),
          });
          callback();
          for (const wake of waiting.splice(0)) wake();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', () => {}); // a client killed mid-message is expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`The SMTP server received ${received.length} messages, not ${count}`);
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
