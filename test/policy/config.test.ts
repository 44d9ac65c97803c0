import { ValidationError } from '../../src/common/errors';
import { loadConfig } from '../../src/config/config';

function errorOf(env: Record<string, string>): ValidationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig timer settings', () => {
  it.each([
    ['DOCPUSH_AUTH_RECHECK_INTERVAL', '0'],
    ['DOCPUSH_AUTH_RECHECK_INTERVAL', '30d'],
    ['DOCPUSH_JOB_POLL_INTERVAL', '30d'],
    ['DOCPUSH_ATTEMPT_TIMEOUT', '0'],
    ['DOCPUSH_ATTEMPT_WRITE_WAIT', '2s'],
  ])('rejects %s=%s', (name, value) => {
    const error = errorOf({ [name]: value });

    expect(error.field).toBe(name);
    expect(error.message).toContain(`${name}="${value}"`);
  });

  it('accepts intervals up to 24 days', () => {
    const config = loadConfig({ DOCPUSH_AUTH_RECHECK_INTERVAL: '24d', DOCPUSH_JOB_POLL_INTERVAL: '24d' });

    expect(config.api.authRecheckIntervalMs).toBe(24 * 86_400_000);
    expect(config.jobs.processEveryMs).toBe(24 * 86_400_000);
  });
});

describe('loadConfig DOCPUSH_JOB_LOCK_LIFETIME', () => {
  // The lifetime is also the time limit of each render, which a longer Node timer ends at once.
  it('rejects a lifetime over 24 days', () => {
    const error = errorOf({ DOCPUSH_JOB_LOCK_LIFETIME: '30d' });

    expect(error.field).toBe('DOCPUSH_JOB_LOCK_LIFETIME');
    expect(error.message).toContain('DOCPUSH_JOB_LOCK_LIFETIME="30d" is invalid');
    expect(error.message).toContain('at most 2147483647 ms (about 24.8 days, such as 24d)');
  });

  it('accepts 24 days', () => {
    expect(loadConfig({ DOCPUSH_JOB_LOCK_LIFETIME: '24d' }).jobs.lockLifetimeMs).toBe(24 * 86_400_000);
  });

  it('caps the default at the timer maximum', () => {
    const env = { DOCPUSH_ATTEMPT_TIMEOUT: '7d', DOCPUSH_LOG_RETENTION: '365d' };

    expect(loadConfig(env).jobs.lockLifetimeMs).toBe(2 ** 31 - 1);
  });

  it('names the attempt time-out when no default fits', () => {
    const error = errorOf({ DOCPUSH_ATTEMPT_TIMEOUT: '25d', DOCPUSH_LOG_RETENTION: '1000d' });

    expect(error.field).toBe('DOCPUSH_ATTEMPT_TIMEOUT');
    expect(error.message).toContain('DOCPUSH_ATTEMPT_TIMEOUT="25d" is invalid');
    expect(error.message).toContain('below 24d');
  });
});

// These durations are added to or subtracted from now. PostgreSQL accepts such a time in the form MikroORM sends only from
// year 1 to 9999, and a JavaScript Date only up to year 275760, so all of them share the cap of 365000d.
const DURATIONS_FROM_NOW = [
  'DOCPUSH_LOG_RETENTION',
  'DOCPUSH_SWEEP_GRACE',
  'DOCPUSH_CONNECTION_BUSY_DELAY',
  'DOCPUSH_SECRET_ROTATION_GRACE',
  'DOCPUSH_SWEEP_INTERVAL',
  'DOCPUSH_RETENTION_INTERVAL',
  'DOCPUSH_QUEUE_VACUUM_INTERVAL',
];

describe('loadConfig durations from now', () => {
  it.each(DURATIONS_FROM_NOW)('rejects %s over 1,000 years', (name) => {
    const error = errorOf({ [name]: '1000000d' });

    expect(error.field).toBe(name);
    expect(error.message).toContain(`${name}="1000000d" is invalid`);
    expect(error.message).toContain('at most 365000d (about 1,000 years)');
  });

  it('accepts 365000d', () => {
    const config = loadConfig(Object.fromEntries(DURATIONS_FROM_NOW.map((name) => [name, '365000d'])));

    expect(config.retention.pushLogMs).toBe(365_000 * 86_400_000);
    expect(config.jobs.sweepGraceMs).toBe(365_000 * 86_400_000);
    expect(config.delivery.connectionBusyDelayMs).toBe(365_000 * 86_400_000);
    expect(config.signing.rotationGraceMs).toBe(365_000 * 86_400_000);
    expect(config.jobs.sweepIntervalMs).toBe(365_000 * 86_400_000);
    expect(config.retention.intervalMs).toBe(365_000 * 86_400_000);
    expect(config.jobs.queueVacuumIntervalMs).toBe(365_000 * 86_400_000);
  });
});

describe('loadConfig number settings', () => {
  it.each([
    ['PORT', ' '],
    ['PORT', '0x10'],
    ['DOCPUSH_DB_POOL_SIZE', '1e2'],
    ['DOCPUSH_MAX_QUERY_ALIASES', '\t'],
    ['DOCPUSH_RESPONSE_BODY_LIMIT', ' '],
    ['DOCPUSH_RENDER_CACHE_SIZE', ' '],
    ['DOCPUSH_RENDER_THREADS', '0x2'],
    ['DOCPUSH_RETRY_JITTER', ' '],
  ])('rejects %s=%j', (name, value) => {
    const error = errorOf({ [name]: value });

    expect(error.field).toBe(name);
    expect(error.message).toContain(`${name}=${JSON.stringify(value)} is invalid`);
  });

  it('accepts decimal numbers with spaces around them', () => {
    const config = loadConfig({ PORT: ' 4001 ', DOCPUSH_RETRY_JITTER: '.5', DOCPUSH_RESPONSE_BODY_LIMIT: '0' });

    expect(config.port).toBe(4001);
    expect(config.delivery.retryJitter).toBe(0.5);
    expect(config.delivery.maxResponseBytes).toBe(0);
  });
});

describe('loadConfig DOCPUSH_ATTEMPT_WRITE_WAIT', () => {
  it('defaults to 5 ms and accepts 0', () => {
    expect(loadConfig({}).delivery.attemptWriteWaitMs).toBe(5);
    expect(loadConfig({ DOCPUSH_ATTEMPT_WRITE_WAIT: '0' }).delivery.attemptWriteWaitMs).toBe(0);
  });

  it('names the allowed range', () => {
    expect(errorOf({ DOCPUSH_ATTEMPT_WRITE_WAIT: '2s' }).message).toContain('from 0 to 1000 ms');
  });
});

describe('loadConfig database time-outs', () => {
  it('defaults both to 5 s', () => {
    const config = loadConfig({});

    expect(config.databaseConnectTimeoutMs).toBe(5_000);
    expect(config.databaseAcquireTimeoutMs).toBe(5_000);
  });

  it('default acquire time-out follows connect', () => {
    const config = loadConfig({ DOCPUSH_DB_CONNECT_TIMEOUT: '8s' });

    expect(config.databaseConnectTimeoutMs).toBe(8_000);
    expect(config.databaseAcquireTimeoutMs).toBe(8_000);
  });

  it('accepts an acquire time-out above the connect time-out', () => {
    const config = loadConfig({ DOCPUSH_DB_CONNECT_TIMEOUT: '500ms', DOCPUSH_DB_ACQUIRE_TIMEOUT: '10s' });

    expect(config.databaseConnectTimeoutMs).toBe(500);
    expect(config.databaseAcquireTimeoutMs).toBe(10_000);
  });

  it.each(['DOCPUSH_DB_CONNECT_TIMEOUT', 'DOCPUSH_DB_ACQUIRE_TIMEOUT'])('rejects %s=0', (name) => {
    const error = errorOf({ [name]: '0' });

    expect(error.field).toBe(name);
    expect(error.message).toContain(`${name}="0"`);
  });

  it('rejects an acquire time-out below the connect time-out', () => {
    const error = errorOf({ DOCPUSH_DB_CONNECT_TIMEOUT: '10s', DOCPUSH_DB_ACQUIRE_TIMEOUT: '5s' });

    expect(error.field).toBe('DOCPUSH_DB_ACQUIRE_TIMEOUT');
    expect(error.message).toContain('DOCPUSH_DB_ACQUIRE_TIMEOUT="5s" (5000 ms)');
    expect(error.message).toContain('at least DOCPUSH_DB_CONNECT_TIMEOUT (10000 ms)');
  });
});

describe('loadConfig LOG_LEVEL', () => {
  it('names the setting and the pino levels', () => {
    const error = errorOf({ LOG_LEVEL: 'verbose' });

    expect(error.field).toBe('LOG_LEVEL');
    expect(error.message).toContain('LOG_LEVEL="verbose"');
    expect(error.message).toContain('debug');
  });
});

describe('loadConfig LOG_FORMAT', () => {
  it('accepts json and unset', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({}).logFormat).toBeNull();
  });

  it('rejects an unknown format', () => {
    const error = errorOf({ LOG_FORMAT: 'xml' });

    expect(error.field).toBe('LOG_FORMAT');
    expect(error.message).toContain('LOG_FORMAT="xml"');
    expect(error.message).toContain('expected json');
  });
});

describe('loadConfig DATABASE_URL', () => {
  it.each([
    ['postgres://docpush:pass%zzword@127.0.0.1:5432/docpush', 'password'],
    ['postgres://do%2cpush%@127.0.0.1:5432/docpush', 'user name'],
    ['postgres://docpush@127.0.0.1:5432/doc%push', 'database name'],
  ])('rejects a malformed percent-encoding in %s', (value, part) => {
    const error = errorOf({ DATABASE_URL: value });

    expect(error.field).toBe('DATABASE_URL');
    expect(error.message).toContain(`DATABASE_URL has an invalid percent-encoding in its ${part}`);
    expect(error.message).toContain('%25');
    expect(error.message).not.toContain('pass%zzword');
  });

  it('accepts a percent-encoded password', () => {
    const value = 'postgres://docpush:p%40ss%25word@127.0.0.1:5432/docpush';

    expect(loadConfig({ DATABASE_URL: value }).databaseUrl).toBe(value);
  });

  it('rejects text without a scheme', () => {
    const error = errorOf({ DATABASE_URL: 'notaurl' });

    expect(error.field).toBe('DATABASE_URL');
    expect(error.message).toContain('DATABASE_URL is not a PostgreSQL URL: it has no scheme.');
    expect(error.message).toContain('postgres://user:password@db.example.com:5432/docpush');
  });

  it('names another scheme, not the value', () => {
    const error = errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/app' });

    expect(error.message).toContain('it starts with "mysql:"');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['  postgres://u@127.0.0.1/db', 'it starts or ends with a space'],
    ['postgres:/db', '"postgres:" is not followed by "//"'],
  ])('names the fault in %j', (value, fault) => {
    expect(errorOf({ DATABASE_URL: value }).message).toContain(`DATABASE_URL is not a PostgreSQL URL: ${fault}.`);
  });

  it('accepts both PostgreSQL schemes', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).databaseUrl).toBe('postgres://u@127.0.0.1/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@127.0.0.1/db' }).databaseUrl).toBe('postgresql://u@127.0.0.1/db');
  });
});

describe('loadConfig DOCPUSH_RETRY_SCHEDULE', () => {
  it('rejects a retry over 30 days', () => {
    const error = errorOf({ DOCPUSH_RETRY_SCHEDULE: '5s, 31d', DOCPUSH_LOG_RETENTION: '100d' });

    expect(error.field).toBe('DOCPUSH_RETRY_SCHEDULE');
    expect(error.message).toContain('item 2, "31d", longer than 30d');
    expect(error.message).toContain('Use at most 30d per retry');
  });

  it('accepts 30 days per retry', () => {
    const config = loadConfig({ DOCPUSH_RETRY_SCHEDULE: '30d,30d', DOCPUSH_RETRY_JITTER: '0', DOCPUSH_LOG_RETENTION: '61d' });

    expect(config.delivery.retryScheduleMs).toEqual([30 * 86_400_000, 30 * 86_400_000]);
  });
});

describe('loadConfig DOCPUSH_LOG_RETENTION against retries', () => {
  const SECOND = 1_000;
  const HOUR = 3_600_000;
  // Default schedule at its longest: the 5 steps up to 5 h wait the 10 h longest step (a long
  // Retry-After), the two 10 h steps wait 12 h (+20% jitter), and each of 8 attempts may take 15 s.
  const DEFAULT_SPAN_MS = 5 * 10 * HOUR + 2 * 12 * HOUR + 8 * 15 * SECOND;

  it('rejects 1h with the default schedule', () => {
    const error = errorOf({ DOCPUSH_LOG_RETENTION: '1h' });

    expect(error.field).toBe('DOCPUSH_LOG_RETENTION');
    expect(error.message).toContain('DOCPUSH_LOG_RETENTION="1h" (3600000 ms) is shorter than');
    expect(error.message).toContain(`${DEFAULT_SPAN_MS} ms (3d 2h 2m)`);
    expect(error.message).toContain('DOCPUSH_RETRY_SCHEDULE (default 5s,5m,30m,2h,5h,10h,10h)');
    expect(error.message).toContain('DOCPUSH_RETRY_JITTER (default 0.2)');
    expect(error.message).toContain('DOCPUSH_ATTEMPT_TIMEOUT (default 15s) for each of 8 attempts');
    expect(error.message).toContain('Raise DOCPUSH_LOG_RETENTION to at least 75h, or shorten DOCPUSH_RETRY_SCHEDULE.');
  });

  it('quotes a long schedule cut', () => {
    const schedule = Array(1000).fill('1h').join(',');
    const error = errorOf({ DOCPUSH_RETRY_SCHEDULE: schedule });

    expect(error.field).toBe('DOCPUSH_LOG_RETENTION');
    expect(error.message).toContain(`DOCPUSH_RETRY_SCHEDULE="${schedule.slice(0, 120)}… (${schedule.length} characters)"`);
    expect(error.message.length).toBeLessThan(1200);
  });

  it('rejects 1 ms below the span', () => {
    const error = errorOf({ DOCPUSH_LOG_RETENTION: `${DEFAULT_SPAN_MS - 1}ms` });

    expect(error.field).toBe('DOCPUSH_LOG_RETENTION');
  });

  it('accepts exactly the span', () => {
    expect(loadConfig({ DOCPUSH_LOG_RETENTION: `${DEFAULT_SPAN_MS}ms` }).retention.pushLogMs).toBe(DEFAULT_SPAN_MS);
  });

  it('accepts the suggested value', () => {
    expect(loadConfig({ DOCPUSH_LOG_RETENTION: '75h' }).retention.pushLogMs).toBe(75 * HOUR);
  });

  it('accepts the defaults', () => {
    expect(loadConfig({}).retention.pushLogMs).toBe(30 * 24 * HOUR);
  });

  it('accepts a short retention for a short schedule', () => {
    // 2 delays of 1 s, plus 3 attempts of at most 1 s.
    const env = { DOCPUSH_RETRY_SCHEDULE: '1s,1s', DOCPUSH_RETRY_JITTER: '0', DOCPUSH_ATTEMPT_TIMEOUT: '1s' };

    expect(loadConfig({ ...env, DOCPUSH_LOG_RETENTION: '5s' }).retention.pushLogMs).toBe(5 * SECOND);
    expect(errorOf({ ...env, DOCPUSH_LOG_RETENTION: '4999ms' }).field).toBe('DOCPUSH_LOG_RETENTION');
  });

  it('counts the jitter', () => {
    // 10 s at +50%, plus 2 attempts of at most 1 s.
    const env = { DOCPUSH_RETRY_SCHEDULE: '10s', DOCPUSH_RETRY_JITTER: '0.5', DOCPUSH_ATTEMPT_TIMEOUT: '1s' };

    expect(loadConfig({ ...env, DOCPUSH_LOG_RETENTION: '17s' }).retention.pushLogMs).toBe(17 * SECOND);
    expect(errorOf({ ...env, DOCPUSH_LOG_RETENTION: '16999ms' }).message).toContain('17000 ms (17s)');
  });

  it('counts the longest step for every retry', () => {
    // A Retry-After on 429 or 503 may stretch the 1 s delay to the 10 s longest step: 20 s of
    // delays, plus 3 attempts of at most 1 s.
    const env = { DOCPUSH_RETRY_SCHEDULE: '1s,10s', DOCPUSH_RETRY_JITTER: '0', DOCPUSH_ATTEMPT_TIMEOUT: '1s' };

    expect(loadConfig({ ...env, DOCPUSH_LOG_RETENTION: '23s' }).retention.pushLogMs).toBe(23 * SECOND);
    expect(errorOf({ ...env, DOCPUSH_LOG_RETENTION: '22999ms' }).message).toContain('23000 ms (23s)');
  });

  it('rejects a long schedule with the default retention', () => {
    const error = errorOf({ DOCPUSH_RETRY_SCHEDULE: '10d,10d,10d,10d' });

    expect(error.field).toBe('DOCPUSH_LOG_RETENTION');
    expect(error.message).toContain('DOCPUSH_LOG_RETENTION (default 30d, 2592000000 ms) is shorter than');
    expect(error.message).toContain('the 4 retry delays of DOCPUSH_RETRY_SCHEDULE="10d,10d,10d,10d"');
    expect(error.message).toContain('at least 49d');
  });
});

describe('loadConfig DOCPUSH_DETAIL_LINK_BASE_URL', () => {
  const NAME = 'DOCPUSH_DETAIL_LINK_BASE_URL';

  it('is null when unset or empty', () => {
    expect(loadConfig({}).delivery.detailLinkBaseUrl).toBeNull();
    expect(loadConfig({ [NAME]: '' }).delivery.detailLinkBaseUrl).toBeNull();
  });

  it.each([
    ['https://platform.example', 'https://platform.example'],
    ['https://platform.example/', 'https://platform.example'],
    ['https://platform.example/legito//', 'https://platform.example/legito'],
    ['http://127.0.0.1:8080/ui', 'http://127.0.0.1:8080/ui'],
    ['HTTPS://Platform.Example:443/UI/', 'https://platform.example/UI'],
  ])('reads %s as %s', (value, expected) => {
    expect(loadConfig({ [NAME]: value }).delivery.detailLinkBaseUrl).toBe(expected);
  });

  it.each([
    ['/legito', 'it is not an absolute URL'],
    ['platform.example/legito', 'it is not an absolute URL'],
    ['ftp://platform.example/', 'its scheme is "ftp:", not http: or https:'],
    ['https://platform.example/?lang=cs', 'it has a query ("?…")'],
    ['https://platform.example/legito?', 'it has a query ("?…")'],
    ['https://platform.example/#/records', 'it has a fragment ("#…")'],
    ['https://platform.example/legito?lang=cs#top', 'it has a fragment ("#…")'],
    [' https://platform.example', 'it starts or ends with a space'],
  ])('rejects %j', (value, fault) => {
    const error = errorOf({ [NAME]: value });

    expect(error.field).toBe(NAME);
    expect(error.message).toContain(`${NAME}=${JSON.stringify(value)} is invalid: ${fault}.`);
    expect(error.message).toContain('Expected the absolute http or https URL of the platform\'s UI, without query or fragment, such as https://app.example.com');
    expect(error.message).toContain('Leave it unset to push the relative path /document-records/<code>.');
  });

  it('rejects a password without quoting it', () => {
    const error = errorOf({ [NAME]: 'https://viewer:hunter2@platform.example/' });

    expect(error.field).toBe(NAME);
    expect(error.message).toContain(`${NAME} is invalid: it contains a user name or password, which every listener would receive.`);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('loadConfig DOCPUSH_TRUSTED_PROXIES', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).api.trustedProxies).toEqual([]);
  });

  it('accepts addresses and ranges', () => {
    const config = loadConfig({ DOCPUSH_TRUSTED_PROXIES: ' 10.0.0.5, 10.1.0.0/16,, fd00::/8, ::1 ' });

    expect(config.api.trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1']);
  });

  it.each([
    ['proxy.example.com', 'expected an IP address or a CIDR range such as 10.0.0.5, 10.0.0.0/8 or fd00::/8.'],
    ['10.0.0.5:8080', 'expected an IP address or a CIDR range such as 10.0.0.5, 10.0.0.0/8 or fd00::/8.'],
    ['10.0.0.1/8', 'host bits are set, so use 10.0.0.0/8.'],
    ['10.0.0.0/33', 'the prefix length must be from 0 to 32.'],
    ['127.1/8', '"127.1" is not an IPv4 or IPv6 address.'],
  ])('rejects %j', (entry, reason) => {
    const error = errorOf({ DOCPUSH_TRUSTED_PROXIES: `10.0.0.5, ${entry}` });

    expect(error.field).toBe('DOCPUSH_TRUSTED_PROXIES');
    expect(error.message).toBe(`DOCPUSH_TRUSTED_PROXIES entry ${JSON.stringify(entry)} is invalid: ${reason}`);
  });
});

describe('loadConfig DOCPUSH_SHUTDOWN_TIMEOUT', () => {
  it('defaults to 14 s after the drain deadline', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(30_000);
    expect(loadConfig({ DOCPUSH_ATTEMPT_TIMEOUT: '60s' }).shutdownTimeoutMs).toBe(75_000);
  });

  it('rejects a time-out within the drain deadline', () => {
    const error = errorOf({ DOCPUSH_ATTEMPT_TIMEOUT: '60s', DOCPUSH_SHUTDOWN_TIMEOUT: '30s' });

    expect(error.field).toBe('DOCPUSH_SHUTDOWN_TIMEOUT');
    expect(error.message).toBe(
      'DOCPUSH_SHUTDOWN_TIMEOUT="30s" (30000 ms) must be longer than the drain deadline of a stopping worker, ' +
        'DOCPUSH_ATTEMPT_TIMEOUT plus 1 s (61000 ms); raise it, or leave it unset to get the drain deadline plus 14 s.',
    );
  });

  it('accepts a time-out past the drain deadline', () => {
    expect(loadConfig({ DOCPUSH_ATTEMPT_TIMEOUT: '1s', DOCPUSH_SHUTDOWN_TIMEOUT: '3s' }).shutdownTimeoutMs).toBe(3_000);
  });
});
