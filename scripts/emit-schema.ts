import 'reflect-metadata';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { buildDocpushSchema } from '../src/graphql/schema';

const SCHEMA_FILE = path.resolve(__dirname, '..', 'schema', 'schema.graphql');
const HEADER = '# Generated from the type-graphql resolvers by `npm run schema:emit`. Do not edit.\n\n';

/** Writes the SDL to schema/schema.graphql, or with --check exits 1 when the committed file differs. */
async function main(): Promise<void> {
  const sdl = HEADER + printSchema(lexicographicSortSchema(await buildDocpushSchema())) + '\n';
  if (process.argv.includes('--check')) {
    const committed = existsSync(SCHEMA_FILE) ? readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (committed !== sdl) {
      process.stderr.write('schema/schema.graphql is out of date: run `npm run schema:emit` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('schema/schema.graphql matches the code.\n');
    return;
  }
  writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
