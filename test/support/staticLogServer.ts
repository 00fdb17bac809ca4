import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/** A running static file server: its base URL, and how to stop it. */
export interface StaticLogServer {
  readonly url: string;
  /** Answers every request with this status from now on (a broken server), or serves files again with null. */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

/**
 * Serves `root` as static files over HTTP on a free local port, as a log's tiles are served
 * from any web server or bucket: 200 with the bytes, 404 for a missing file. `prefix` is
 * the URL path the files appear under (`/logs/writ/`, say).
 */
export async function startStaticLogServer(root: string, prefix = '/'): Promise<StaticLogServer> {
  let failing: number | null = null;
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (failing !== null) return void response.writeHead(failing).end();
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (!path.startsWith(prefix)) return void response.writeHead(404).end();
      const file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(normalize(root) + sep)) return void response.writeHead(404).end();
      try {
        const data = await readFile(file);
        response.writeHead(200, { 'content-length': data.length }).end(data);
      } catch {
        response.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    failWith(status) {
      failing = status;
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
