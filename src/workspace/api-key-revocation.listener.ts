import type { Logger } from '../common/logger';
import { PgChannelListener } from '../common/pg-channel-listener';
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
 * The one PostgreSQL LISTEN connection of an API process on API_KEY_REVOKED_CHANNEL. It passes
 * each revocation notice and each change of that connection to every consumer, in the order the
 * consumers are given.
 */
export class ApiKeyRevocationListener {
  private readonly listener: PgChannelListener;

  constructor(
    private readonly options: {
      connectionString: string;
      consumers: readonly ApiKeyRevocationConsumer[];
      logger: Logger;
    },
  ) {
    this.listener = new PgChannelListener({
      connectionString: options.connectionString,
      channel: API_KEY_REVOKED_CHANNEL,
      onPayload: (payload) => this.onNotice(payload),
      onConnectionChange: (connected) => this.onConnectionChange(connected),
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
  }

  /** Closes the connection and reports it as down to the consumers when it was up. */
  async stop(): Promise<void> {
    await this.listener.stop();
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
