import { spawn } from 'node:child_process';
import readline from 'node:readline';
import WebSocket from 'ws';
import { isInspectorNotice } from '../../bench/docpush-processes';

/**
 * Starts Node with the inspector on a free port of 127.0.0.1, attaches a client and keeps it
 * attached until the process waits for it at exit, so the process prints every inspector notice.
 * The process also emits a warning. Returns every stderr line.
 */
function collectStderrOfInspectedProcess(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', "process.emitWarning('bench test warning'); setTimeout(() => {}, 300);"], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lines: string[] = [];
    let client: WebSocket | null = null;
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      const url = /^Debugger listening on (ws:\/\/\S+)$/.exec(line)?.[1];
      if (url) {
        client = new WebSocket(url);
        client.on('error', reject);
      }
      if (line === 'Waiting for the debugger to disconnect...') client?.close();
    });
    child.once('error', reject);
    child.once('close', () => resolve(lines));
  });
}

describe('isInspectorNotice', () => {
  it('matches each notice of a real inspector', async () => {
    const lines = await collectStderrOfInspectedProcess();
    const notices = lines.filter((line) => isInspectorNotice(line));
    const others = lines.filter((line) => !isInspectorNotice(line));

    expect(notices.some((line) => line.startsWith('Debugger listening on ws://127.0.0.1:'))).toBe(true);
    expect(notices).toContain('Debugger attached.');
    expect(notices).toContain('Waiting for the debugger to disconnect...');
    expect(notices.some((line) => line.startsWith('For help, see: '))).toBe(true);
    expect(others).toHaveLength(2);
    expect(others[0]).toMatch(/^\(node:\d+\) Warning: bench test warning$/);
    expect(others[1]).toMatch(/^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)$/);
  });

  it('leaves failed start unmatched', () => {
    expect(isInspectorNotice('Starting inspector on 127.0.0.1:0 failed: address already in use')).toBe(false);
  });
});
