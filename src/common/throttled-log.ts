import type { Logger } from './logger';

/**
 * Returns a function that logs `message` with the fields it is given at `level`, at most once per
 * `intervalMs`. Each line gives the number of lines left out since the last one in
 * `suppressedSinceLast`, so a repeating failure or a client that retries in a loop cannot flood the log.
 */
export function throttledLogLine(
  logger: Logger,
  message: string,
  intervalMs: number,
  level: 'warn' | 'error' = 'warn',
): (fields: Record<string, unknown>) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (fields) => {
    const now = Date.now();
    if (now - lastLoggedAt < intervalMs) {
      suppressed += 1;
      return;
    }
    logger[level]({ ...fields, suppressedSinceLast: suppressed }, message);
    lastLoggedAt = now;
    suppressed = 0;
  };
}

/**
 * Returns a function that logs an error at `level` at most once per `intervalMs`, like
 * throttledLogLine. Agenda's notification channel retries a lost database every 100 ms and reports
 * each failure twice (@agendajs/postgres-backend 3.0.6), which would otherwise flood the log
 * during an outage.
 */
export function throttledLog(logger: Logger, message: string, intervalMs: number, level: 'warn' | 'error' = 'warn'): (error: unknown) => void {
  const log = throttledLogLine(logger, message, intervalMs, level);
  return (error) => log({ err: error });
}
