import type { Logger } from '../common/logger';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';
import { API_KEY_REVOKED_CHANNEL, parseApiKeyRevoked } from './auth.service';

/** A part of the API process that acts on key revocations, such as the key cache or the graphql-ws sessions. */
export interface ApiKeyRevocationConsumer {
  /** Called with the id of the revoked key, or with null for a notice that names no key. */
  onKeyRevoked(apiKeyId: number | null): void;
  /**
   * Called with true once LISTEN runs and with false when that connection is lost or stopped.
   * Notices sent while the connection is down are lost.
   */
  onListenerConnectionChange(connected: boolean): void;
}

/**
 * The one subscription of an API process to API_KEY_REVOKED_CHANNEL, on the process's shared
 * LISTEN connection. It passes each revocation notice and each change of that connection to every
 * consumer, in the order the consumers are given.
 */
export class ApiKeyRevocationListener {
  private subscription: ChannelSubscription | null = null;

  constructor(
    private readonly options: {
      listener: PgChannelListener;
      consumers: readonly ApiKeyRevocationConsumer[];
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.subscription ??= await this.options.listener.subscribe(API_KEY_REVOKED_CHANNEL, {
      onPayload: (payload) => this.onNotice(payload),
      onConnectionChange: (connected) => this.onConnectionChange(connected),
    });
  }

  /**
   * Ends the subscription and reports the connection as down to the consumers when it was up.
   * The shared connection stays open for the process's other channels.
   */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private onNotice(payload: string): void {
    const apiKeyId = parseApiKeyRevoked(payload);
    if (apiKeyId === null) this.options.logger.warn({ channel: API_KEY_REVOKED_CHANNEL }, 'received a key revocation notice without a numeric apiKeyId');
    for (const consumer of this.options.consumers) consumer.onKeyRevoked(apiKeyId);
  }

  private onConnectionChange(connected: boolean): void {
    for (const consumer of this.options.consumers) consumer.onListenerConnectionChange(connected);
  }
}
