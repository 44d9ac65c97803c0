import type { FileType } from './document-content';

/**
 * Raised when a document cannot be rendered to one file type: an invalid layout, an unknown
 * content block or a failure inside the format's library. `cause` keeps the library's error.
 */
export class RenderError extends Error {
  constructor(
    readonly format: FileType,
    readonly reason: string,
    readonly documentId?: number,
    options?: { cause?: unknown },
  ) {
    const subject = documentId === undefined ? 'document' : `document ${documentId}`;
    super(`Rendering ${subject} as ${format} failed: ${reason}`, options);
    this.name = 'RenderError';
  }
}
