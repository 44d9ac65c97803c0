/**
 * Runs an embedded PostgreSQL for a test in its own process, because Jest's module loader cannot
 * import the ESM package that ships the binaries. Usage: postgres-server.script.ts DATA_DIR PORT.
 * Prints "READY <url>" once the server accepts connections, and stops it on SIGTERM.
 */
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const database = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true });
  process.stdout.write(`READY ${database.url}\n`);
  process.once('SIGTERM', () => {
    database.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping PostgreSQL failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`starting PostgreSQL failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
