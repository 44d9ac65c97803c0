import 'reflect-metadata';
import { loadConfig } from './config/config';
import { createLogger } from './common/logger';
import { startApp } from './app/app';

/** Longest wait for a clean stop after SIGINT/SIGTERM before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 30_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { logger });

  if (app.firstAdminKey) {
    // Printed once, outside the structured log, which never carries keys.
    process.stdout.write(
      `\nFirst start: created a workspace and its admin API key:\n\n    ${app.firstAdminKey}\n\n` +
        'Keep it now: only its hash is stored, so it cannot be shown again.\n' +
        `Use it as "Authorization: Bearer <key>" on ${app.url ?? 'the API'}.\n\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'clean shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  // NOTE: exit explicitly after a clean stop: Agenda 6.2.6 leaves a lock-check timer per job
  // that would otherwise keep the process alive for minutes.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`docpush failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.stack && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
