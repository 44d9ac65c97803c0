/**
 * Returns `cursor`, an endCursor of the API, with its row id replaced by `id`. A cursor is
 * base64url of `<list>:<filter digest>:<row id>`, so the result passes the list and filter
 * checks and reaches the row id check.
 */
export function cursorWithId(cursor: string, id: string | number): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  return Buffer.from(text.replace(/[^:]*$/, String(id))).toString('base64url');
}

/** Returns a cursor as builds before list-bound cursors made it: base64url of `id:<row id>`. */
export function unscopedCursor(id: string | number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}
