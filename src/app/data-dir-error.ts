import path from 'node:path';
import { ValidationError } from '../common/errors';

/** Codes of file system errors that come from the data directory's path or permissions, not from a transient fault. */
const UNUSABLE_PATH_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ELOOP']);

/**
 * Returns an error that names DOCPUSH_DATA_DIR for a file system error on the data directory, on
 * a path inside it or on one of its parents. Examples are a data directory that is a file, or one
 * that this process may not write. Returns null for any other error.
 */
export function dataDirError(error: unknown, dataDir: string): ValidationError | null {
  const { code, path: failedPath } = error as NodeJS.ErrnoException;
  if (code === undefined || !UNUSABLE_PATH_CODES.has(code) || failedPath === undefined) return null;
  if (!isWithin(failedPath, dataDir) && !isWithin(dataDir, failedPath)) return null;
  return new ValidationError(
    'DOCPUSH_DATA_DIR',
    `DOCPUSH_DATA_DIR=${JSON.stringify(dataDir)} cannot be used: ${(error as Error).message}. ` +
      'Set DOCPUSH_DATA_DIR to a directory that this process may create and write, or fix that path or its permissions. ' +
      'The directory holds secret.key and, without DATABASE_URL, the embedded PostgreSQL.',
  );
}

/** Returns whether `target` is `folder` or a path inside it. */
function isWithin(target: string, folder: string): boolean {
  const relative = path.relative(folder, target);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
