import 'reflect-metadata';
import { loadConfig } from './config/config';
import { createLogger } from './common/logger';
import { startApp, type RunningApp } from './app/app';

/** Signals that end docpush cleanly: Ctrl-C, a service manager's stop, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, config.logFormat);

  // Signals are handled from the very start: one that arrives during start-up stops the app as
  // soon as it is up, so the embedded PostgreSQL never outlives the process. The deadline runs
  // from the first signal, because a start can wait indefinitely, such as for the schema set-up
  // lock of another process.
  // NOTE: a start that the deadline ends leaves its embedded PostgreSQL running, which the next
  // start on the same data directory stops.
  let app: RunningApp | null = null;
  let stopRequested = false;
  let stopping = false;
  let exitCode = 0;
  /** Stops docpush after `signal`, or after the exit of its embedded PostgreSQL when `signal` is null. */
  const shutdown = (signal: string | null) => {
    if (!stopRequested) {
      logger.info({ signal, starting: app === null }, 'shutdown requested');
      const deadline = setTimeout(() => {
        logger.error({ deadlineMs: config.shutdownTimeoutMs }, 'clean shutdown took too long; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      deadline.unref();
    }
    stopRequested = true;
    if (!app || stopping) return;
    stopping = true;
    // NOTE: exit explicitly after a clean stop: Agenda 6.2.6 leaves a lock-check timer per job
    // that would otherwise keep the process alive for minutes.
    app
      .stop()
      .then(() => process.exit(exitCode))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => shutdown(signal));

  const onDatabaseExit = () => {
    exitCode = 1;
    shutdown(null);
  };
  app = await startApp(config, { logger, onDatabaseExit });
  if (app.firstAdminKey) printFirstAdminKey(app.firstAdminKey, app.url);
  if (stopRequested) shutdown(null);
}

function printFirstAdminKey(key: string, url: string | null): void {
  // Printed once, outside the structured log, which never carries keys.
  process.stdout.write(
    `\nFirst start: created a workspace and its admin API key:\n\n    ${key}\n\n` +
      'Keep it now: only its hash is stored, so it cannot be shown again.\n' +
      `Use it as "Authorization: Bearer <key>" on ${url ?? 'the API'}.\n\n`,
  );
}

function failStart(error: unknown): never {
  process.stderr.write(`docpush failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.stack && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

main().catch(failStart);
