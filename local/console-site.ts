import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { type ConsoleConfig, consoleHeaderLines, consolePath } from '../console/site.ts';

// The operations console on the local gateway, as CloudFront serves it in AWS: the built files
// under /console/, config.json beside them, the same security headers.

export interface ConsoleSite {
  /** The built console (console/site.ts buildConsole). */
  dir: string;
  config: ConsoleConfig;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Whether the path is the console's; answers it when it is. */
export function isConsolePath(pathname: string): boolean {
  return pathname === consolePath.slice(0, -1) || pathname.startsWith(consolePath);
}

export async function serveConsole(res: ServerResponse, method: string, pathname: string, site: ConsoleSite) {
  const headers = { ...consoleHeaderLines(false), 'cache-control': 'no-cache' };
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' });
    return res.end();
  }
  if (pathname === consolePath.slice(0, -1)) {
    res.writeHead(301, { ...headers, location: consolePath });
    return res.end();
  }
  const name = pathname.slice(consolePath.length) || 'index.html';
  if (name === 'config.json') {
    res.writeHead(200, { ...headers, 'content-type': types['.json']! });
    return res.end(method === 'HEAD' ? undefined : JSON.stringify(site.config));
  }
  // Only the files of the build, by name: no path walks out of it.
  if (!/^[\w.-]+$/.test(name) || !types[extname(name)]) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
    return res.end('not found');
  }
  const body = await readFile(join(site.dir, name)).catch(() => undefined);
  if (!body) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
    return res.end('not found');
  }
  res.writeHead(200, { ...headers, 'content-type': types[extname(name)]! });
  res.end(method === 'HEAD' ? undefined : body);
}
