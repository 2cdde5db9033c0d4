import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../core/logger.ts';

export interface MetricsServer {
  /** The port actually bound (useful when 0 was not asked for but the OS picked one). */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` in the Prometheus text format; `beforeScrape` refreshes time-dependent gauges. */
export async function startMetricsServer(options: { port: number; registry: Registry; logger: Logger; beforeScrape?: () => void }): Promise<MetricsServer> {
  const { registry, logger } = options;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    options.beforeScrape?.();
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch((err: unknown) => {
        logger.warn({ err }, 'rendering /metrics failed');
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, `Prometheus metrics on http://0.0.0.0:${port}/metrics`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
