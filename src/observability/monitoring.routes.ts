import http from 'node:http';
import express, { Router } from 'express';
import type { Logger } from '../common/logger';
import type { AppMetrics } from './metrics';
import type { ReadinessProbe } from './health';
import { listen } from '../server/listen';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

/** The health checks and metrics of one process. */
export interface Monitoring {
  metrics: AppMetrics;
  readiness: ReadinessProbe;
}

/**
 * Serves `/healthz` (the process is alive), `/readyz` (it can do its work; 503 names the failed
 * checks) and `/metrics` (Prometheus text format). None of them needs an API key.
 */
export function createMonitoringRouter(monitoring: Monitoring, logger: Logger): Router {
  const router = Router();

  router.get(HEALTH_PATH, (_request, response) => {
    response.set('cache-control', 'no-store').json({ status: 'ok' });
  });

  router.get(READY_PATH, async (_request, response) => {
    const report = await monitoring.readiness.check();
    response
      .status(report.status === 'ready' ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(report);
  });

  router.get(METRICS_PATH, async (_request, response) => {
    try {
      const body = await monitoring.metrics.scrape();
      response.set('content-type', monitoring.metrics.contentType).set('cache-control', 'no-store').send(body);
    } catch (error) {
      logger.error({ err: error }, 'metrics scrape failed');
      response.status(500).type('text/plain').send('Collecting the metrics failed; the server log has the error.\n');
    }
  });

  return router;
}

export interface RunningMonitoringServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves only the monitoring routes, for a process without the API role, on the same host and
 * port settings that the API would use.
 */
export async function startMonitoringServer(monitoring: Monitoring, options: { host: string; port: number; logger: Logger }): Promise<RunningMonitoringServer> {
  const app = express();
  app.use(createMonitoringRouter(monitoring, options.logger));
  const server = http.createServer(app);
  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
