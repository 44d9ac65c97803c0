import type { Logger } from '../common/logger';

/**
 * Returns a function that logs an error at `level` at most once per `intervalMs`, with how many
 * were left out since the last line. Agenda's notification channel retries a lost database every
 * 100 ms and reports each failure twice (@agendajs/postgres-backend 3.0.6), which would otherwise
 * flood the log during an outage.
 */
export function throttledLog(logger: Logger, message: string, intervalMs: number, level: 'warn' | 'error' = 'warn'): (error: unknown) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastLoggedAt < intervalMs) {
      suppressed += 1;
      return;
    }
    logger[level]({ err: error, suppressedSinceLast: suppressed }, message);
    lastLoggedAt = now;
    suppressed = 0;
  };
}
