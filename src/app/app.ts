import path from 'node:path';
import { isIPv6 } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { drainDeadlineMs, type Config } from '../config/config';
import { findSettingWarnings } from '../config/setting-warnings';
import { createLogger, type Logger } from '../common/logger';
import { PgChannelListener } from '../common/pg-channel-listener';
import { listMigrationNames, openDatabase, postgresConnectionSettings } from '../database/orm';
import { acquireSchemaSetupLock } from '../database/schema-setup-lock';
import { checkDatabase } from '../database/database-check';
import { redactDatabaseUrl } from '../database/database-url';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../database/embedded-postgres';
import { SecretBox, loadServerKey, serverKeyPath } from '../security/secret-box';
import { createServerKeyForDatabase } from '../security/server-key';
import { createTargetPolicy, type Resolver, type TargetPolicy } from '../security/target-guard';
import { AgendaQueue, type DeliverJobData } from '../jobs/agenda-queue';
import { DeliveryLogFeed } from '../delivery/delivery-log.feed';
import { ConnectionStatusFeed } from '../delivery/connection-status.feed';
import { maintenanceJobs } from '../jobs/maintenance';
import { deliverClaimedMessage, deliverMessage, type DeliveryDeps, type DeliveryOutcomeSummary } from '../delivery/delivery.pipeline';
import { DeliveryDispatcher } from '../delivery/delivery.dispatcher';
import { ServerKeyGate } from '../delivery/server-key-gate';
import { PushMessageQueue } from '../delivery/push-message.queue';
import { RenderCache } from '../rendering/render-cache';
import { RenderPool } from '../rendering/render-pool';
import { AttemptBatcher } from '../delivery/attempt-batcher';
import { ClaimRenewer } from '../delivery/claim-renewer';
import { sendWebhook } from '../delivery/http-sender';
import { ListenerConnections } from '../delivery/listener-connections';
import { buildDocpushSchema } from '../graphql/schema';
import { startHttpServer, GRAPHQL_PATH, type RunningHttpServer } from '../server/http-server';
import { ensureFirstWorkspace } from '../workspace/workspace.service';
import type { AppServices } from './app-services';
import { dataDirError } from './data-dir-error';
import { AppMetrics } from '../observability/metrics';
import { ReadinessProbe } from '../observability/health';
import { startMonitoringServer, type Monitoring, type RunningMonitoringServer } from '../observability/monitoring.routes';
import { ApiKeyCache } from '../workspace/api-key-cache';

export interface AppOptions {
  logger?: Logger;
  /** Replaces DNS resolution of listener hosts; tests use it to map names to chosen addresses. */
  resolve?: Resolver;
  /**
   * Called when the embedded PostgreSQL exits while docpush runs, which nothing restarts. The
   * exit is logged as an error, and main.ts then stops docpush with exit code 1.
   */
  onDatabaseExit?: () => void;
}

export interface RunningApp {
  services: AppServices;
  queue: AgendaQueue;
  /** Claims and runs due deliveries; null in a process without the worker role. */
  dispatcher: DeliveryDispatcher | null;
  /** Threads that render generated files; null in a process without the worker role. */
  renderPool: RenderPool | null;
  databaseUrl: string;
  /** Set when the process serves the API. */
  url: string | null;
  port: number | null;
  /** Base URL of /healthz, /readyz and /metrics; every role serves them. */
  monitoringUrl: string;
  /** Clear text of the admin key created on a first start, else null. */
  firstAdminKey: string | null;
  stop(): Promise<void>;
}

/** Keys one API process keeps without a database look-up; the oldest makes room beyond it. */
const API_KEY_CACHE_MAX_ENTRIES = 10_000;

/**
 * Delay before a delivery job that a worker with a mismatched server key handed back can run again.
 *
 * NOTE: Agenda gives the job to whichever worker locks it first, so a worker with the wrong key
 * can take the same resend again, and each time delays it by this much.
 */
const HANDED_BACK_JOB_DELAY_MS = 5_000;

/** Starts docpush: database (embedded when no URL is configured), migrations, job queue and the roles configured. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  try {
    return await startConfiguredApp(config, options);
  } catch (error) {
    throw dataDirError(error, config.dataDir) ?? error;
  }
}

async function startConfiguredApp(config: Config, options: AppOptions): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat);
  warnAboutUnknownSettings(config, logger);
  warnAboutUnitlessDurations(config, logger);
  // Settings that can be wrong are checked before anything starts, so a typo leaves nothing running.
  const targetPolicy = createTargetPolicy({ ...config.delivery, resolve: options.resolve });
  const serverKey = loadServerKey({ keyFromEnv: config.secretKey ?? undefined, dataDir: config.dataDir, logger });
  logDataDirectory(config, serverKey !== null, logger);
  warnAboutOpenedTargets(config, logger);
  logSettingWarnings(config, logger);

  const embedded = config.databaseUrl ? null : await startEmbedded(config, logger, options.onDatabaseExit);
  try {
    return await startOnDatabase(config, { logger, embedded, targetPolicy, serverKey });
  } catch (error) {
    await embedded?.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'failed to stop embedded PostgreSQL'));
    throw error;
  }
}

async function startOnDatabase(
  config: Config,
  parts: { logger: Logger; embedded: EmbeddedDatabase | null; targetPolicy: TargetPolicy; serverKey: Buffer | null },
): Promise<RunningApp> {
  const { logger, embedded, targetPolicy } = parts;
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  logger.info({ database: describeDatabase(databaseUrl, embedded !== null), role: config.role }, 'starting docpush');

  if (!embedded) await checkDatabase(databaseUrl, { createMissing: config.createMissingDatabase, logger, connectTimeoutMs: config.databaseConnectTimeoutMs });
  // Every notification channel of this process (jobs, due messages, live log, connection status,
  // key revocations) shares this one LISTEN connection.
  const channelListener = new PgChannelListener({ connectionString: databaseUrl, logger, connectTimeoutMs: config.databaseConnectTimeoutMs });
  const { orm, secretBox, queue } = await setUpSchema(config, { databaseUrl, logger, channelListener, serverKey: parts.serverKey });
  const deliveryQueue = new PushMessageQueue(orm, queue, logger);
  const deliveryLogFeed = new DeliveryLogFeed(channelListener, orm, logger);
  const connectionStatusFeed = new ConnectionStatusFeed(channelListener, orm, logger);
  const worker: WorkerParts = { dispatcher: null, listenerConnections: null, attemptBatcher: null, renderPool: null, claimRenewer: null };
  const monitoring = createMonitoring(config, { databaseUrl, orm, secretBox, queue, worker, deliveryLogFeed, logger });
  const apiKeyCache = new ApiKeyCache({ ttlMs: config.api.apiKeyCacheTtlMs, maxEntries: API_KEY_CACHE_MAX_ENTRIES });
  const services: AppServices = {
    config,
    logger,
    orm,
    secretBox,
    targetPolicy,
    deliveryQueue,
    channelListener,
    deliveryLogFeed,
    connectionStatusFeed,
    monitoring,
    apiKeyCache,
  };

  let http: RunningHttpServer | null = null;
  let monitoringServer: RunningMonitoringServer | null = null;
  let firstWorkspace: Awaited<ReturnType<typeof ensureFirstWorkspace>>;
  try {
    await channelListener.start();
    await queue.start();
    if (config.role !== 'api') await startWorker(services, { queue, deliveryQueue, worker });
    if (config.role !== 'worker') {
      await deliveryLogFeed.start();
      await connectionStatusFeed.start();
      http = await startHttpServer(await buildDocpushSchema(), services);
    } else {
      monitoringServer = await startMonitoringServer(monitoring, { host: config.host, port: config.port, logger });
    }

    // The first workspace is created only after every part is up. Its admin key is shown only when
    // the start succeeds, so a start that failed after creating it (on a taken port, say) would
    // leave a workspace whose only admin key was never shown.
    firstWorkspace = await ensureFirstWorkspace(orm.em.fork());
  } catch (error) {
    // A failed start (a taken port, say) stops the parts it started, so that no worker keeps
    // claiming messages in a process whose caller treats the start as failed. startApp stops the
    // embedded database.
    await stopApp({ logger, http, monitoringServer, monitoring, queue, worker, deliveryLogFeed, connectionStatusFeed, channelListener, orm, embedded: null, config }).catch(
      (stopError: unknown) => logger.error({ err: stopError }, 'failed to stop the parts of a failed start'),
    );
    throw error;
  }
  const stop = () => stopApp({ logger, http, monitoringServer, monitoring, queue, worker, deliveryLogFeed, connectionStatusFeed, channelListener, orm, embedded, config });
  const host = urlHost(config.host);
  const url = http ? `http://${host}:${http.port}${GRAPHQL_PATH}` : null;
  const monitoringUrl = `http://${host}:${http?.port ?? monitoringServer!.port}`;
  logger.info({ url, port: http?.port ?? null, monitoringUrl, role: config.role }, 'docpush is ready');
  return {
    services,
    queue,
    dispatcher: worker.dispatcher,
    renderPool: worker.renderPool,
    databaseUrl,
    url,
    port: http?.port ?? null,
    monitoringUrl,
    firstAdminKey: firstWorkspace?.adminKey ?? null,
    stop,
  };
}

/** Returns HOST as the host of a URL: an IPv6 address in brackets, with the % of a zone id encoded as %25. */
function urlHost(host: string): string {
  return isIPv6(host) ? `[${host.replace('%', '%25')}]` : host;
}

/**
 * Applies the migrations, loads or creates the server key and creates Agenda's job store, under
 * the schema set-up lock, so processes starting together on one database do this one at a time.
 */
async function setUpSchema(
  config: Config,
  parts: { databaseUrl: string; logger: Logger; channelListener: PgChannelListener; serverKey: Buffer | null },
): Promise<{ orm: MikroORM; secretBox: SecretBox; queue: AgendaQueue }> {
  const { databaseUrl, logger } = parts;
  const lock = await acquireSchemaSetupLock(databaseUrl, logger, config.databaseConnectTimeoutMs);
  try {
    const pool = { size: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs, acquireTimeoutMs: config.databaseAcquireTimeoutMs };
    const orm = await openDatabase(databaseUrl, logger, pool);
    try {
      const secretBox = new SecretBox(parts.serverKey ?? (await createServerKeyForDatabase(orm.em.fork(), config.dataDir, logger)));
      const queue = await AgendaQueue.create(config, databaseUrl, parts.channelListener, logger);
      try {
        // Agenda creates its tables when it connects, so that happens under the lock too.
        await queue.ready();
      } catch (error) {
        await queue.stop(0).catch((stopError: unknown) => logger.error({ err: stopError }, 'failed to close the job store after a failed start'));
        throw error;
      }
      return { orm, secretBox, queue };
    } catch (error) {
      await orm.close(true);
      throw error;
    }
  } finally {
    await lock.release();
  }
}

/** The worker's parts that exist once the worker role has started. */
interface WorkerParts {
  dispatcher: DeliveryDispatcher | null;
  /** Keep-alive connections to listeners, shared by the attempts of this process. */
  listenerConnections: ListenerConnections | null;
  /** Shared writer of this process's attempts, drained at shutdown before the pool closes. */
  attemptBatcher: AttemptBatcher | null;
  /** Threads that render generated files, closed at shutdown once no delivery can start a render. */
  renderPool: RenderPool | null;
  /** Renews the claims of the dispatcher's and the resend jobs' running attempts, stopped at shutdown before the pool closes. */
  claimRenewer: ClaimRenewer | null;
}

/**
 * Starts the worker role: the dispatcher that claims due messages, the job handler for operator
 * resends, and the recurring maintenance jobs. While the server key cannot decrypt the stored
 * signing secrets, the dispatcher claims nothing and the job handler hands resends back, so that
 * workers with the right key deliver them (see ServerKeyGate). Maintenance jobs run all the same.
 */
async function startWorker(
  services: AppServices,
  parts: { queue: AgendaQueue; deliveryQueue: PushMessageQueue; worker: WorkerParts },
): Promise<void> {
  const { config, logger } = services;
  const { queue, deliveryQueue, worker } = parts;
  await warnAboutStoredHttpTargets(services);
  // The claim keeps each connection within DOCPUSH_CONNECTION_CONCURRENCY; the socket cap is per
  // listener, which several connections may share, so it matches what the worker runs at once.
  const listenerConnections = new ListenerConnections({ maxConnectionsPerListener: config.jobs.concurrency });
  worker.listenerConnections = listenerConnections;
  const renderCache = new RenderCache({ maxBytes: config.attachments.renderCacheBytes });
  services.monitoring.metrics.trackRenderCache(() => renderCache.stats());
  // A render may take as long as a claim lasts without renewal, because a renewed claim would otherwise wait for it forever.
  const renderPool = new RenderPool({ size: config.attachments.renderThreads, timeoutMs: config.jobs.lockLifetimeMs, logger });
  worker.renderPool = renderPool;
  // The dispatcher is created below; its claims fill the slots of the attempts that a write records.
  let dispatcher: DeliveryDispatcher | null = null;
  const claimRenewer = new ClaimRenewer({ orm: services.orm, logger, staleAfterMs: config.jobs.lockLifetimeMs });
  worker.claimRenewer = claimRenewer;
  const attemptBatcher = new AttemptBatcher(services.orm, logger, {
    maxWaitMs: config.delivery.attemptWriteWaitMs,
    onWriteStart: () => dispatcher?.wakeSoon(),
    onWriteEnd: (messageIds) => dispatcher?.attemptsWritten(messageIds),
    staleAfterMs: config.jobs.lockLifetimeMs,
    acquireTimeoutMs: config.databaseAcquireTimeoutMs,
    claimRenewer,
  });
  worker.attemptBatcher = attemptBatcher;
  const deps: DeliveryDeps = {
    orm: services.orm,
    secretBox: services.secretBox,
    queue: deliveryQueue,
    logger,
    retryPolicy: { scheduleMs: config.delivery.retryScheduleMs, jitter: config.delivery.retryJitter },
    staleAfterMs: config.jobs.lockLifetimeMs,
    connectionConcurrency: config.delivery.connectionConcurrency,
    connectionBusyDelayMs: config.delivery.connectionBusyDelayMs,
    disableAfterMs: config.delivery.disableAfterMs,
    messageSizeLimitBytes: config.attachments.messageSizeLimitBytes,
    detailLinkBaseUrl: config.delivery.detailLinkBaseUrl,
    connectionsWithUnreadableSecretsLogged: new Set(),
    renderCache,
    renderPool,
    attemptBatcher,
    claimRenewer,
    metrics: services.monitoring.metrics,
    send: (request) =>
      sendWebhook(
        { ...request, timeoutMs: config.delivery.attemptTimeoutMs, maxResponseBytes: config.delivery.maxResponseBytes },
        services.targetPolicy,
        listenerConnections,
      ),
  };
  const countDisabled = (outcome: DeliveryOutcomeSummary) => {
    if (outcome.kind === 'attempted' && outcome.connectionDisabled) {
      services.monitoring.metrics.recordConnectionDisabled(outcome.connectionDisabled.cause);
    }
  };

  const serverKeyGate = new ServerKeyGate({ orm: services.orm, secretBox: services.secretBox, logger });
  // Checked once before the first claim, so that a worker with another key logs the error at start.
  await serverKeyGate.allowsClaims();

  dispatcher = new DeliveryDispatcher({
    orm: services.orm,
    logger,
    channelListener: services.channelListener,
    concurrency: config.jobs.concurrency,
    batchSize: config.jobs.claimBatchSize,
    connectionConcurrency: config.delivery.connectionConcurrency,
    staleAfterMs: config.jobs.lockLifetimeMs,
    pollIntervalMs: config.jobs.processEveryMs,
    requestEndedMessageIds: () => attemptBatcher.writingMessageIds(),
    deliver: async (message) => countDisabled(await deliverClaimedMessage(services.orm.em.fork(), message, deps)),
    onDrainDeadline: () => listenerConnections.close(),
    metrics: services.monitoring.metrics,
    claimRenewer,
    claimGate: serverKeyGate,
  });
  deliveryQueue.useLocalDispatcher(dispatcher);
  worker.dispatcher = dispatcher;
  await dispatcher.start();

  await processDeliverJobs(services, queue, serverKeyGate, async ({ messageId, force }, jobId) => {
    countDisabled(await deliverMessage(messageId, deps, { force, resendJobId: force ? jobId : undefined }));
  });
  await queue.scheduleRecurring(maintenanceJobs({ config, orm: services.orm, queue: deliveryQueue, logger, metrics: services.monitoring.metrics }), { lockLifetimeMs: config.jobs.lockLifetimeMs });
}

/**
 * Runs the delivery jobs of the job queue (operator resends) with `deliver`. While the server key
 * cannot decrypt the stored signing secrets, each job is handed back to the queue instead.
 */
async function processDeliverJobs(
  services: AppServices,
  queue: AgendaQueue,
  serverKeyGate: ServerKeyGate,
  deliver: (data: DeliverJobData, jobId: string) => Promise<void>,
): Promise<void> {
  const { config, logger } = services;
  const runDeliverJob = async (data: DeliverJobData, jobId: string) => {
    if (!(await serverKeyGate.allowsClaims())) {
      const runAgainAt = new Date(Date.now() + HANDED_BACK_JOB_DELAY_MS);
      logger.debug({ messageId: data.messageId, jobId, runAgainAt }, 'delivery job handed back, because the server key cannot decrypt the stored signing secrets');
      return { runAgainAt };
    }
    await deliver(data, jobId);
  };
  await queue.startProcessing(runDeliverJob, {
    concurrency: config.jobs.concurrency,
    lockLifetimeMs: config.jobs.lockLifetimeMs,
  });
}

function createMonitoring(
  config: Config,
  parts: {
    databaseUrl: string;
    orm: MikroORM;
    secretBox: SecretBox;
    queue: AgendaQueue;
    worker: WorkerParts;
    deliveryLogFeed: DeliveryLogFeed;
    logger: Logger;
  },
): Monitoring {
  const { orm, queue, worker, logger } = parts;
  const metrics = new AppMetrics({ orm, deliveryLogFeed: parts.deliveryLogFeed, logger });
  const jobProcessorRunning = config.role === 'api' ? null : () => queue.agenda.isActiveJobProcessor() && (worker.dispatcher?.isRunning ?? false);
  const readiness = new ReadinessProbe({
    connectionSettings: postgresConnectionSettings(parts.databaseUrl, config.databaseConnectTimeoutMs),
    migrationNames: listMigrationNames(),
    secretBox: parts.secretBox,
    jobProcessorRunning,
    logger,
  });
  return { metrics, readiness };
}

/**
 * Logs the absolute data directory and where the server key comes from, so an operator can see
 * when a relative DOCPUSH_DATA_DIR resolved against an unexpected working directory.
 */
function logDataDirectory(config: Config, keyFound: boolean, logger: Logger): void {
  if (config.secretKey?.trim()) {
    logger.info({ dataDir: config.dataDir, serverKeySource: 'DOCPUSH_SECRET_KEY' }, 'data directory and server key');
    return;
  }
  const serverKeySource = keyFound ? 'key file' : 'key file missing: generated once the database is known to hold no encrypted secrets';
  logger.info({ dataDir: config.dataDir, serverKeyFile: serverKeyPath(config.dataDir), serverKeySource }, 'data directory and server key');
}

/** Names each DOCPUSH_ variable that no setting reads, because a misspelled name leaves its setting at the default. */
function warnAboutUnknownSettings(config: Config, logger: Logger): void {
  for (const { name, suggestion } of config.unknownSettings) {
    const advice = suggestion ? `did you mean ${suggestion}?` : 'see the configuration table in README.md for the settings docpush reads.';
    logger.warn({ setting: name, suggestion }, `${name} is not a docpush setting and is ignored; ${advice}`);
  }
}

/** Names each duration written without a unit, because a bare number is milliseconds: `15` meant as seconds is 15 ms. */
function warnAboutUnitlessDurations(config: Config, logger: Logger): void {
  for (const { name, value } of config.unitlessDurations) {
    logger.warn({ setting: name, value }, `${name} contains ${value} without a unit, which reads as ${value} ms; write ${value}ms to keep it, or add the unit you meant, such as ${value}s.`);
  }
}

/** Names each accepted setting that works against its purpose, such as a size limit below the smallest message. */
function logSettingWarnings(config: Config, logger: Logger): void {
  for (const { name, value, message } of findSettingWarnings(config)) {
    logger.warn({ setting: name, value }, message);
  }
}

/** Maximum number of connection ids that the warning about stored http:// targets lists. */
const LISTED_HTTP_CONNECTIONS = 20;

/**
 * Warns at a worker's start when enabled connections have http:// URLs that DOCPUSH_ALLOW_HTTP
 * no longer allows, such as after a development set-up went to production. Each of their attempts
 * fails without being sent and uses up a step of its message's retry schedule.
 */
async function warnAboutStoredHttpTargets(services: AppServices): Promise<void> {
  if (services.config.delivery.allowHttp) return;
  const rows: Array<{ id: number; total: number }> = await services.orm.em.fork().execute(
    `select id, count(*) over ()::int as total from push_connections
      where enabled and deleted_at is null and url ilike 'http:%'
      order by id limit ?`,
    [LISTED_HTTP_CONNECTIONS],
  );
  if (rows.length === 0) return;
  const total = rows[0].total;
  const subject = total === 1 ? '1 enabled push connection has an http:// URL' : `${total} enabled push connections have http:// URLs`;
  services.logger.warn(
    { connections: total, connectionIds: rows.map((row) => row.id) },
    `${subject}, which DOCPUSH_ALLOW_HTTP=false rejects, so each of their attempts fails without being sent. ` +
      'Change the URLs to https://, disable those connections, or set DOCPUSH_ALLOW_HTTP=true for development.',
  );
}

/** Says at start-up when listener targets beyond public HTTPS addresses are allowed. */
function warnAboutOpenedTargets(config: Config, logger: Logger): void {
  const { allowHttp, allowedCidrs } = config.delivery;
  if (allowHttp || allowedCidrs.length > 0) {
    logger.warn({ allowHttp, allowedCidrs }, 'listener targets are opened beyond public HTTPS addresses; use this for development only');
  }
}

async function startEmbedded(config: Config, logger: Logger, onDatabaseExit?: () => void): Promise<EmbeddedDatabase> {
  const dataDir = path.join(config.dataDir, 'postgres');
  logger.info({ dataDir }, 'no DATABASE_URL set; starting embedded PostgreSQL');
  const onUnexpectedExit = (exit: { code: number | null; signal: NodeJS.Signals | null }) => {
    logger.error({ ...exit, dataDir }, 'embedded PostgreSQL exited while docpush was running; docpush cannot work without it and stops');
    onDatabaseExit?.();
  };
  const embedded = await startEmbeddedPostgres({ dataDir, logger, onUnexpectedExit });
  if (embedded.initialised) {
    // A relative DOCPUSH_DATA_DIR resolves against the working directory, so a start from another
    // folder lands here too, with an empty database instead of the one used before.
    logger.warn(
      { dataDir: config.dataDir, postgresDataDir: embedded.dataDir },
      'initialised a new embedded PostgreSQL installation with an empty database; to use an existing one instead, ' +
        'stop docpush and set DOCPUSH_DATA_DIR to the absolute path of the data directory it used before',
    );
  }
  return embedded;
}

async function stopApp(parts: {
  logger: Logger;
  http: RunningHttpServer | null;
  monitoringServer: RunningMonitoringServer | null;
  monitoring: Monitoring;
  queue: AgendaQueue;
  worker: WorkerParts;
  deliveryLogFeed: DeliveryLogFeed;
  connectionStatusFeed: ConnectionStatusFeed;
  channelListener: PgChannelListener;
  orm: MikroORM;
  embedded: EmbeddedDatabase | null;
  config: Config;
}): Promise<void> {
  parts.logger.info('stopping docpush');
  // The drain deadline counts from here. The HTTP stop waits up to 10 s (Apollo Server's grace
  // period) for requests in flight, and the worker keeps claiming messages meanwhile. Counted from
  // the end of the HTTP stop, the drain could outlast DOCPUSH_SHUTDOWN_TIMEOUT, which need only be
  // longer than the drain deadline.
  const drainEndsAt = Date.now() + drainDeadlineMs(parts.config.delivery.attemptTimeoutMs);
  await parts.http?.stop();
  await parts.monitoringServer?.stop();
  parts.logger.debug('HTTP server stopped');
  // No probe arrives any more, so the readiness connection can close.
  await parts.monitoring.readiness.close();
  // Both drain at once, so a stop waits for the longer of the two, not their sum.
  const drainTimeoutMs = Math.max(0, drainEndsAt - Date.now());
  await Promise.all([parts.worker.dispatcher?.stop(drainTimeoutMs), parts.queue.stop(drainTimeoutMs)]);
  // Attempts whose requests a drain deadline aborted may still wait for their write.
  await parts.worker.attemptBatcher?.drain();
  await parts.worker.claimRenewer?.stop();
  await parts.worker.renderPool?.close();
  await parts.worker.listenerConnections?.close();
  await parts.deliveryLogFeed.stop();
  await parts.connectionStatusFeed.stop();
  // Every part above has ended its subscription by now, so the shared LISTEN connection closes last.
  await parts.channelListener.stop();
  await parts.orm.close(true);
  parts.logger.debug('database connections closed');
  await parts.embedded?.stop();
  parts.logger.info('docpush stopped');
}

/** Describes the database without its password. */
function describeDatabase(url: string, embedded: boolean): string {
  return `${embedded ? 'embedded ' : ''}${redactDatabaseUrl(url)}`;
}
