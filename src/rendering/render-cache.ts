import { createHash } from 'node:crypto';
import type { FileType, RenderInput } from './document-content';

const MIB = 1024 * 1024;

export const DEFAULT_RENDER_CACHE_MAX_BYTES = 64 * MIB;

/** By default a file larger than an eighth of the budget is not stored, so one file cannot flush the whole cache. */
export const DEFAULT_RENDER_CACHE_MAX_ENTRY_SHARE = 1 / 8;

export interface RenderCacheOptions {
  /**
   * Total size in bytes of the stored files, not counting keys and map overhead. 0 stores
   * nothing, but concurrent requests still share one render.
   */
  maxBytes?: number;
  /** Largest stored file as a share of `maxBytes`, greater than 0 and at most 1. Larger files are returned but not stored. */
  maxEntryShare?: number;
}

/** Counters since the cache was created, plus its current contents. */
export interface RenderCacheStats {
  /** Requests served from a stored file. */
  hits: number;
  /** Requests that started a render. */
  misses: number;
  /** Requests that waited for a render another request had started (request coalescing). */
  coalesced: number;
  /** Stored files removed to make room for newer ones. */
  evictions: number;
  /** Rendered files over the per-file limit (maxBytes × maxEntryShare), returned but not stored. */
  oversized: number;
  entries: number;
  bytes: number;
}

/**
 * A bounded in-process LRU cache of rendered files, so that the messages of one event to many
 * connections and the retries of a message render each document version once per file type.
 *
 * The key is the file type plus a SHA-256 of the whole RenderInput: record, properties with the
 * user names they show, template name and layout, document id, version and content. Every value
 * a renderer reads is part of it, so a changed property or layout is a new key even when the
 * document version stays the same. Renders that fail are not stored, so the next request renders
 * again. Entries are never invalidated, and superseded versions leave by LRU eviction.
 *
 * NOTE: pdfkit 0.20.2 (CreationDate) and docx 9.15.2 (dcterms:created and modified) write the
 * render time into the file, so a stored file carries the time of its first render.
 */
export class RenderCache {
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;
  /** Stored files, least recently used first. A hit moves its key to the end. */
  private readonly files = new Map<string, Buffer>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private storedBytes = 0;
  private readonly counts = { hits: 0, misses: 0, coalesced: 0, evictions: 0, oversized: 0 };

  constructor(options: RenderCacheOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_RENDER_CACHE_MAX_BYTES;
    const maxEntryShare = options.maxEntryShare ?? DEFAULT_RENDER_CACHE_MAX_ENTRY_SHARE;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`maxBytes ${maxBytes} is invalid: give a whole number of bytes, 0 or more.`);
    }
    if (!(maxEntryShare > 0 && maxEntryShare <= 1)) {
      throw new RangeError(`maxEntryShare ${maxEntryShare} is invalid: give a share greater than 0 and at most 1.`);
    }
    this.maxBytes = maxBytes;
    this.maxEntryBytes = Math.floor(maxBytes * maxEntryShare);
  }

  /**
   * Returns the stored file for `input` and `fileType`, or calls `render` and stores its result.
   * Requests for a key whose render is in flight wait for that render and share its result or
   * its error. The returned Buffer is shared with the cache and other callers, so never modify it.
   */
  async getOrRender(input: RenderInput, fileType: FileType, render: () => Promise<Buffer>): Promise<Buffer> {
    const key = renderCacheKey(input, fileType);

    const stored = this.files.get(key);
    if (stored) {
      this.files.delete(key);
      this.files.set(key, stored);
      this.counts.hits++;
      return stored;
    }

    const pending = this.inFlight.get(key);
    if (pending) {
      this.counts.coalesced++;
      return pending;
    }

    this.counts.misses++;
    const rendering = this.renderAndStore(key, render);
    this.inFlight.set(key, rendering);
    return rendering;
  }

  stats(): RenderCacheStats {
    return { ...this.counts, entries: this.files.size, bytes: this.storedBytes };
  }

  private async renderAndStore(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    try {
      const bytes = await render();
      this.store(key, bytes);
      return bytes;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(key: string, bytes: Buffer): void {
    if (this.maxBytes === 0) return;
    if (bytes.length > this.maxEntryBytes) {
      this.counts.oversized++;
      return;
    }
    this.files.set(key, bytes);
    this.storedBytes += bytes.length;
    for (const [oldestKey, oldest] of this.files) {
      if (this.storedBytes <= this.maxBytes) break;
      this.files.delete(oldestKey);
      this.storedBytes -= oldest.length;
      this.counts.evictions++;
    }
  }
}

/**
 * Builds the cache key of one rendered file: `documentId:version:fileType:` and a SHA-256 of the
 * RenderInput as JSON. Id, version and file type are readable for debugging, and the hash covers
 * every input. The same data in a different key order only yields another key, never a wrong file.
 */
export function renderCacheKey(input: RenderInput, fileType: FileType): string {
  const digest = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  return `${input.document.id}:${input.document.version}:${fileType}:${digest}`;
}
