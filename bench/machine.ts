// One line describing the machine a benchmark ran on, since figures mean little without it.
import os from 'node:os';

export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  const memory = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${os.type()} ${os.release()} (${os.arch()}), ${cpus.length} × ${model}, ${memory} GiB memory, Node ${process.version}`;
}
