// Free loopback ports. The kernel picks one (bind to port 0) and it is released
// at once, so another process could take it before etcd or kube-apiserver binds
// it: starts that fail with "address already in use" are retried on new ports.
import { createServer } from 'node:net';

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free loopback port'))));
    });
  });
}

/** Distinct free ports (asked together so none is handed out twice). */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freeLoopbackPort());
  return [...ports];
}

export function isAddressInUse(lines: readonly string[]): boolean {
  return lines.some((line) => /address already in use/i.test(line));
}
