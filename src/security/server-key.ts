import type { EntityManager } from '@mikro-orm/postgresql';
import { ServiceUnavailableError, ValidationError } from '../common/errors';
import type { Logger } from '../common/logger';
import { SECRET_KEY_ENV, SecretBoxError, createServerKeyFile, serverKeyPath, type SecretBox } from './secret-box';

/** Live connections, newest first, whose signing secrets `serverKeyMatchesDatabase` tries to decrypt. */
const KEY_CHECK_CONNECTIONS = 10;

/** Reason of the readiness check `secrets` when the server key decrypts none of the stored signing secrets. */
export const SERVER_KEY_MISMATCH_REASON =
  `the server key cannot decrypt the stored signing secrets, so no delivery can be signed: start this process with the ${SECRET_KEY_ENV} (or secret.key) of the others`;

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

/**
 * Result of comparing the server key with the stored signing secrets: `no-secrets` when no live
 * connection has one, so that any key passes until the first connection is created.
 */
export type ServerKeyCheck = 'matches' | 'mismatch' | 'no-secrets';

/**
 * Signing secrets that the server key check tries: those of the KEY_CHECK_CONNECTIONS newest live
 * connections, current secrets first.
 */
const SAMPLED_SIGNING_SECRETS_SQL = `select secret ->> 'sealed' as sealed
   from (select id, signing_secrets from push_connections
          where deleted_at is null and jsonb_array_length(signing_secrets) > 0
          order by id desc limit ${KEY_CHECK_CONNECTIONS}) newest
  cross join lateral jsonb_array_elements(newest.signing_secrets) with ordinality as secrets(secret, position)
  order by newest.id desc, secrets.position desc`;

/**
 * Reports whether `secretBox` uses the server key of this database. It tries the signing
 * secrets of the KEY_CHECK_CONNECTIONS newest live connections, current secrets first, and
 * returns `matches` at the first one that decrypts. Under another key, AES-GCM authentication
 * fails for every value, so one decrypted secret identifies the key. A damaged secret (sealed
 * under another key, or modified) thus fails the check only when no other sampled secret
 * decrypts, and the API can still rotate it.
 *
 * NOTE: a database whose sampled secrets were sealed under two different keys passes the check
 * for both keys.
 */
export async function checkServerKeyOfDatabase(em: EntityManager, secretBox: SecretBox): Promise<ServerKeyCheck> {
  return checkServerKeyWithQuery((sql) => em.execute(sql), secretBox);
}

/** Runs checkServerKeyOfDatabase's check, sending its one statement, which has no parameters, through `query`. */
export async function checkServerKeyWithQuery(
  query: (sql: string) => Promise<Array<{ sealed: string | null }>>,
  secretBox: SecretBox,
): Promise<ServerKeyCheck> {
  const rows = await query(SAMPLED_SIGNING_SECRETS_SQL);
  const sealedSecrets = rows.map((row) => row.sealed).filter((sealed): sealed is string => Boolean(sealed));
  if (sealedSecrets.length === 0) return 'no-secrets';
  for (const sealed of sealedSecrets) {
    try {
      secretBox.open(sealed);
      return 'matches';
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
    }
  }
  return 'mismatch';
}

/** Returns false only when the stored signing secrets exist and `secretBox` decrypts none of them (see checkServerKeyOfDatabase). */
export async function serverKeyMatchesDatabase(em: EntityManager, secretBox: SecretBox): Promise<boolean> {
  return (await checkServerKeyOfDatabase(em, secretBox)) !== 'mismatch';
}

/**
 * Raises ServiceUnavailableError unless `serverKeyMatchesDatabase` returns true, so that a process with
 * another server key neither stores secrets that the other processes cannot decrypt nor tries
 * to decrypt stored ones.
 */
export async function requireServerKeyOfDatabase(em: EntityManager, secretBox: SecretBox): Promise<void> {
  if (await serverKeyMatchesDatabase(em, secretBox)) return;
  throw new ServiceUnavailableError(
    `This docpush process runs with another server key than the one that encrypted the stored secrets, so it rejects changes that encrypt or decrypt a secret and stores nothing. ` +
      `Start it with the ${SECRET_KEY_ENV} (or the secret.key file) of the other docpush processes on this database. Its /readyz fails the "secrets" check until then.`,
  );
}
