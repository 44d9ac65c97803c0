import { availableParallelism } from 'node:os';
import { loadConfig } from '../../src/config/config';

describe('DOCPUSH_RENDER_THREADS', () => {
  it('defaults to one less than the cores', () => {
    expect(loadConfig({}).attachments.renderThreads).toBe(Math.max(1, availableParallelism() - 1));
  });

  it('reads a whole number of threads', () => {
    expect(loadConfig({ DOCPUSH_RENDER_THREADS: '3' }).attachments.renderThreads).toBe(3);
  });

  it.each(['0', '1.5', 'four', '257'])('rejects %s', (value) => {
    expect(() => loadConfig({ DOCPUSH_RENDER_THREADS: value })).toThrow(
      `DOCPUSH_RENDER_THREADS=${JSON.stringify(value)} is invalid: expected a whole number of render threads from 1 to 256`,
    );
    expect(() => loadConfig({ DOCPUSH_RENDER_THREADS: value })).toThrow('leave it unset for one less than the available cores');
  });
});
