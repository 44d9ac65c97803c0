import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '../common/errors';
import type { Logger } from '../common/logger';
import { SECRET_KEY_ENV, createServerKeyFile, serverKeyPath } from './secret-box';

/**
 * Returns true when a push connection, deleted or not, contains a signing secret or a secret
 * header value. Those values are sealed with the server key, so a database that contains one
 * belongs to an existing key.
 */
export async function containsSealedSecrets(em: EntityManager): Promise<boolean> {
  const rows: Array<{ sealed: boolean }> = await em.execute(
    `select exists (
       select 1 from push_connections
        where jsonb_array_length(signing_secrets) > 0 or headers @> '[{"secret": true}]'
     ) as sealed`,
  );
  return rows[0]?.sealed === true;
}

/**
 * Generates the server key of a process that found neither DOCPUSH_SECRET_KEY nor a key file,
 * but only on a database without sealed secrets. On a database with sealed secrets a new key
 * would decrypt none of them, so this raises ValidationError and writes no key file. That
 * happens when docpush runs from another working directory than before, because a relative
 * DOCPUSH_DATA_DIR (and the default `.data`) resolves against it.
 *
 * NOTE: processes with different data directories that start at the same moment on an empty
 * database all pass this check, and each generates a key of its own.
 */
export async function createServerKeyForDatabase(em: EntityManager, dataDir: string, logger: Logger): Promise<Buffer> {
  if (await containsSealedSecrets(em)) throw missingServerKeyError(dataDir);
  return createServerKeyFile(dataDir, logger);
}

function missingServerKeyError(dataDir: string): ValidationError {
  return new ValidationError(
    'DOCPUSH_DATA_DIR',
    `No server key: ${serverKeyPath(dataDir)} does not exist and ${SECRET_KEY_ENV} is not set, ` +
      'but the database already contains secrets encrypted with a server key, which a new key could not decrypt, so none was generated. ' +
      `DOCPUSH_DATA_DIR resolved to ${dataDir}. A relative DOCPUSH_DATA_DIR, like the default .data, resolves against the working directory, which is ${process.cwd()}. ` +
      'To fix it, start docpush from the folder it ran from before, set DOCPUSH_DATA_DIR to the absolute path of the folder that contains secret.key, ' +
      `or set ${SECRET_KEY_ENV} to the original key.`,
  );
}
