import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real `redis-server` on a free loopback port, without persistence, in a temp dir. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts Debian's `redis-server` (scripts/ensure-redis.sh installs it) for one test file;
 * `stop` ends that process (this one only) and removes its directory.
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = await ready(child, port);
    if (started === true) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: async () => {
          if (child.exitCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    // Someone took the port between the probe and the start: try another one.
    if (attempt < 3 && /in use/i.test(started)) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `redis-server did not start (${started}); install it with scripts/ensure-redis.sh (Debian's redis-server package)`,
    );
  }
}

/** True once it accepts connections; the reason otherwise. */
function ready(child: ChildProcess, port: number): Promise<true | string> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(
      () => resolve(`no answer on port ${port} after 10 s: ${output}`),
      10_000,
    );
    const done = (value: true | string) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.once('error', (error) => done(String(error)));
    child.once('exit', (code) => done(`exited with ${code}: ${output}`));
    const poll = async () => {
      const { connect } = await import('node:net');
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.write('PING\r\n');
        socket.once('data', (data) => {
          socket.destroy();
          if (String(data).startsWith('+PONG')) done(true);
          else setTimeout(poll, 20);
        });
      });
      socket.once('error', () => {
        socket.destroy();
        if (child.exitCode === null) setTimeout(poll, 20);
      });
    };
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    void poll();
  });
}
