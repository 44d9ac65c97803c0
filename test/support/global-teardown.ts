/** Stops the embedded PostgreSQL that the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.embeddedTestDatabase?.stop();
}
