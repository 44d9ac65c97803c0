import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import type { PgChannelListener } from '../common/pg-channel-listener';
import type { SecretBox } from '../security/secret-box';
import type { TargetPolicy } from '../security/target-guard';
import type { DeliveryQueue } from '../delivery/delivery-queue';
import type { DeliveryLogFeed } from '../delivery/delivery-log.feed';
import type { ConnectionStatusFeed } from '../delivery/connection-status.feed';
import type { Monitoring } from '../observability/monitoring.routes';
import type { ApiKeyCache } from '../workspace/api-key-cache';

/** The long-lived collaborators of one process, built once at start-up. */
export interface AppServices {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  secretBox: SecretBox;
  targetPolicy: TargetPolicy;
  deliveryQueue: DeliveryQueue;
  /** The process's one LISTEN connection, shared by every part that receives PostgreSQL notifications. */
  channelListener: PgChannelListener;
  deliveryLogFeed: DeliveryLogFeed;
  /** Streams connection status changes to `pushConnectionStatus` subscribers. */
  connectionStatusFeed: ConnectionStatusFeed;
  /** Metrics and readiness checks served on /metrics and /readyz. */
  monitoring: Monitoring;
  /**
   * Active API keys recently looked up. In processes that serve the API, the HTTP server's
   * ApiKeyRevocationListener feeds it. Elsewhere it never listens, so it caches nothing.
   */
  apiKeyCache: ApiKeyCache;
}
