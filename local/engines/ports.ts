// Free-port helper. Every engine binds to loopback only, so the probe binds there too.

import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Asks the OS for a free TCP port on `host` (bind to port 0, read it, close). Another process can
 * grab the port between this call and the engine's own bind; callers that spawn a child retry on
 * a bind failure.
 */
export function getFreePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the probe port'));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
