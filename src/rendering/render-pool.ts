import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../common/logger';
import type { FileType, RenderInput } from './document-content';
import { RenderError } from './render.error';
import type { RenderReply, RenderStarted, RenderTask } from './render.worker';

/** A rendered file and the time its thread spent rendering it, without the wait in the queue. */
export interface RenderedFile {
  bytes: Buffer;
  durationMs: number;
}

interface QueuedRender {
  task: RenderTask;
  resolve: (file: RenderedFile) => void;
  reject: (error: Error) => void;
}

interface RenderThread {
  worker: Worker;
  /** The render this thread runs, or null while it is idle. */
  current: QueuedRender | null;
  /** Ends the thread when its render runs past the pool's time limit; set while a render runs. */
  deadline: NodeJS.Timeout | null;
  /** Set once the deadline has ended the thread, so its exit fails the render as timed out. */
  timedOut: boolean;
  /** Set when the thread ran out of its heap, so its exit fails the render as too large. */
  outOfMemory: boolean;
}

/**
 * Default heap of a render thread's old generation, in MiB. A render that needs more ends its
 * thread early, instead of growing the worker process by gigabytes until the time limit ends it.
 */
export const DEFAULT_RENDER_HEAP_MB = 1024;

export interface RenderPoolOptions {
  size: number;
  timeoutMs: number;
  logger: Logger;
  /** Old-generation heap of each thread, in MiB; DEFAULT_RENDER_HEAP_MB when left out. */
  maxHeapMb?: number;
}

/**
 * Renders documents in a pool of worker threads, so that a large document does not hold up the
 * event loop that sends requests, renews claims and serves the API. Each thread runs one render
 * at a time. Threads start on the first renders that need them and stay until `close`.
 *
 * A RenderError from a thread is raised again as a RenderError with the same message. A thread
 * that exits unexpectedly fails only the render it was running, and the next render starts a
 * new thread. A render that runs longer than `timeoutMs`, counted from when the thread starts it,
 * ends its thread and fails as a RenderError. A document that never finishes thus cannot hold a
 * thread, and the claim of the attempt waiting for it, forever. Closing the pool fails the renders that have not finished
 * with a plain Error, which is no RenderError, because those attempts were cut off and not failed.
 */
export class RenderPool {
  private readonly threads: RenderThread[] = [];
  private readonly queue: QueuedRender[] = [];
  private nextTaskId = 1;
  private closed = false;

  constructor(private readonly options: RenderPoolOptions) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) {
      throw new RangeError(`size ${options.size} is invalid: give a whole number of threads, 1 or more.`);
    }
  }

  /** Threads that are running, busy or idle. */
  get threadCount(): number {
    return this.threads.length;
  }

  /** Returns the running threads, for monitoring and tests. */
  workers(): Worker[] {
    return this.threads.map((thread) => thread.worker);
  }

  /** Renders `input` to `fileType` in a thread. Throws RenderError as renderDocument does. */
  render(input: RenderInput, fileType: FileType): Promise<RenderedFile> {
    if (this.closed) return Promise.reject(new Error('The render pool is closed, so the document was not rendered.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextTaskId++, input, fileType }, resolve, reject });
      this.dispatch();
    });
  }

  /** Fails the queued renders and the running ones, and waits until every thread has exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) queued.reject(new Error('The render pool was closed before the render started.'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.threads.find((candidate) => candidate.current === null) ?? this.startThread();
      if (!thread) return;
      thread.current = this.queue.shift()!;
      thread.worker.postMessage(thread.current.task);
    }
  }

  private startThread(): RenderThread | null {
    if (this.threads.length >= this.options.size) return null;
    const thread: RenderThread = {
      worker: spawnRenderWorker({ maxOldGenerationSizeMb: this.options.maxHeapMb ?? DEFAULT_RENDER_HEAP_MB }),
      current: null,
      deadline: null,
      timedOut: false,
      outOfMemory: false,
    };
    this.threads.push(thread);
    thread.worker.on('message', (message: RenderReply | RenderStarted) => {
      if ('started' in message) this.onStarted(thread, message);
      else this.finish(thread, message);
    });
    // An uncaught error in the thread is followed by its exit, which fails its render.
    thread.worker.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') thread.outOfMemory = true;
      else this.options.logger.error({ err: error, threadId: thread.worker.threadId }, 'render thread failed');
    });
    thread.worker.on('exit', (exitCode) => this.removeThread(thread, exitCode));
    this.options.logger.debug({ threadId: thread.worker.threadId, threads: this.threads.length }, 'render thread started');
    return thread;
  }

  private finish(thread: RenderThread, reply: RenderReply): void {
    const render = thread.current;
    if (!render || render.task.id !== reply.id) return;
    thread.current = null;
    this.clearDeadline(thread);
    if (reply.ok) {
      render.resolve({ bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), durationMs: reply.durationMs });
    } else {
      render.reject(new RenderError(reply.error.format, reply.error.reason, reply.error.documentId));
    }
    this.dispatch();
  }

  /** Starts the time limit of the thread's render once the thread has begun it, so that loading a new thread's modules does not count. */
  private onStarted(thread: RenderThread, started: RenderStarted): void {
    if (thread.current?.task.id === started.id) this.armDeadline(thread);
  }

  private armDeadline(thread: RenderThread): void {
    this.clearDeadline(thread);
    thread.deadline = setTimeout(() => {
      thread.timedOut = true;
      void thread.worker.terminate();
    }, this.options.timeoutMs);
    thread.deadline.unref();
  }

  private clearDeadline(thread: RenderThread): void {
    if (thread.deadline) clearTimeout(thread.deadline);
    thread.deadline = null;
  }

  private removeThread(thread: RenderThread, exitCode: number): void {
    this.threads.splice(this.threads.indexOf(thread), 1);
    this.clearDeadline(thread);
    const render = thread.current;
    thread.current = null;
    if (render) render.reject(this.failureOf(thread, render, exitCode));
    if (!this.closed) this.dispatch();
  }

  /** Returns the error of the render that a thread was running when it exited, and logs the exit unless the pool closed. */
  private failureOf(thread: RenderThread, render: QueuedRender, exitCode: number): Error {
    if (this.closed) return new Error('The render pool was closed while the render was running, so the document was not rendered.');
    const { input, fileType } = render.task;
    const ids = { threadId: thread.worker.threadId, documentId: input.document.id, fileType };
    if (thread.timedOut) {
      this.options.logger.error({ ...ids, timeoutMs: this.options.timeoutMs }, 'render timed out; its thread was ended');
      return new RenderError(fileType, `the render timed out after ${this.options.timeoutMs} ms, so its thread was ended`, input.document.id);
    }
    if (thread.outOfMemory) {
      const heapMb = this.options.maxHeapMb ?? DEFAULT_RENDER_HEAP_MB;
      this.options.logger.error({ ...ids, heapMb }, 'render ran out of its thread heap; its thread was ended');
      return new RenderError(fileType, `the render needed more than the ${heapMb} MiB heap of its thread, so the document is too large to render`, input.document.id);
    }
    this.options.logger.error({ ...ids, exitCode }, 'render thread exited during a render');
    return new RenderError(fileType, `its render thread exited unexpectedly with exit code ${exitCode}; the next render starts a new thread`, input.document.id);
  }
}

/**
 * Starts a thread that runs render.worker. Compiled code loads the compiled worker. Under ts-node
 * or Jest the worker is TypeScript, and a thread inherits no require hook, so the thread registers
 * ts-node itself, with SWC's transpiler when @swc/core is installed (it is a devDependency).
 */
function spawnRenderWorker(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  const extension = path.extname(__filename);
  const workerPath = path.join(__dirname, `render.worker${extension}`);
  if (extension !== '.ts') return new Worker(workerPath, { resourceLimits });

  // ts-node 10.9.2 does not map tsconfig's `"module": "node20"` to SWC's CommonJS output, so the thread requests CommonJS.
  const tsNode = {
    transpileOnly: true,
    swc: isInstalled('@swc/core'),
    projectSearchDir: __dirname,
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  };
  const bootstrap = `require(${JSON.stringify(require.resolve('ts-node'))}).register(${JSON.stringify(tsNode)}); require(${JSON.stringify(workerPath)});`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
