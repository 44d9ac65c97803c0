import { Writable } from 'node:stream';
import pino from 'pino';
import { throttledLog } from '../../src/common/throttled-log';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('throttledLog', () => {
  it('logs once per interval and counts the rest', () => {
    const { logger, lines } = capturingLogger();
    const warn = throttledLog(logger, 'connection lost', 60_000);

    for (let i = 0; i < 4; i += 1) warn(new Error(`failure ${i}`));

    expect(lines).toHaveLength(1);
    expect(lines[0].msg).toBe('connection lost');
    expect(lines[0].suppressedSinceLast).toBe(0);
    expect((lines[0].err as { message: string }).message).toBe('failure 0');
  });

  it('logs every warning with a zero interval', () => {
    const { logger, lines } = capturingLogger();
    const warn = throttledLog(logger, 'connection lost', 0);

    warn(new Error('first'));
    warn(new Error('second'));

    expect(lines.map((line) => (line.err as { message: string }).message)).toEqual(['first', 'second']);
  });

  it('logs at error level when asked', () => {
    const { logger, lines } = capturingLogger();
    const report = throttledLog(logger, 'job queue error', 60_000, 'error');

    report(new Error('first'));
    report(new Error('second'));

    expect(lines.map((line) => [line.level, line.msg])).toEqual([[50, 'job queue error']]);
  });
});
