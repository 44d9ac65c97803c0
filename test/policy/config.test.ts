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

describe('loadConfig DOCPUSH_ATTEMPT_WRITE_WAIT', () => {
  it('defaults to 5 ms and accepts 0', () => {
    expect(loadConfig({}).delivery.attemptWriteWaitMs).toBe(5);
    expect(loadConfig({ DOCPUSH_ATTEMPT_WRITE_WAIT: '0' }).delivery.attemptWriteWaitMs).toBe(0);
  });

  it('names the allowed range', () => {
    expect(errorOf({ DOCPUSH_ATTEMPT_WRITE_WAIT: '2s' }).message).toContain('from 0 to 1000 ms');
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
