import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fsProblem } from './fsProblem.js';

/** The demo host's page, served. */
export interface DemoServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Where to serve the demo page from, and on which loopback port. */
export interface ServeDemoOptions {
  /** The built page (`apps/demo-host/dist`): it must hold an `index.html`. */
  root: string;
  host?: string;
  /** 0 (default): a free port. */
  port?: number;
}

/** The command that builds the page, for the reason a missing one gives. */
export const BUILD_DEMO_COMMAND = 'npm run build --workspace @trainwire/demo-host';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file under `root` a request path names, or undefined when it would leave `root`. */
function fileFor(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..') return undefined;
  return file;
}

/**
 * Serves the built demo host (`apps/demo-host/dist`) with node's `http` module: GET and
 * HEAD of the files under `root`, nothing outside it, no directory listings. Resolves with
 * the server, or with a sentence saying why it cannot (the page is not built, the folder
 * cannot be read, the port is taken); it never rejects, so `up` keeps running without it.
 */
export async function serveDemo(options: ServeDemoOptions): Promise<DemoServer | string> {
  const root = resolve(options.root);
  const index = join(root, 'index.html');
  const found = await stat(index).then(
    (s) => (s.isFile() ? undefined : `${index} is not a file`),
    (error: unknown) =>
      (error as { code?: unknown }).code === 'ENOENT'
        ? `the demo page is not built (no ${index}): run \`${BUILD_DEMO_COMMAND}\` and start again`
        : `cannot read the demo page at ${index}: ${fsProblem(error)}`,
  );
  if (found !== undefined) return found;
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(405, 'only GET and HEAD\n');
      return;
    }
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = fileFor(root, pathname);
    if (file === undefined) {
      send(404, 'not found\n');
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      () => send(404, 'not found\n'),
    );
  });
  const host = options.host ?? '127.0.0.1';
  const listening = await new Promise<string | undefined>((done) => {
    server.once('error', (error) =>
      done(`cannot serve the demo page on ${host}:${options.port ?? 0}: ${fsProblem(error)}`),
    );
    server.listen(options.port ?? 0, host, () => done(undefined));
  });
  if (listening !== undefined) return listening;
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
