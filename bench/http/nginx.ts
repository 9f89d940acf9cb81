// nginx serving Headway's own response bytes from files: the most any server could do with those bytes here.
import { execFile, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface StaticBody {
  /** The path nginx answers on, e.g. /list500. */
  path: string;
  contentType: string;
  bytes: Buffer;
}

export interface StaticServer {
  url: string;
  stop(): Promise<void>;
}

export async function nginxPath(): Promise<string | undefined> {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    try {
      await run(candidate, ['-v']);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('No free port');
  return address.port;
}

/**
 * One worker process, as Headway is one process: the comparison is per process, on the same cores. Logging is off
 * and files are sent with sendfile, as a production nginx would send static files.
 */
export async function startNginx(
  binary: string,
  folder: string,
  bodies: StaticBody[],
): Promise<StaticServer> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'files'), { recursive: true });
  await mkdir(join(folder, 'temp'), { recursive: true });
  const locations: string[] = [];
  for (const [index, body] of bodies.entries()) {
    const file = join(folder, 'files', `body-${index}`);
    await writeFile(file, body.bytes);
    locations.push(`    location = ${body.path} { default_type "${body.contentType}"; alias ${file}; }`);
  }
  const port = await freePort();
  const conf = join(folder, 'nginx.conf');
  await writeFile(
    conf,
    [
      'worker_processes 1;',
      'daemon off;',
      'master_process on;',
      `pid ${join(folder, 'nginx.pid')};`,
      `error_log ${join(folder, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      '  sendfile on;',
      '  tcp_nopush on;',
      `  client_body_temp_path ${join(folder, 'temp')};`,
      `  proxy_temp_path ${join(folder, 'temp')};`,
      `  fastcgi_temp_path ${join(folder, 'temp')};`,
      `  uwsgi_temp_path ${join(folder, 'temp')};`,
      `  scgi_temp_path ${join(folder, 'temp')};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      ...locations,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  await run(binary, ['-t', '-c', conf, '-p', folder]);
  const child = spawn(binary, ['-c', conf, '-p', folder], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const answered = await fetch(url + bodies[0]!.path).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    if (tries > 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: see ${join(folder, 'error.log')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // QUIT: nginx's graceful stop, which ends its worker too.
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
