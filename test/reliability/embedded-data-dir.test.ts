import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { startDocpushProcess } from './docpush-process';

/** Two starts of docpush in child processes, each with ts-node and an embedded PostgreSQL; the first also runs initdb. */
const TEST_TIMEOUT_MS = 180_000;

const NEW_INSTALLATION_MESSAGE = 'initialised a new embedded PostgreSQL installation with an empty database';

function logEntries(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('embedded PostgreSQL data directory', () => {
  it(
    'warns on a new installation only',
    async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-embedded-'));
      try {
        const first = await startDocpushProcess({ DOCPUSH_DATA_DIR: dataDir });
        expect(await first.kill('SIGTERM')).toEqual({ code: 0, signal: null });
        const second = await startDocpushProcess({ DOCPUSH_DATA_DIR: dataDir });
        expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });

        const warning = logEntries(first.output()).find((entry) => String(entry.msg).startsWith(NEW_INSTALLATION_MESSAGE));
        expect(warning?.level).toBe(40);
        expect(warning?.dataDir).toBe(dataDir);
        expect(warning?.postgresDataDir).toBe(path.join(dataDir, 'postgres'));
        expect(warning?.msg).toContain('set DOCPUSH_DATA_DIR');
        const secondMessages = logEntries(second.output()).map((entry) => String(entry.msg));
        expect(secondMessages).toContain('docpush is ready');
        expect(secondMessages.filter((message) => message.startsWith(NEW_INSTALLATION_MESSAGE))).toEqual([]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('embedded PostgreSQL that exits', () => {
  it(
    'stops docpush with exit code 1',
    async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-embedded-'));
      try {
        const docpush = await startDocpushProcess({ DOCPUSH_DATA_DIR: dataDir });
        const postmasterPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

        // As the OOM killer would end it.
        process.kill(postmasterPid, 'SIGKILL');
        const exit = await docpush.exited;

        expect(exit).toEqual({ code: 1, signal: null });
        const failure = logEntries(docpush.output()).find((entry) => String(entry.msg).startsWith('embedded PostgreSQL exited while docpush was running'));
        expect(failure?.level).toBe(50);
        expect(failure?.signal).toBe('SIGKILL');
        // Exit code 1 comes from the clean stop, not from the shutdown deadline, which exits with 1 too.
        const messages = logEntries(docpush.output()).map((entry) => String(entry.msg));
        expect(messages).toContain('docpush stopped');
        expect(messages).not.toContain('clean shutdown took too long; exiting');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
