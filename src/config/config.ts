import path from 'node:path';
import { parseDuration, parseDurationList } from './duration';
import { ValidationError } from '../common/errors';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../delivery/retry-policy';

export type ProcessRole = 'api' | 'worker' | 'all';
export type JobBackend = 'postgres' | 'mongodb';

/** Every setting of docpush, read once from the environment at start-up. */
export interface Config {
  /** PostgreSQL connection URL; null starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  host: string;
  port: number;
  role: ProcessRole;
  logLevel: string;
  /** base64 of a 32-byte key that encrypts signing secrets; generated into `dataDir` when null. */
  secretKey: string | null;
  jobs: {
    backend: JobBackend;
    mongoUrl: string | null;
    /** Safety-net poll interval; LISTEN/NOTIFY wakes workers at once. */
    processEveryMs: number;
    concurrency: number;
    /** How long a running job stays locked before another worker may take it over. */
    lockLifetimeMs: number;
  };
  delivery: {
    attemptTimeoutMs: number;
    maxResponseBytes: number;
    retryScheduleMs: number[];
    retryJitter: number;
    allowHttp: boolean;
    allowedCidrs: string[];
  };
  retention: { pushLogMs: number };
  signing: {
    /** How long a rotated-out signing secret keeps signing alongside the new one. */
    rotationGraceMs: number;
  };
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const attemptTimeoutMs = duration(env, 'DOCPUSH_ATTEMPT_TIMEOUT', '15s');
  return {
    databaseUrl: env.DATABASE_URL || null,
    dataDir: path.resolve(env.DOCPUSH_DATA_DIR || '.data'),
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    role: oneOf(env, 'DOCPUSH_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    logLevel: env.LOG_LEVEL || 'info',
    secretKey: env.DOCPUSH_SECRET_KEY || null,
    jobs: {
      backend: oneOf(env, 'DOCPUSH_JOB_BACKEND', ['postgres', 'mongodb'] as const, 'postgres'),
      mongoUrl: env.DOCPUSH_MONGODB_URL || null,
      processEveryMs: duration(env, 'DOCPUSH_JOB_POLL_INTERVAL', '30s'),
      concurrency: integer(env, 'DOCPUSH_JOB_CONCURRENCY', 50, 1, 10000),
      // The lock must outlive the longest attempt, or a second worker would start the same
      // delivery while the first still waits on the listener; four times the attempt
      // time-out leaves room for rendering and the log write.
      lockLifetimeMs: duration(env, 'DOCPUSH_JOB_LOCK_LIFETIME', `${Math.max(attemptTimeoutMs * 4, 1000)}ms`),
    },
    delivery: {
      attemptTimeoutMs,
      maxResponseBytes: integer(env, 'DOCPUSH_RESPONSE_BODY_LIMIT', 64 * 1024, 0, 16 * 1024 * 1024),
      retryScheduleMs: env.DOCPUSH_RETRY_SCHEDULE
        ? parseDurationList(env.DOCPUSH_RETRY_SCHEDULE, 'DOCPUSH_RETRY_SCHEDULE')
        : [...DEFAULT_RETRY_SCHEDULE_MS],
      retryJitter: fraction(env, 'DOCPUSH_RETRY_JITTER', 0.2),
      allowHttp: boolean(env, 'DOCPUSH_ALLOW_HTTP', false),
      allowedCidrs: (env.DOCPUSH_ALLOWED_CIDRS ?? '')
        .split(',')
        .map((cidr) => cidr.trim())
        .filter(Boolean),
    },
    retention: { pushLogMs: duration(env, 'DOCPUSH_LOG_RETENTION', '30d') },
    signing: { rotationGraceMs: duration(env, 'DOCPUSH_SECRET_ROTATION_GRACE', '24h') },
  };
}

function duration(env: Env, name: string, fallback: string): number {
  return parseDuration(env[name] || fallback, name);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max}.`);
  }
  return value;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
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
  throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected true or false.`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ValidationError(name, `${name}=${JSON.stringify(raw)} is invalid: expected one of ${allowed.join(', ')}.`);
}
