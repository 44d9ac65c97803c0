import { parentPort } from 'node:worker_threads';
import type { FileType, RenderInput } from './document-content';
import { RenderError, renderDocument } from './render.service';

/** A render request from RenderPool. */
export interface RenderTask {
  id: number;
  input: RenderInput;
  fileType: FileType;
}

/** A render reply to RenderPool: the file, or the RenderError's fields, which structured cloning would drop. */
export type RenderReply =
  | { id: number; ok: true; bytes: Uint8Array; durationMs: number }
  | { id: number; ok: false; error: { format: FileType; reason: string; documentId?: number } };

/** A notice to RenderPool that the thread, with its modules loaded, has started a render. The render's time limit runs from here. */
export interface RenderStarted {
  id: number;
  started: true;
}

if (!parentPort) throw new Error('render.worker must run in a worker thread; create a RenderPool to render in threads.');
const port = parentPort;

port.on('message', (task: RenderTask) => {
  port.postMessage({ id: task.id, started: true } satisfies RenderStarted);
  void renderTask(task).then(
    (reply) => {
      // A file that owns its whole ArrayBuffer moves without a copy. A slice of Node's shared
      // Buffer pool (files under 4 KiB) is copied, because moving it would detach the pool.
      const owned = reply.ok && reply.bytes.byteOffset === 0 && reply.bytes.byteLength === reply.bytes.buffer.byteLength;
      port.postMessage(reply, owned ? [reply.bytes.buffer as ArrayBuffer] : []);
    },
  );
});

async function renderTask(task: RenderTask): Promise<RenderReply> {
  const started = performance.now();
  try {
    const bytes = await renderDocument(task.input, task.fileType);
    return { id: task.id, ok: true, bytes, durationMs: performance.now() - started };
  } catch (error) {
    // renderDocument wraps every failure in a RenderError, so any other error is a bug; it ends the thread.
    if (!(error instanceof RenderError)) throw error;
    return { id: task.id, ok: false, error: { format: error.format, reason: error.reason, documentId: error.documentId } };
  }
}
