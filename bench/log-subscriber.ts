import { performance } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';

export interface LogSubscriber {
  /** Arrival time (performance.now()) of the first SUCCEEDED log of each message. */
  succeeded: Map<string, number>;
  /** Arrival times of every SUCCEEDED log, in arrival order, for rates over a time window. */
  succeededTimes: number[];
  failedLogs: number;
  errors: string[];
  close(): Promise<void>;
}

const SUBSCRIPTION = 'subscription { deliveryLog { messageId attempt outcome } }';

/** Subscribes to `deliveryLog` over graphql-ws and records when each message's success arrives. */
export function subscribeToDeliveryLog(client: Client): LogSubscriber {
  const succeeded = new Map<string, number>();
  const succeededTimes: number[] = [];
  const errors: string[] = [];
  const counts = { failedLogs: 0 };

  const unsubscribe = client.subscribe<{ deliveryLog: { messageId: string; attempt: number; outcome: 'SUCCEEDED' | 'FAILED' } }>(
    { query: SUBSCRIPTION },
    {
      next: (value) => {
        const arrivedAt = performance.now();
        const log = value.data?.deliveryLog;
        if (!log) return;
        if (log.outcome !== 'SUCCEEDED') {
          counts.failedLogs += 1;
          return;
        }
        succeededTimes.push(arrivedAt);
        if (!succeeded.has(log.messageId)) succeeded.set(log.messageId, arrivedAt);
      },
      error: (error) => errors.push(error instanceof Error ? error.message : JSON.stringify(error)),
      complete: () => undefined,
    },
  );

  return {
    succeeded,
    succeededTimes,
    get failedLogs() {
      return counts.failedLogs;
    },
    errors,
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}
