import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseDuration, parseDurationList } from './duration';
import { ValidationError } from '../common/errors';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../delivery/retry-policy';
import { findUnknownSettings, recordReads, type Env, type UnknownSetting } from './unknown-settings';
import { checkRetentionOutlastsRetries } from './retention-check';
import { checkMongoUrl } from './mongodb-url';
import { parseAddressList } from '../security/address-policy';

export type ProcessRole = 'api' | 'worker' | 'all';
export type JobBackend = 'postgres' | 'mongodb';

/** Every setting of docpush, read once from the environment at start-up. */
export interface Config {
  /** PostgreSQL connection URL; null starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  /** Whether a missing database named in `databaseUrl` is created (DOCPUSH_CREATE_DATABASE). When false, the start fails. */
  createMissingDatabase: boolean;
  /** Largest number of connections in the ORM's pool (DOCPUSH_DB_POOL_SIZE). */
  databasePoolSize: number;
  /** Maximum wait for a new PostgreSQL connection to open, in every pool and client (DOCPUSH_DB_CONNECT_TIMEOUT). */
  databaseConnectTimeoutMs: number;
  /**
   * Maximum wait of a query for a connection of the ORM's pool, the opening of a new one included
   * (DOCPUSH_DB_ACQUIRE_TIMEOUT). It is at least databaseConnectTimeoutMs.
   */
  databaseAcquireTimeoutMs: number;
  /** Absolute path: DOCPUSH_DATA_DIR (default `.data`) resolved against the working directory at start-up. */
  dataDir: string;
  host: string;
  port: number;
  role: ProcessRole;
  logLevel: string;
  /** LOG_FORMAT: `json` writes JSON lines even to a terminal; null writes pretty output to a terminal and JSON otherwise. */
  logFormat: 'json' | null;
  /** base64 of a 32-byte key that encrypts signing secrets; generated into `dataDir` when null. */
  secretKey: string | null;
  /**
   * Maximum wait after a stop signal before the process exits with code 1 (DOCPUSH_SHUTDOWN_TIMEOUT).
   * It is longer than the drain deadline of a stopping worker, drainDeadlineMs of the attempt time-out.
   */
  shutdownTimeoutMs: number;
  jobs: {
    backend: JobBackend;
    mongoUrl: string | null;
    /** Safety-net poll interval; LISTEN/NOTIFY wakes workers at once. */
    processEveryMs: number;
    /** Largest number of open delivery requests in one worker process. */
    concurrency: number;
    /** Largest number of due messages one claim statement takes. */
    claimBatchSize: number;
    /** How long a claimed attempt or running job stays taken before another worker may take it over. */
    lockLifetimeMs: number;
    /** How often the sweeper looks for overdue messages and abandoned attempts. */
    sweepIntervalMs: number;
    /** How long past its due time a message waits for a claim before the sweeper queues it again. */
    sweepGraceMs: number;
    /** How often a worker checks push_messages for dead row versions to vacuum. */
    queueVacuumIntervalMs: number;
    /** Dead row versions in push_messages from which the check runs VACUUM. */
    queueVacuumMinDeadRows: number;
  };
  delivery: {
    attemptTimeoutMs: number;
    /** Largest number of requests in flight to one connection at a time, across all workers. */
    connectionConcurrency: number;
    /** Wait before a message of a connection at its concurrency limit is tried again (±20%). */
    connectionBusyDelayMs: number;
    /** A connection whose every attempt has failed for this long is disabled. */
    disableAfterMs: number;
    /** Maximum wait of an ended attempt's write for the other requests open in its worker. */
    attemptWriteWaitMs: number;
    maxResponseBytes: number;
    retryScheduleMs: number[];
    retryJitter: number;
    allowHttp: boolean;
    allowedCidrs: string[];
    /**
     * Absolute http(s) URL of the platform's UI without trailing slash (DOCPUSH_DETAIL_LINK_BASE_URL).
     * A pushed record's detailLink is this URL plus `/document-records/<code>`, or that path alone when null.
     */
    detailLinkBaseUrl: string | null;
  };
  retention: {
    /** Age after which push logs, finished messages and finished job rows are deleted. It is at least maxRetrySpanMs. */
    pushLogMs: number;
    /** How often the purge runs. */
    intervalMs: number;
    /** Rows deleted per statement, so that no purge statement holds its locks for long. */
    batchSize: number;
  };
  attachments: {
    /** Largest uploaded file in bytes (DOCPUSH_UPLOAD_LIMIT). */
    uploadLimitBytes: number;
    /** Largest pushed JSON body in bytes, files included (DOCPUSH_MESSAGE_SIZE_LIMIT); a larger message is failed unsent. */
    messageSizeLimitBytes: number;
    /** Bytes of rendered files a worker keeps for reuse by other messages and retries; 0 keeps none. */
    renderCacheBytes: number;
    /** Worker threads that render generated files (DOCPUSH_RENDER_THREADS), started on the first renders that need them. */
    renderThreads: number;
  };
  signing: {
    /** How long a rotated-out signing secret keeps signing alongside the new one. */
    rotationGraceMs: number;
  };
  api: {
    /** Largest HTTP request body, in bytes; also the largest graphql-ws message. */
    maxRequestBodyBytes: number;
    /** Deepest field nesting an operation may select; introspection fields are not counted. */
    maxQueryDepth: number;
    maxQueryAliases: number;
    /** Largest estimated cost of an operation: 1 per field, times `first` inside a page. */
    maxQueryComplexity: number;
    /** How often open graphql-ws connections re-check that their API key is still active. */
    authRecheckIntervalMs: number;
    /** How long an active API key is trusted without a database look-up; 0 looks every request up. */
    apiKeyCacheTtlMs: number;
    /** Whether operations may select `__schema` and `__type`, over HTTP and graphql-ws. */
    introspection: boolean;
    /** Maximum number of operations that one graphql-ws connection runs at once, subscriptions included. */
    maxWsOperations: number;
    /** Maximum number of authenticated graphql-ws connections of one API key in this process. */
    maxWsConnectionsPerKey: number;
    /**
     * Maximum number of graphql-ws connections from one client address (an IPv6 client's /64
     * network) in this process that have not completed authentication in connection_init.
     */
    maxWsUnauthenticatedPerAddress: number;
    /**
     * IP addresses and CIDR ranges of reverse proxies (DOCPUSH_TRUSTED_PROXIES), as written. A
     * request whose TCP peer is in them is attributed to the client address in X-Forwarded-For,
     * for the limit per address and for logs only. Empty: X-Forwarded-For is ignored.
     */
    trustedProxies: string[];
  };
  /** DOCPUSH_ variables of the environment that no setting reads, such as a misspelled name. */
  unknownSettings: UnknownSetting[];
  /** Duration settings given as a bare number, which reads as milliseconds, so `15` meant as 15 s is 15 ms. */
  unitlessDurations: UnitlessDuration[];
}

/** A duration setting, or one item of a list of durations, written without a unit. */
export interface UnitlessDuration {
  name: string;
  /** The number as written. */
  value: string;
}

/** Unit-less durations found while reading one environment, keyed by that environment's read-recording proxy. */
const unitlessDurationsByEnv = new WeakMap<Env, UnitlessDuration[]>();

/** A positive whole number without a unit, which parseDuration reads as milliseconds. Zero needs no unit. */
const UNITLESS_DURATION_PATTERN = /^0*[1-9]\d*$/;

const MIB = 1024 * 1024;

/**
 * An upload travels as Base64 inside a GraphQL request body of at most 40 MiB, and Base64 makes
 * data a third larger, so files above 29 MiB could never arrive, whatever this limit is set to.
 */
const MAX_UPLOAD_LIMIT_BYTES = 29 * MIB;

/** The pushed body is one JavaScript string, and V8 (Node 20) caps strings at 2^29 - 24 characters, about 512 MiB. */
const MAX_MESSAGE_SIZE_LIMIT_BYTES = 500 * MIB;

/**
 * Maximum delay of a Node timer (2^31 - 1 ms, about 24.8 days). Node runs a setTimeout or
 * setInterval with a longer delay after 1 ms instead, so an interval above it would repeat
 * every millisecond.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Maximum delay of one retry. It keeps every retry time a valid date, and the longest retry span
 * a duration that DOCPUSH_LOG_RETENTION accepts.
 */
const MAX_RETRY_DELAY_MS = 30 * 86_400_000;

/**
 * Maximum of a duration that docpush adds to or subtracts from the current time: 365000d, about
 * 1,000 years. MikroORM 6.6.16 sends a Date parameter, such as the retention cutoff, as ISO 8601
 * text, which PostgreSQL rejects before year 1 and after year 9999, so a longer duration would
 * fail every run of the statement that uses it. The same cap applies to the interval of a
 * maintenance job, which Agenda 6.2.6 adds to the job's last run, and to the secret rotation
 * grace: a time past the end of JavaScript's Date range (year 275760) fails the job's next
 * schedule or the rotation.
 */
const MAX_DATE_OFFSET_MS = 365_000 * 86_400_000;

export function loadConfig(source: Env = process.env): Config {
  const read = new Set<string>();
  const env = recordReads(source, read);
  const unitlessDurations: UnitlessDuration[] = [];
  unitlessDurationsByEnv.set(env, unitlessDurations);
  const settings = readSettings(env);
  return { ...settings, unknownSettings: findUnknownSettings(source, read), unitlessDurations };
}

/** Notes each item of a duration setting that is a bare number, for the start-up warning. */
function noteUnitlessDurations(env: Env, name: string): void {
  const items = (env[name] ?? '').split(',').map((item) => item.trim());
  for (const value of items.filter((item) => UNITLESS_DURATION_PATTERN.test(item))) {
    unitlessDurationsByEnv.get(env)?.push({ name, value });
  }
}

function readSettings(env: Env): Omit<Config, 'unknownSettings' | 'unitlessDurations'> {
  const attemptTimeoutMs = positiveDuration(env, 'DOCPUSH_ATTEMPT_TIMEOUT', '15s');
  const processEveryMs = timerDuration(env, 'DOCPUSH_JOB_POLL_INTERVAL', '5s');
  const databaseConnectTimeoutMs = timerDuration(env, 'DOCPUSH_DB_CONNECT_TIMEOUT', '5s');
  const jobBackend = oneOf(env, 'DOCPUSH_JOB_BACKEND', ['postgres', 'mongodb'] as const, 'postgres');
  const settings: Omit<Config, 'unknownSettings' | 'unitlessDurations'> = {
    databaseUrl: databaseUrl(env),
    createMissingDatabase: boolean(env, 'DOCPUSH_CREATE_DATABASE', false),
    databasePoolSize: integer(env, 'DOCPUSH_DB_POOL_SIZE', 20, 1, 1000),
    databaseConnectTimeoutMs,
    databaseAcquireTimeoutMs: databaseAcquireTimeout(env, databaseConnectTimeoutMs),
    dataDir: path.resolve(env.DOCPUSH_DATA_DIR || '.data'),
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    role: oneOf(env, 'DOCPUSH_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    logFormat: logFormat(env),
    secretKey: env.DOCPUSH_SECRET_KEY || null,
    shutdownTimeoutMs: shutdownTimeout(env, attemptTimeoutMs),
    jobs: {
      backend: jobBackend,
      mongoUrl: mongoUrl(env, jobBackend),
      processEveryMs,
      concurrency: integer(env, 'DOCPUSH_JOB_CONCURRENCY', 100, 1, 10000),
      claimBatchSize: integer(env, 'DOCPUSH_CLAIM_BATCH_SIZE', 50, 1, 1000),
      lockLifetimeMs: lockLifetime(env, attemptTimeoutMs),
      sweepIntervalMs: jobInterval(env, 'DOCPUSH_SWEEP_INTERVAL', '30s'),
      // A worker normally takes a due message within one poll interval, and at once when NOTIFY
      // wakes it. A grace of two intervals, at least a minute, keeps the sweeper from queuing
      // duplicate jobs for messages whose own job is merely a little late.
      sweepGraceMs: dateOffset(env, 'DOCPUSH_SWEEP_GRACE', duration(env, 'DOCPUSH_SWEEP_GRACE', `${Math.max(processEveryMs * 2, 60_000)}ms`), '1m'),
      queueVacuumIntervalMs: jobInterval(env, 'DOCPUSH_QUEUE_VACUUM_INTERVAL', '15s'),
      queueVacuumMinDeadRows: integer(env, 'DOCPUSH_QUEUE_VACUUM_MIN_DEAD_ROWS', 10_000, 1, 1_000_000_000),
    },
    delivery: {
      attemptTimeoutMs,
      connectionConcurrency: integer(env, 'DOCPUSH_CONNECTION_CONCURRENCY', 10, 1, 10000),
      connectionBusyDelayMs: dateOffset(env, 'DOCPUSH_CONNECTION_BUSY_DELAY', positiveDuration(env, 'DOCPUSH_CONNECTION_BUSY_DELAY', '2s'), '2s'),
      disableAfterMs: positiveDuration(env, 'DOCPUSH_DISABLE_AFTER', '5d'),
      attemptWriteWaitMs: boundedDuration(env, 'DOCPUSH_ATTEMPT_WRITE_WAIT', '5ms', 1_000),
      maxResponseBytes: byteSize(env, 'DOCPUSH_RESPONSE_BODY_LIMIT', 64 * 1024, 0, 16 * 1024 * 1024),
      retryScheduleMs: retrySchedule(env),
      retryJitter: fraction(env, 'DOCPUSH_RETRY_JITTER', 0.2),
      allowHttp: boolean(env, 'DOCPUSH_ALLOW_HTTP', false),
      allowedCidrs: commaSeparatedList(env, 'DOCPUSH_ALLOWED_CIDRS'),
      detailLinkBaseUrl: detailLinkBaseUrl(env),
    },
    retention: {
      pushLogMs: dateOffset(env, 'DOCPUSH_LOG_RETENTION', positiveDuration(env, 'DOCPUSH_LOG_RETENTION', '30d'), '30d'),
      intervalMs: jobInterval(env, 'DOCPUSH_RETENTION_INTERVAL', '1h'),
      batchSize: integer(env, 'DOCPUSH_RETENTION_BATCH_SIZE', 1000, 1, 100000),
    },
    attachments: {
      uploadLimitBytes: byteSize(env, 'DOCPUSH_UPLOAD_LIMIT', 25 * MIB, 1, MAX_UPLOAD_LIMIT_BYTES),
      messageSizeLimitBytes: byteSize(env, 'DOCPUSH_MESSAGE_SIZE_LIMIT', 50 * MIB, 1, MAX_MESSAGE_SIZE_LIMIT_BYTES),
      renderCacheBytes: byteSize(env, 'DOCPUSH_RENDER_CACHE_SIZE', 64 * MIB, 0, 16 * 1024 * MIB),
      renderThreads: renderThreads(env),
    },
    signing: { rotationGraceMs: dateOffset(env, 'DOCPUSH_SECRET_ROTATION_GRACE', duration(env, 'DOCPUSH_SECRET_ROTATION_GRACE', '24h'), '24h') },
    api: {
      // File uploads travel as Base64 inside the GraphQL request, so the default leaves room for them.
      maxRequestBodyBytes: byteSize(env, 'DOCPUSH_REQUEST_BODY_LIMIT', 40 * MIB, 1024, 1024 * MIB),
      maxQueryDepth: integer(env, 'DOCPUSH_MAX_QUERY_DEPTH', 12, 1, 100),
      maxQueryAliases: integer(env, 'DOCPUSH_MAX_QUERY_ALIASES', 20, 0, 10_000),
      // About twice the estimate of graphql-js 16's full introspection query (about 52,000).
      maxQueryComplexity: integer(env, 'DOCPUSH_MAX_QUERY_COMPLEXITY', 100_000, 1, 1_000_000_000),
      authRecheckIntervalMs: timerDuration(env, 'DOCPUSH_AUTH_RECHECK_INTERVAL', '30s'),
      apiKeyCacheTtlMs: duration(env, 'DOCPUSH_API_KEY_CACHE_TTL', '30s'),
      // The default of Apollo Server 5: off when NODE_ENV is production, on otherwise.
      introspection: boolean(env, 'DOCPUSH_GRAPHQL_INTROSPECTION', env.NODE_ENV !== 'production'),
      maxWsOperations: integer(env, 'DOCPUSH_MAX_WS_OPERATIONS', 25, 1, 10_000),
      maxWsConnectionsPerKey: integer(env, 'DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY', 100, 1, 100_000),
      // A client sends connection_init as soon as the socket opens, and graphql-ws closes a socket
      // without one after 3 s, so even a reverse proxy that gives all clients one address rarely
      // has this many connections waiting at once.
      maxWsUnauthenticatedPerAddress: integer(env, 'DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS', 50, 1, 100_000),
      trustedProxies: trustedProxies(env),
    },
  };
  checkRetentionOutlastsRetries(env, settings.retention.pushLogMs, settings.delivery);
  return settings;
}

function duration(env: Env, name: string, fallback: string): number {
  const value = parseDuration(env[name] || fallback, name);
  noteUnitlessDurations(env, name);
  return value;
}

/**
 * Reads DATABASE_URL, which must be a postgres:// or postgresql:// URL. node-postgres resolves
 * other text against `postgres://base`, so a typo would fail later as an unknown host `base`.
 * The error does not quote the value, because it may contain a password.
 */
function databaseUrl(env: Env): string | null {
  const value = env.DATABASE_URL;
  if (!value) return null;
  if (/^postgres(ql)?:\/\//i.test(value)) {
    const malformedPart = malformedPercentEncoding(value);
    if (malformedPart === null) return value;
    throw new ValidationError(
      'DATABASE_URL',
      `DATABASE_URL has an invalid percent-encoding in its ${malformedPart}: each "%" must start a code of two hex digits. ` +
        'Write "%" itself as %25, and percent-encode the other special characters, such as "@" as %40 and "/" as %2F. ' +
        'The value is not shown, because it may contain a password.',
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  let found = scheme ? `it starts with "${scheme}:"` : 'it has no scheme';
  if (value.trim() !== value) found = 'it starts or ends with a space';
  else if (scheme && /^postgres(ql)?$/i.test(scheme)) found = `"${scheme}:" is not followed by "//"`;
  throw new ValidationError(
    'DATABASE_URL',
    `DATABASE_URL is not a PostgreSQL URL: ${found}. Use a URL such as postgres://user:password@db.example.com:5432/docpush, ` +
      'or leave DATABASE_URL unset to run the embedded PostgreSQL. The value is not shown, because it may contain a password.',
  );
}

/**
 * Returns the part of a PostgreSQL URL (user name, password or database name) whose percent-encoding
 * does not decode, or null. node-postgres accepts such a URL, but MikroORM fails on it with a bare
 * "URI malformed" that names neither the setting nor the fix.
 */
function malformedPercentEncoding(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The database check reports a URL that does not parse at all, with the form to use.
    return null;
  }
  const parts: Array<[string, string]> = [
    ['user name', url.username],
    ['password', url.password],
    ['database name', url.pathname],
  ];
  for (const [part, text] of parts) {
    try {
      decodeURIComponent(text);
    } catch {
      return part;
    }
  }
  return null;
}

/**
 * Reads DOCPUSH_MONGODB_URL, whose syntax is checked when the MongoDB job store uses it. A start
 * with the MongoDB job store and no URL fails when the job store starts.
 */
function mongoUrl(env: Env, backend: JobBackend): string | null {
  const value = env.DOCPUSH_MONGODB_URL || null;
  if (value !== null && backend === 'mongodb') checkMongoUrl(value);
  return value;
}

function logFormat(env: Env): 'json' | null {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '') return null;
  if (raw === 'json') return 'json';
  throw new ValidationError(
    'LOG_FORMAT',
    `LOG_FORMAT=${JSON.stringify(raw)} is invalid: expected json, which writes JSON lines even to a terminal. ` +
      'Leave LOG_FORMAT unset for pretty output on a terminal and JSON lines otherwise.',
  );
}

function retrySchedule(env: Env): number[] {
  if (!env.DOCPUSH_RETRY_SCHEDULE) return [...DEFAULT_RETRY_SCHEDULE_MS];
  const scheduleMs = parseDurationList(env.DOCPUSH_RETRY_SCHEDULE, 'DOCPUSH_RETRY_SCHEDULE');
  noteUnitlessDurations(env, 'DOCPUSH_RETRY_SCHEDULE');
  const tooLong = scheduleMs.findIndex((delayMs) => delayMs > MAX_RETRY_DELAY_MS);
  if (tooLong >= 0) {
    const item = env.DOCPUSH_RETRY_SCHEDULE.split(',')[tooLong].trim();
    throw new ValidationError(
      'DOCPUSH_RETRY_SCHEDULE',
      `DOCPUSH_RETRY_SCHEDULE has item ${tooLong + 1}, ${JSON.stringify(item)}, longer than 30d, the maximum delay of one retry. ` +
        'Use at most 30d per retry, and more retries for a longer span.',
    );
  }
  return scheduleMs;
}

/** A duration that must be above zero, such as an interval that a timer repeats. */
function positiveDuration(env: Env, name: string, fallback: string): number {
  const value = duration(env, name, fallback);
  if (value <= 0) throw new ValidationError(name, `${name}=${JSON.stringify(env[name])} is invalid: expected a duration above zero, such as ${fallback}.`);
  return value;
}

/** Rejects `valueMs`, the value of the duration setting `name`, when it is above MAX_DATE_OFFSET_MS, and returns it otherwise. */
function dateOffset(env: Env, name: string, valueMs: number, example: string): number {
  if (valueMs <= MAX_DATE_OFFSET_MS) return valueMs;
  throw new ValidationError(
    name,
    `${name}=${JSON.stringify(env[name])} is invalid: expected a duration of at most 365000d (about 1,000 years), such as ${example}, ` +
      'because docpush cannot compute or store a time that far from now.',
  );
}

/** Reads the interval of a maintenance job, which Agenda adds to the job's last run to store its next run. */
function jobInterval(env: Env, name: string, fallback: string): number {
  return dateOffset(env, name, positiveDuration(env, name, fallback), fallback);
}

/**
 * Returns how long after the start of a stop a stopping worker aborts the requests still open:
 * the attempt time-out and 1 s for the responses that arrive at its end.
 */
export function drainDeadlineMs(attemptTimeoutMs: number): number {
  return attemptTimeoutMs + 1000;
}

/**
 * Reads DOCPUSH_SHUTDOWN_TIMEOUT. A shorter one than the drain deadline would end a stopping
 * worker before it aborts and logs its open attempts. The default leaves 14 s after the drain
 * deadline for the attempt writes and the closing of pools: 30 s with the default attempt time-out.
 */
function shutdownTimeout(env: Env, attemptTimeoutMs: number): number {
  const name = 'DOCPUSH_SHUTDOWN_TIMEOUT';
  const drainMs = drainDeadlineMs(attemptTimeoutMs);
  const value = timerDuration(env, name, `${Math.min(drainMs + 14_000, MAX_TIMER_MS)}ms`);
  if (env[name] && value <= drainMs) {
    throw new ValidationError(
      name,
      `${name}=${JSON.stringify(env[name])} (${value} ms) must be longer than the drain deadline of a stopping worker, ` +
        `DOCPUSH_ATTEMPT_TIMEOUT plus 1 s (${drainMs} ms); raise it, or leave it unset to get the drain deadline plus 14 s.`,
    );
  }
  return value;
}

/** Reads the delay of a repeating timer, which must be above zero and at most MAX_TIMER_MS. */
function timerDuration(env: Env, name: string, fallback: string): number {
  const value = positiveDuration(env, name, fallback);
  if (value > MAX_TIMER_MS) {
    throw new ValidationError(name, `${name}=${JSON.stringify(env[name])} is invalid: expected a duration of at most 24d (${MAX_TIMER_MS} ms), such as ${fallback}.`);
  }
  return value;
}

/** Reads a duration from 0 to `maxMs`, such as a short wait that batches work. */
function boundedDuration(env: Env, name: string, fallback: string, maxMs: number): number {
  const value = duration(env, name, fallback);
  if (value > maxMs) {
    throw new ValidationError(name, `${name}=${JSON.stringify(env[name])} is invalid: expected a duration from 0 to ${maxMs} ms, such as ${fallback}.`);
  }
  return value;
}

/**
 * The lock must outlive the longest attempt, or a second worker would start the same delivery
 * while the first still waits on the listener. Four times the attempt time-out leaves room for
 * rendering and the log write. A value set by hand must still exceed the attempt time-out.
 * The lifetime is also the time limit of one render, a Node timer, so it is at most MAX_TIMER_MS.
 */
function lockLifetime(env: Env, attemptTimeoutMs: number): number {
  const name = 'DOCPUSH_JOB_LOCK_LIFETIME';
  const value = duration(env, name, `${Math.min(Math.max(attemptTimeoutMs * 4, 1000), MAX_TIMER_MS)}ms`);
  if (value > MAX_TIMER_MS) {
    throw new ValidationError(
      name,
      `${name}=${JSON.stringify(env[name])} is invalid: expected a duration of at most ${MAX_TIMER_MS} ms (about 24.8 days, such as 24d), ` +
        'because it also limits each render on a Node timer, which fires at once for longer delays and would fail every render.',
    );
  }
  if (value <= attemptTimeoutMs && !env[name]) {
    throw new ValidationError(
      'DOCPUSH_ATTEMPT_TIMEOUT',
      `DOCPUSH_ATTEMPT_TIMEOUT=${JSON.stringify(env.DOCPUSH_ATTEMPT_TIMEOUT)} is invalid: ${name} must be longer than the attempt time-out ` +
        `and at most ${MAX_TIMER_MS} ms (about 24.8 days), so use an attempt time-out below 24d.`,
    );
  }
  if (value <= attemptTimeoutMs) {
    throw new ValidationError(
      'DOCPUSH_JOB_LOCK_LIFETIME',
      `DOCPUSH_JOB_LOCK_LIFETIME=${JSON.stringify(env.DOCPUSH_JOB_LOCK_LIFETIME)} (${value} ms) must be longer than DOCPUSH_ATTEMPT_TIMEOUT (${attemptTimeoutMs} ms); ` +
        (attemptTimeoutMs < MAX_TIMER_MS ? 'raise it, or leave it unset to get four times the attempt time-out (at most about 24.8 days).' : 'shorten DOCPUSH_ATTEMPT_TIMEOUT below 24d.'),
    );
  }
  return value;
}

/**
 * Reads DOCPUSH_DB_ACQUIRE_TIMEOUT, which must be at least the connect time-out, because a query
 * that finds the pool empty waits for a new connection to open. The default of at least 5 s leaves
 * room for the pool's queue under heavy load. In a test on a 2-core machine, 200 concurrent
 * requests of 100 events each kept a pool of 2 connections full for more than 5 s, while pools of
 * 5 and 20 served them in time (an example, not a bound).
 */
function databaseAcquireTimeout(env: Env, connectTimeoutMs: number): number {
  const value = timerDuration(env, 'DOCPUSH_DB_ACQUIRE_TIMEOUT', `${Math.max(connectTimeoutMs, 5000)}ms`);
  if (value < connectTimeoutMs) {
    throw new ValidationError(
      'DOCPUSH_DB_ACQUIRE_TIMEOUT',
      `DOCPUSH_DB_ACQUIRE_TIMEOUT=${JSON.stringify(env.DOCPUSH_DB_ACQUIRE_TIMEOUT)} (${value} ms) must be at least DOCPUSH_DB_CONNECT_TIMEOUT (${connectTimeoutMs} ms), ` +
        'because a query that waits for a new connection waits for its connect too; raise it, or leave it unset to get the connect time-out, at least 5s.',
    );
  }
  return value;
}

/**
 * Reads DOCPUSH_DETAIL_LINK_BASE_URL: an absolute http or https URL, without query or fragment,
 * that pushed records link to. Returns it as the WHATWG URL parser serializes it, without
 * trailing slashes, so that appending `/document-records/<code>` gives one slash; null when unset.
 */
function detailLinkBaseUrl(env: Env): string | null {
  const name = 'DOCPUSH_DETAIL_LINK_BASE_URL';
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  const fault = detailLinkBaseUrlFault(raw, url);
  if (fault !== null) {
    // A user name or password is not quoted, because the value may hold a real one.
    const quoted = fault === DETAIL_LINK_CREDENTIALS ? name : `${name}=${JSON.stringify(raw)}`;
    throw new ValidationError(
      name,
      `${quoted} is invalid: ${fault}. Expected the absolute http or https URL of the platform's UI, without query or fragment, ` +
        'such as https://app.example.com or https://app.example.com/legito; pushed records then link to <URL>/document-records/<code>. ' +
        'Leave it unset to push the relative path /document-records/<code>.',
    );
  }
  return url!.href.replace(/\/+$/, '');
}

const DETAIL_LINK_CREDENTIALS = 'it contains a user name or password, which every listener would receive';

/** Returns why a DOCPUSH_DETAIL_LINK_BASE_URL value is rejected, as a clause, or null for a valid one. */
function detailLinkBaseUrlFault(raw: string, url: URL | null): string | null {
  if (raw.trim() !== raw) return 'it starts or ends with a space';
  if (url === null) return 'it is not an absolute URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `its scheme is "${url.protocol}", not http: or https:`;
  if (url.username !== '' || url.password !== '') return DETAIL_LINK_CREDENTIALS;
  // The parser ends the path at the first "?" or "#", so either one in the serialized URL starts a
  // query or a fragment. url.search and url.hash are empty for an empty one, such as a trailing "?".
  if (url.href.includes('#')) return 'it has a fragment ("#…")';
  if (url.href.includes('?')) return 'it has a query ("?…")';
  return null;
}

/** Returns the trimmed, non-empty items of a comma-separated setting. */
function commaSeparatedList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Reads DOCPUSH_TRUSTED_PROXIES. An invalid entry fails the start with the entry and the form to use. */
function trustedProxies(env: Env): string[] {
  const entries = commaSeparatedList(env, 'DOCPUSH_TRUSTED_PROXIES');
  parseAddressList(entries, 'DOCPUSH_TRUSTED_PROXIES');
  return entries;
}

/** Maximum DOCPUSH_RENDER_THREADS, because each thread loads its own copy of the renderers' libraries and fonts. */
const MAX_RENDER_THREADS = 256;

/** Reads DOCPUSH_RENDER_THREADS. The default leaves one core to the event loop that sends the requests. */
function renderThreads(env: Env): number {
  const fallback = Math.max(1, availableParallelism() - 1);
  const raw = env.DOCPUSH_RENDER_THREADS;
  if (raw === undefined || raw === '') return fallback;
  const value = decimalNumber(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_RENDER_THREADS) {
    throw new ValidationError(
      'DOCPUSH_RENDER_THREADS',
      `DOCPUSH_RENDER_THREADS=${JSON.stringify(raw)} is invalid: expected a whole number of render threads from 1 to ${MAX_RENDER_THREADS}, ` +
        `such as ${fallback}, or leave it unset for one less than the available cores (at least 1).`,
    );
  }
  return value;
}

/**
 * A number in decimal digits, with an optional fraction and spaces around it. Number() alone
 * also reads a blank value as 0, and "0x10" and "1e3" as 16 and 1000.
 */
const DECIMAL_NUMBER = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/** Returns the number that `raw` writes in decimal digits, or NaN for any other text. */
function decimalNumber(raw: string): number {
  return DECIMAL_NUMBER.test(raw) ? Number(raw) : Number.NaN;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = decimalNumber(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Reads a size in bytes. The error names the unit and an example, because "25MiB" is an easy mistake. */
function byteSize(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = decimalNumber(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      name,
      `${name}=${JSON.stringify(raw)} is invalid: expected a whole number of bytes from ${min} to ${max} (${formatBytes(max)}), ` +
        `such as ${fallback} for ${formatBytes(fallback)}.`,
    );
  }
  return value;
}

/** Formats a byte count in GiB, MiB or KiB when it is a whole number of them, else in bytes. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB && bytes % (1024 * MIB) === 0) return `${bytes / (1024 * MIB)} GiB`;
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = decimalNumber(raw);
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected a fraction from 0 up to 1, such as 0.2.`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected true or false (1, 0, yes and no are accepted too).`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected one of ${allowed.join(', ')}.`);
}
