import pino from 'pino';
import type { RenderInput } from '../../src/rendering/document-content';
import { RenderPool } from '../../src/rendering/render-pool';
import { RenderError, renderDocument } from '../../src/rendering/render.service';
import { buildSampleInput } from './sample-input';

jest.setTimeout(60_000);

const LARGE_PARAGRAPH = 'The Provider shall operate the platform with due care and report every incident. '.repeat(6);

/** Builds a contract of about 1900 paragraphs, whose PDF took about 0.8 s to render on the 2-core test machine. */
function buildLargeInput(): RenderInput {
  const input = buildSampleInput();
  input.document.content = { title: 'Service Agreement', blocks: Array.from({ length: 1900 }, () => ({ kind: 'paragraph' as const, text: LARGE_PARAGRAPH })) };
  return input;
}

/** Returns the longest time, in ms, that a 5 ms interval timer was late while `work` ran. */
async function longestTimerDelay(work: Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    longest = Math.max(longest, performance.now() - last);
    last = performance.now();
  }, 5);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

async function caughtError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

let pool: RenderPool;

beforeEach(() => {
  pool = new RenderPool({ size: 1, timeoutMs: 30_000, logger: pino({ level: 'silent' }) });
});

afterEach(async () => {
  await pool.close();
});

describe('RenderPool', () => {
  it('starts threads on the first render', async () => {
    expect(pool.threadCount).toBe(0);

    const file = await pool.render(buildSampleInput(), 'pdf');

    expect(pool.threadCount).toBe(1);
    expect(file.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(file.durationMs).toBeGreaterThan(0);
  });

  it('keeps the event loop free during a large render', async () => {
    await pool.render(buildSampleInput(), 'txt');

    const delayMs = await longestTimerDelay(pool.render(buildLargeInput(), 'pdf'));

    // Rendered in line, this PDF blocks the event loop for most of a second.
    expect(delayMs).toBeLessThan(250);
  });

  it('returns the same files as renderDocument', async () => {
    const input = buildSampleInput();

    for (const fileType of ['txt', 'html', 'xml', 'rtf'] as const) {
      const file = await pool.render(input, fileType);
      expect(file.bytes.equals(await renderDocument(input, fileType))).toBe(true);
    }
  });

  it('raises a RenderError with the message of renderDocument', async () => {
    const input = buildSampleInput({ fontSize: 0 });
    const expected = await caughtError(renderDocument(input, 'rtf'));

    const error = await caughtError(pool.render(input, 'rtf'));

    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toBe((expected as RenderError).message);
    expect((error as RenderError).format).toBe('rtf');
    expect((error as RenderError).documentId).toBe(input.document.id);
  });

  it('fails only the running render when its thread exits', async () => {
    await pool.render(buildSampleInput(), 'txt');
    const [thread] = pool.workers();

    const running = caughtError(pool.render(buildLargeInput(), 'pdf'));
    const queued = pool.render(buildSampleInput(), 'pdf');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await thread.terminate();

    const error = await running;
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toContain('render thread exited unexpectedly with exit code 1');
    const file = await queued;
    expect(file.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pool.threadCount).toBe(1);
    expect(pool.workers()[0]).not.toBe(thread);
  });

  it('ends a render past its time limit', async () => {
    const limited = new RenderPool({ size: 1, timeoutMs: 100, logger: pino({ level: 'silent' }) });
    try {
      await limited.render(buildSampleInput(), 'txt');
      const [thread] = limited.workers();

      const error = await caughtError(limited.render(buildLargeInput(), 'pdf'));

      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).message).toContain('the render timed out after 100 ms, so its thread was ended');
      const file = await limited.render(buildSampleInput(), 'txt');
      expect(file.bytes.length).toBeGreaterThan(0);
      expect(limited.workers()[0]).not.toBe(thread);
    } finally {
      await limited.close();
    }
  });

  it('fails a render that outgrows its heap', async () => {
    // 16 MiB is less than loading the renderer takes, so the thread runs out before the render can end.
    const small = new RenderPool({ size: 1, timeoutMs: 60_000, logger: pino({ level: 'silent' }), maxHeapMb: 16 });
    try {
      const error = await caughtError(small.render(buildLargeInput(), 'pdf'));

      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).message).toContain('the render needed more than the 16 MiB heap of its thread, so the document is too large to render');
    } finally {
      await small.close();
    }
  });

  it('fails running renders on close without RenderError', async () => {
    await pool.render(buildSampleInput(), 'txt');

    const running = caughtError(pool.render(buildLargeInput(), 'pdf'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pool.close();

    const error = await running;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RenderError);
    expect((error as Error).message).toBe('The render pool was closed while the render was running, so the document was not rendered.');
  });

  it('ends its threads on close', async () => {
    await pool.render(buildSampleInput(), 'txt');
    const [thread] = pool.workers();
    const exited = new Promise((resolve) => thread.once('exit', resolve));

    await pool.close();

    await expect(exited).resolves.toBe(1);
    expect(pool.threadCount).toBe(0);
    await expect(pool.render(buildSampleInput(), 'txt')).rejects.toThrow('The render pool is closed');
  });
});
