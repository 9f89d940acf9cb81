// Starts a benchmark's server process, waits for the line that says it is ready, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** What the ready line's first group captured (a port, an address). */
  ready: string;
  output(): string;
  stop(): Promise<void>;
}

export function startChild(
  command: string,
  args: string[],
  readyLine: RegExp,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 120_000,
): Promise<Child> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not start within ${timeoutMs} ms:\n${printed}`));
    }, timeoutMs);
    const look = (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const match = readyLine.exec(printed);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        process: child,
        ready: match[1] ?? '',
        output: () => printed,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(force);
        },
      });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${printed}`));
    });
  });
}
