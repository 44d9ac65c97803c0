import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `contents` to a new file at `filePath` and flushes it to disk before returning, so that
 * a power loss after a later link or rename into place cannot leave an empty file there. `flag`
 * `wx` fails when the file exists.
 */
export function writeFileSynced(filePath: string, contents: string, options: { mode: number; flag?: 'w' | 'wx' }): void {
  const descriptor = fs.openSync(filePath, options.flag ?? 'w', options.mode);
  try {
    fs.writeFileSync(descriptor, contents);
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Flushes the directory entry changes of the folder that contains `filePath`, such as a link or rename into it. */
export function syncParentDirectory(filePath: string): void {
  const descriptor = fs.openSync(path.dirname(filePath), 'r');
  try {
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}
