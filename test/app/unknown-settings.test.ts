import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { startAppOnDatabase } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';
import { captureLogs } from '../security/security-support';

/** Returns the DOCPUSH_ names in the first column of the README's configuration table. */
function documentedSettings(): string[] {
  const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const firstColumns = readme.split('\n').filter((line) => line.startsWith('| `DOCPUSH_')).map((line) => line.split('|')[1]);
  return [...new Set(firstColumns.flatMap((cell) => cell.match(/DOCPUSH_[A-Z_]+/g) ?? []))];
}

describe('loadConfig unknown settings', () => {
  it('reads every setting in the README table', () => {
    const names = documentedSettings();
    // An empty value leaves each setting at its default, so every name can be set at once.
    const config = loadConfig(Object.fromEntries(names.map((name) => [name, ''])));

    expect(names.length).toBeGreaterThan(30);
    expect(config.unknownSettings).toEqual([]);
  });

  it('suggests the setting a misspelled name is closest to', () => {
    const config = loadConfig({ DOCPUSH_ALLOWED_CIDR: '127.0.0.0/8', DOCPUSH_JOB_CONCURENCY: '5' });

    expect(config.unknownSettings).toEqual([
      { name: 'DOCPUSH_ALLOWED_CIDR', suggestion: 'DOCPUSH_ALLOWED_CIDRS' },
      { name: 'DOCPUSH_JOB_CONCURENCY', suggestion: 'DOCPUSH_JOB_CONCURRENCY' },
    ]);
  });

  it('suggests nothing for a name close to no setting', () => {
    const config = loadConfig({ DOCPUSH_FOO: '1', DOCPUSH_WEBHOOK_SIGNING_MODE: 'strict' });

    expect(config.unknownSettings).toEqual([
      { name: 'DOCPUSH_FOO', suggestion: null },
      { name: 'DOCPUSH_WEBHOOK_SIGNING_MODE', suggestion: null },
    ]);
  });

  it('ignores other variables and those of the scripts', () => {
    const config = loadConfig({ PATH: '/usr/bin', NODE_ENV: 'test', DOCPUSH_KEY: 'dp_admin', DOCPUSH_URL: 'http://127.0.0.1:4000/graphql' });

    expect(config.unknownSettings).toEqual([]);
  });
});

describe('loadConfig unit-less durations', () => {
  it('lists bare numbers', () => {
    const config = loadConfig({ DOCPUSH_ATTEMPT_TIMEOUT: '15', DOCPUSH_RETRY_SCHEDULE: '5s, 300,5m' });

    expect(config.delivery.attemptTimeoutMs).toBe(15);
    expect(config.unitlessDurations).toEqual([
      { name: 'DOCPUSH_ATTEMPT_TIMEOUT', value: '15' },
      { name: 'DOCPUSH_RETRY_SCHEDULE', value: '300' },
    ]);
  });

  it('skips units, zero and defaults', () => {
    const config = loadConfig({ DOCPUSH_ATTEMPT_TIMEOUT: '15s', DOCPUSH_ATTEMPT_WRITE_WAIT: '0', DOCPUSH_RETRY_SCHEDULE: '1s,2500ms' });

    expect(config.unitlessDurations).toEqual([]);
  });
});

describe('start-up with settings to warn about', () => {
  it('logs the unknown and unit-less ones', async () => {
    const database = await createTestDatabase();
    const logs = captureLogs();
    const env = { DOCPUSH_ROLE: 'api', DOCPUSH_ALLOWED_CIDR: '127.0.0.0/8', DOCPUSH_ATTEMPT_TIMEOUT: '15000' };
    try {
      const app = await startAppOnDatabase(database.url, env, { logger: logs.logger });
      await app.stop();
    } finally {
      await database.drop();
    }

    const entries = logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const warning = entries.find((entry) => entry.setting === 'DOCPUSH_ALLOWED_CIDR');
    expect(warning?.level).toBe(40);
    expect(warning?.suggestion).toBe('DOCPUSH_ALLOWED_CIDRS');
    expect(warning?.msg).toBe('DOCPUSH_ALLOWED_CIDR is not a docpush setting and is ignored; did you mean DOCPUSH_ALLOWED_CIDRS?');
    const unitless = entries.find((entry) => entry.setting === 'DOCPUSH_ATTEMPT_TIMEOUT');
    expect(unitless?.level).toBe(40);
    expect(unitless?.msg).toBe(
      'DOCPUSH_ATTEMPT_TIMEOUT contains 15000 without a unit, which reads as 15000 ms; write 15000ms to keep it, or add the unit you meant, such as 15000s.',
    );
  });
});
