import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../common/logger';
import type { FileType, RenderInput } from './document-content';
import { RenderError } from './render.error';
import type { RenderReply, RenderTask } from './render.worker';

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
}

/**
 * Renders documents in a pool of worker threads, so that a large document does not hold up the
 * event loop that sends requests, renews claims and serves the API. Each thread runs one render
 * at a time. Threads start on the first renders that need them and stay until `close`.
 *
 * A RenderError from a thread is raised again as a RenderError with the same message. A thread
 * that exits unexpectedly fails only the render it was running, and the next render starts a
 * new thread.
 */
export class RenderPool {
  private readonly threads: RenderThread[] = [];
  private readonly queue: QueuedRender[] = [];
  private nextTaskId = 1;
  private closed = false;

  constructor(private readonly options: { size: number; logger: Logger }) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) {
      throw new RangeError(`size ${options.size} is invalid: give a whole number of threads, 1 or more.`);
    }
  }

  /** Threads that are running, busy or idle. */
  get threadCount(): number {
    return this.threads.length;
  }

  /** The running threads, for monitoring and tests. */
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
    const thread: RenderThread = { worker: spawnRenderWorker(), current: null };
    this.threads.push(thread);
    thread.worker.on('message', (reply: RenderReply) => this.finish(thread, reply));
    // An uncaught error in the thread is followed by its exit, which fails its render.
    thread.worker.on('error', (error) => this.options.logger.error({ err: error, threadId: thread.worker.threadId }, 'render thread failed'));
    thread.worker.on('exit', (exitCode) => this.removeThread(thread, exitCode));
    this.options.logger.debug({ threadId: thread.worker.threadId, threads: this.threads.length }, 'render thread started');
    return thread;
  }

  private finish(thread: RenderThread, reply: RenderReply): void {
    const render = thread.current;
    if (!render || render.task.id !== reply.id) return;
    thread.current = null;
    if (reply.ok) {
      render.resolve({ bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), durationMs: reply.durationMs });
    } else {
      render.reject(new RenderError(reply.error.format, reply.error.reason, reply.error.documentId));
    }
    this.dispatch();
  }

  private removeThread(thread: RenderThread, exitCode: number): void {
    this.threads.splice(this.threads.indexOf(thread), 1);
    const render = thread.current;
    thread.current = null;
    if (render) {
      const { input, fileType } = render.task;
      const reason = this.closed
        ? 'the render pool was closed while the render was running'
        : `its render thread exited unexpectedly with exit code ${exitCode}; the next render starts a new thread`;
      if (!this.closed) this.options.logger.error({ threadId: thread.worker.threadId, exitCode, documentId: input.document.id, fileType }, 'render thread exited during a render');
      render.reject(new RenderError(fileType, reason, input.document.id));
    }
    if (!this.closed) this.dispatch();
  }
}

/**
 * Starts a thread that runs render.worker. Compiled code loads the compiled worker. Under ts-node
 * or Jest the worker is TypeScript, and a thread inherits no require hook, so the thread registers
 * ts-node itself, with SWC's transpiler when @swc/core is installed (it is a devDependency).
 */
function spawnRenderWorker(): Worker {
  const extension = path.extname(__filename);
  const workerPath = path.join(__dirname, `render.worker${extension}`);
  if (extension !== '.ts') return new Worker(workerPath);

  // ts-node 10.9.2 does not map tsconfig's `"module": "node20"` to SWC's CommonJS output, so the thread asks for CommonJS.
  const tsNode = {
    transpileOnly: true,
    swc: isInstalled('@swc/core'),
    projectSearchDir: __dirname,
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  };
  const bootstrap = `require(${JSON.stringify(require.resolve('ts-node'))}).register(${JSON.stringify(tsNode)}); require(${JSON.stringify(workerPath)});`;
  return new Worker(bootstrap, { eval: true });
}

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
