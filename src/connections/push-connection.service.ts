import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PushConnection, currentSigningSecretOf, type PushHeaderData, type SigningSecretData } from './push-connection.entity';
import type { CreatePushConnectionInput, PushConnectionHeaderInput, UpdatePushConnectionInput } from './push-connection.input';
import { MAX_HEADERS, MAX_HEADERS_TOTAL_BYTES, validateHeader } from './header-template';
import { MASKED_VALUE } from './push-connection.type';
import { rejectSecretsKeptForNewUrl } from './secret-header.check';
import { rejectUrlFragment } from './url-fragment.check';
import { ConflictError, NotFoundError, ValidationError, quoteId } from '../common/errors';
import { checkName } from '../common/input-checks';
import { newSystemName } from '../common/ids';
import { parseId, type WorkspaceScope } from '../common/workspace-scope';
import { TemplateSuite } from '../catalog/template-suite.entity';
import { DocumentRecordType } from '../catalog/document-record-type.entity';
import { EVENT_TYPES } from '../records/event-type';
import { FILE_TYPES } from '../rendering/document-content';
import { checkDeliverableUrl, type TargetPolicy } from '../security/target-guard';
import { SecretBoxError, type SecretBox } from '../security/secret-box';
import { requireServerKeyOfDatabase } from '../security/server-key';
import { MAX_PREVIOUS_SIGNING_SECRETS, generateSigningSecret } from '../signing/webhook-signature';
import { notifyConnectionStatus, PushConnectionStatusChange } from '../delivery/connection-status';
import { REQUEST_QUEUE_LIMIT } from '../delivery/delivery-queue';
import type { Page } from '../graphql/pagination';
import { findPage } from '../graphql/page-query';
import { retryOnDeadlock } from '../database/deadlock-retry';
import type { Logger } from '../common/logger';
import { ABANDONED_NOTE } from '../delivery/steps/claim-batch.step';
import { recordAbandonedLastAttempts, selectLastAttempts, type LastAttempt } from '../delivery/steps/record-abandoned.step';
import type { DeliveryMetrics } from '../observability/metrics';

export interface ConnectionServiceDeps {
  secretBox: SecretBox;
  targetPolicy: TargetPolicy;
  /** Counts the push log rows that a deletion writes for attempts cut off by a stopped worker. */
  metrics: Pick<DeliveryMetrics, 'recordAbandonedAttempts'>;
  logger: Logger;
}

/**
 * Maximum length of a listener URL, before and after percent-encoding: a common limit for URLs,
 * and a quarter of the 8,000 octets that RFC 9110 (section 4.1) recommends every recipient supports.
 */
export const MAX_URL_LENGTH = 2048;

const SHORTEN_URL = 'Shorten it, for example by moving long query parameters into a custom header.';

/**
 * Selects the ids of a connection's PENDING and RETRY_SCHEDULED messages and locks their rows in
 * ascending id order, the order of every statement that updates several push_messages rows.
 * Binds the connection id.
 */
const LOCK_WAITING_MESSAGES_SQL = `select id from push_messages
  where connection_id = ? and state in ('PENDING', 'RETRY_SCHEDULED')
  order by id
  for no key update`;

/** Manages push connections of one workspace; every method works through the caller's scope. */
export class PushConnectionService {
  constructor(
    private readonly scope: WorkspaceScope,
    private readonly deps: ConnectionServiceDeps,
  ) {}

  get(id: string | number): Promise<PushConnection> {
    return this.scope.get(PushConnection, 'Push connection', id, { deletedAt: null });
  }

  async list(first: number, after?: string | null): Promise<Page<PushConnection>> {
    const where: FilterQuery<PushConnection> = { workspace: this.scope.workspaceId, deletedAt: null };
    return findPage(this.scope.em, PushConnection, 'pushConnections', where, { first, after });
  }

  async create(input: CreatePushConnectionInput): Promise<PushConnection> {
    await this.requireServerKey();
    const checked = await this.validate(input);
    validateChoices({
      templateSuiteAll: input.templateSuiteAll,
      templateSuiteCount: input.templateSuites.length,
      documentRecordTypeAll: input.documentRecordTypeAll,
      documentRecordTypeCount: input.documentRecordTypes.length,
      attachFilesGenerated: input.attachFilesGenerated,
      fileTypeCount: input.fileTypes.length,
    });

    const connection = this.scope.em.create(PushConnection, {
      workspace: this.scope.workspace,
      systemName: newSystemName(),
      name: checked.name!,
      url: checked.url!,
      enabled: false,
      headers: this.sealHeaders(input.headers, []),
      eventTypes: [...new Set(input.eventTypes)],
      templateSuiteAll: input.templateSuiteAll,
      templateSuiteIds: toIds(input.templateSuites),
      documentRecordTypeAll: input.documentRecordTypeAll,
      documentRecordTypeIds: toIds(input.documentRecordTypes),
      attachFilesUploaded: input.attachFilesUploaded,
      attachFilesGenerated: input.attachFilesGenerated,
      fileTypes: [...new Set(input.fileTypes)],
      signingSecrets: [this.newSigningSecret()],
    });
    await this.scope.em.flush();
    return connection;
  }

  /**
   * Applies the given fields. Checks that read only the input, such as the URL's DNS look-up, run
   * before the row lock. Those that read the stored row run again under it, so that concurrent
   * updates of one connection apply one after the other. Without the lock, an update that removes
   * the secret headers and a new URL, and one that keeps them with the mask, merged into the new
   * URL with the stored secret values.
   */
  async update(id: string, input: UpdatePushConnectionInput): Promise<PushConnection> {
    const unlocked = await this.get(id);
    if (input.headers?.some((header) => header.secret)) await this.requireServerKey();
    const checked = await this.validate(withoutNulls(input), unlocked);

    return this.scope.em.transactional(async (em) => {
      await lockLiveConnection(em, unlocked.id, id);
      const connection = await em.findOneOrFail(PushConnection, { id: unlocked.id, workspace: this.scope.workspaceId }, { refresh: true });
      if (input.headers) validateHeaders(input.headers, connection.headers);
      if (checked.url !== undefined) rejectSecretsKeptForNewUrl(connection.url, checked.url, connection.headers, input.headers ?? undefined);
      validateChoices({
        templateSuiteAll: input.templateSuiteAll ?? connection.templateSuiteAll,
        templateSuiteCount: (input.templateSuites ?? connection.templateSuiteIds).length,
        documentRecordTypeAll: input.documentRecordTypeAll ?? connection.documentRecordTypeAll,
        documentRecordTypeCount: (input.documentRecordTypes ?? connection.documentRecordTypeIds).length,
        attachFilesGenerated: input.attachFilesGenerated ?? connection.attachFilesGenerated,
        fileTypeCount: (input.fileTypes ?? connection.fileTypes).length,
      });
      this.applyUpdate(connection, input, checked);
      await em.flush();
      return connection;
    });
  }

  private applyUpdate(connection: PushConnection, input: UpdatePushConnectionInput, checked: { name?: string; url?: string }): void {
    if (checked.name !== undefined) connection.name = checked.name;
    if (checked.url !== undefined) connection.url = checked.url;
    if (input.headers) connection.headers = this.sealHeaders(input.headers, connection.headers);
    if (input.eventTypes) connection.eventTypes = [...new Set(input.eventTypes)];
    if (isSet(input.templateSuiteAll)) connection.templateSuiteAll = input.templateSuiteAll;
    if (input.templateSuites) connection.templateSuiteIds = toIds(input.templateSuites);
    if (isSet(input.documentRecordTypeAll)) connection.documentRecordTypeAll = input.documentRecordTypeAll;
    if (input.documentRecordTypes) connection.documentRecordTypeIds = toIds(input.documentRecordTypes);
    if (isSet(input.attachFilesUploaded)) connection.attachFilesUploaded = input.attachFilesUploaded;
    if (isSet(input.attachFilesGenerated)) connection.attachFilesGenerated = input.attachFilesGenerated;
    if (input.fileTypes) connection.fileTypes = [...new Set(input.fileTypes)];
  }

  /**
   * Enables a disabled connection and makes its waiting messages (PENDING and RETRY_SCHEDULED)
   * due now. Returns the ids of the oldest REQUEST_QUEUE_LIMIT of them for the caller to queue,
   * which wakes the workers for all of them. The failure streak starts afresh, so a listener that
   * comes back gets the whole DOCPUSH_DISABLE_AFTER period again. Enabling an enabled connection
   * changes nothing and returns no ids, because its messages are queued already.
   */
  async enable(id: string): Promise<{ connection: PushConnection; dueMessageIds: string[] }> {
    const unlocked = await this.get(id);
    if (unlocked.enabled) return { connection: unlocked, dueMessageIds: [] };

    const now = new Date();
    const { connection, due } = await this.scope.em.transactional(async (em) => {
      // Locks the message rows before the connection row, as every write that updates both does.
      const rows: Array<{ id: string }> = await em.execute(
        `update push_messages m set next_attempt_at = ?
           from (${LOCK_WAITING_MESSAGES_SQL}) waiting
          where m.id = waiting.id
         returning m.id`,
        [now, unlocked.id],
      );
      const locked = await this.lockAndReload(em, unlocked.id, id);
      // A concurrent enable committed first and queued the waiting messages. Rolling back keeps
      // the retry times that its deliveries have scheduled since.
      if (locked.enabled) throw new EnabledMeanwhile(locked);
      locked.enabled = true;
      locked.disabledReason = null;
      locked.disabledAt = null;
      locked.failingSince = null;
      await em.flush();
      await this.notifyStatus(em, locked, PushConnectionStatusChange.ENABLED);
      return { connection: locked, due: rows };
    }).catch((error: unknown) => {
      if (error instanceof EnabledMeanwhile) return { connection: error.connection, due: [] };
      throw error;
    });
    const dueMessageIds = due.map((message) => message.id).sort();
    return { connection, dueMessageIds: dueMessageIds.slice(0, REQUEST_QUEUE_LIMIT) };
  }

  /**
   * Disables an enabled connection and notifies status subscribers. Disabling a disabled
   * connection changes nothing and sends no status event. It keeps `disabledAt` and any
   * `disabledReason` that docpush gave, so the connection still shows why and when delivery stopped.
   */
  async disable(id: string): Promise<PushConnection> {
    const unlocked = await this.get(id);
    return this.scope.em.transactional(async (em) => {
      const connection = await this.lockAndReload(em, unlocked.id, id);
      if (!connection.enabled) return connection;

      connection.enabled = false;
      connection.disabledReason = null;
      connection.disabledAt = new Date();
      await em.flush();
      await this.notifyStatus(em, connection, PushConnectionStatusChange.DISABLED);
      return connection;
    });
  }

  /**
   * Soft-deletes the connection and cancels its undelivered messages; logs keep its id and name.
   * Of concurrent deletions of one connection, one succeeds and the others are NOT_FOUND.
   */
  async delete(id: string): Promise<PushConnection> {
    const connection = await this.get(id);
    // Locks the message rows in id order and then the connection row, the order of a worker's
    // attempt write, so the two cannot form a lock cycle. The retry stays as a safety net.
    const abandoned = await retryOnDeadlock(() =>
      this.scope.em.transactional(async (em) => {
        // A message that a sweep made due again after its worker stopped carries that worker's
        // abandoned attempt, which no claim logs once the message is cancelled, so it is logged here.
        const cancelled: LastAttempt[] = await em.execute(
          `with waiting as (
             select id, coalesce(last_error = ?, false) as abandoned from push_messages
              where connection_id = ? and state in ('PENDING', 'RETRY_SCHEDULED')
              order by id
              for no key update
           ),
           cancelled as (
             update push_messages m set state = 'CANCELLED', next_attempt_at = null, last_error = 'Push connection was deleted.'
               from waiting
              where m.id = waiting.id
             returning m.id, m.attempts, m.workspace_id, m.connection_id, m.event_id, m.is_test, waiting.abandoned
           )
           ${selectLastAttempts('cancelled')}`,
          [ABANDONED_NOTE, connection.id],
        );
        const logIds = await recordAbandonedLastAttempts(em, cancelled, new Date());
        const locked = await this.lockAndReload(em, connection.id, id);
        locked.deletedAt = new Date();
        locked.enabled = false;
        await em.flush();
        await this.notifyStatus(em, locked, PushConnectionStatusChange.DELETED);
        return { logIds, deleted: locked };
      }),
      { logger: this.deps.logger, action: 'delete a push connection', fields: { workspaceId: this.scope.workspaceId, connectionId: connection.id } },
    );
    // Counted once committed, so a transaction that a deadlock rolled back counts nothing.
    this.deps.metrics.recordAbandonedAttempts(abandoned.logIds.length);
    return abandoned.deleted;
  }

  /**
   * Locks the row of a connection that is not deleted and reloads it, so that changes apply to the
   * committed row. MikroORM writes only the fields that differ from the entity as loaded, so a
   * field set to its value from before the lock would keep a concurrent change.
   */
  private async lockAndReload(em: EntityManager, connectionId: number, requestedId: string): Promise<PushConnection> {
    await lockLiveConnection(em, connectionId, requestedId);
    return em.findOneOrFail(PushConnection, { id: connectionId, workspace: this.scope.workspaceId }, { refresh: true });
  }

  private notifyStatus(em: EntityManager, connection: PushConnection, change: PushConnectionStatusChange): Promise<void> {
    return notifyConnectionStatus(em, connection.id, change);
  }

  /**
   * Decrypts `sealed`, the current signing secret of connection `id`, for admins. Raises
   * ServiceUnavailableError when this process has another server key than the database, and
   * ConflictError when only this secret fails to decrypt, so that the message names the fix.
   */
  async openSigningSecret(id: string | number, sealed: string): Promise<string> {
    try {
      return this.deps.secretBox.open(sealed);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      await this.requireServerKey();
      throw new ConflictError(
        `The current signing secret of push connection ${id} cannot be decrypted with the server key, which decrypts the other stored secrets: ` +
          'it was encrypted with another server key, or the stored value was modified, so no delivery of this connection can be signed. ' +
          'Replace it with rotatePushConnectionSecret on a process with the right DOCPUSH_SECRET_KEY, then give the listener the new secret.',
      );
    }
  }

  /** Returns the sealed current signing secret of the connection. */
  sealedCurrentSigningSecret(connection: PushConnection): string {
    const current = currentSigningSecretOf(connection.signingSecrets);
    if (!current) throw new Error(`Push connection ${connection.id} has no signing secret.`);
    return current.sealed;
  }

  /**
   * Replaces the signing secret. The previous one stays valid until `graceMs` from now, and
   * messages are signed with both meanwhile, so listeners can switch without dropping any. Of
   * the previous secrets still valid, the newest MAX_PREVIOUS_SIGNING_SECRETS are kept.
   */
  async rotateSigningSecret(id: string, graceMs: number): Promise<PushConnection> {
    const unlocked = await this.get(id);
    await this.requireServerKey();
    // The row lock serialises concurrent rotations, so each one keeps the secret the previous one created.
    return this.scope.em.transactional(async (em) => {
      await lockLiveConnection(em, unlocked.id, id);
      const connection = await em.findOneOrFail(PushConnection, { id: unlocked.id, workspace: this.scope.workspaceId }, { refresh: true });
      // Read after the lock, so that of concurrent rotations the later one also sets the later expiry.
      const now = new Date();
      const expiresAt = new Date(now.getTime() + graceMs).toISOString();
      const kept = connection.signingSecrets
        .filter((secret) => secret.expiresAt === null || new Date(secret.expiresAt) > now)
        .map((secret) => (secret.expiresAt === null ? { ...secret, expiresAt } : secret))
        .slice(-MAX_PREVIOUS_SIGNING_SECRETS);
      connection.signingSecrets = [...kept, this.newSigningSecret(now)];
      await em.flush();
      return connection;
    });
  }

  /** Raises ServiceUnavailableError when this process has another server key than the stored secrets. */
  private requireServerKey(): Promise<void> {
    return requireServerKeyOfDatabase(this.scope.em, this.deps.secretBox);
  }

  private newSigningSecret(now = new Date()): SigningSecretData {
    return { sealed: this.deps.secretBox.seal(generateSigningSecret()), createdAt: now.toISOString(), expiresAt: null };
  }

  /** Seals secret header values; a secret header sent back with the mask keeps its stored value. */
  private sealHeaders(headers: PushConnectionHeaderInput[], previous: PushHeaderData[]): PushHeaderData[] {
    return headers.map((header, index) => {
      const old = previous.find((candidate) => candidate.secret && candidate.name.toLowerCase() === header.name.toLowerCase());
      const keepOld = header.secret && old && header.value === MASKED_VALUE;
      if (header.value === MASKED_VALUE && !keepOld) {
        throw new ValidationError(
          `headers[${index}].value`,
          `Header ${JSON.stringify(header.name)} has the mask ${MASKED_VALUE} as its value, but no secret header of that name is stored to keep; send the real value.`,
        );
      }
      let value = header.value;
      if (keepOld) value = old.value;
      else if (header.secret) value = this.deps.secretBox.seal(header.value);

      return { name: header.name, value, useDefaultApiUser: header.useDefaultApiUser, secret: header.secret };
    });
  }

  /**
   * Validates every given field and returns the name and URL in the form they are stored.
   * `stored` is the connection before an update, whose headers and URL may be sent back unchanged.
   */
  private async validate(
    input: Partial<CreatePushConnectionInput>,
    stored: Pick<PushConnection, 'headers' | 'url'> | null = null,
  ): Promise<{ name?: string; url?: string }> {
    const name = input.name === undefined ? undefined : checkName('name', input.name, 'CRM sync');
    const url = input.url === undefined ? undefined : await checkUrl(input.url, stored?.url ?? null, this.deps.targetPolicy);
    if (input.eventTypes !== undefined) validateEventTypes(input.eventTypes);
    if (input.headers !== undefined) validateHeaders(input.headers, stored?.headers ?? []);
    if (input.fileTypes !== undefined) validateFileTypes(input.fileTypes);
    if (input.templateSuites !== undefined) await this.checkIdsExist(TemplateSuite, 'templateSuites', 'Template suite', input.templateSuites);
    if (input.documentRecordTypes !== undefined) {
      await this.checkIdsExist(DocumentRecordType, 'documentRecordTypes', 'Document record type', input.documentRecordTypes);
    }
    return { name, url };
  }

  private async checkIdsExist(entity: typeof TemplateSuite | typeof DocumentRecordType, field: string, label: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      const numericId = parseId(id);
      const found = Number.isSafeInteger(numericId) && (await this.scope.em.count(entity as typeof TemplateSuite, { id: numericId, workspace: this.scope.workspaceId })) > 0;
      if (!found) {
        throw new ValidationError(field, `${field} contains ${quoteId(id)}, but no ${label.toLowerCase()} with that id exists in this workspace. Create it first or remove the id.`);
      }
    }
  }
}

/**
 * Validates a listener URL and returns it as it is stored and sent: WHATWG-serialised, so a
 * space typed in the path is stored as %20, the form that goes on the wire and into the push log.
 * `storedUrl` is the connection's URL before an update, which may be sent back with its fragment.
 */
async function checkUrl(url: string, storedUrl: string | null, policy: TargetPolicy): Promise<string> {
  const trimmed = url.trim();
  if (trimmed === '') throw new ValidationError('url', 'url is missing: give the listener URL, such as https://example.com/webhooks/docpush.');
  if (trimmed.length > MAX_URL_LENGTH) {
    throw new ValidationError('url', `url is ${trimmed.length} characters long; the maximum is ${MAX_URL_LENGTH}. ${SHORTEN_URL}`);
  }
  rejectUrlFragment(trimmed, storedUrl);
  const serialized = await checkDeliverableUrl(trimmed, policy);
  if (serialized.length > MAX_URL_LENGTH) {
    throw new ValidationError(
      'url',
      `url is ${serialized.length} characters long once percent-encoded as it is sent (${trimmed.length} as given); the maximum is ${MAX_URL_LENGTH}. ${SHORTEN_URL}`,
    );
  }
  return serialized;
}

function validateEventTypes(eventTypes: string[]): void {
  if (eventTypes.length === 0) {
    throw new ValidationError('eventTypes', 'eventTypes is empty: select at least one event type, such as DocumentRecordUpdated.');
  }
  const unknown = eventTypes.find((type) => !(EVENT_TYPES as string[]).includes(type));
  if (unknown) throw new ValidationError('eventTypes', `eventTypes contains unknown type ${JSON.stringify(unknown)}.`);
}

/**
 * Checks each header, the count, duplicate names and the total size. A plain header sent back
 * exactly as stored skips the per-header rules, so that rules added later do not reject an update
 * of other fields that resends the stored headers.
 */
function validateHeaders(headers: PushConnectionHeaderInput[], storedHeaders: readonly PushHeaderData[]): void {
  if (headers.length > MAX_HEADERS) {
    throw new ValidationError('headers', `headers has ${headers.length} entries; the maximum is ${MAX_HEADERS}. Remove the headers that the listener does not need.`);
  }
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    const unchanged = !header.secret && storedHeaders.some((stored) => !stored.secret && stored.name === header.name && stored.value === header.value);
    if (!unchanged) validateHeader(header, `headers[${index}]`);
    const key = header.name.toLowerCase();
    if (seen.has(key)) throw new ValidationError(`headers[${index}].name`, `Header ${JSON.stringify(header.name)} is listed twice; keep one.`);
    seen.add(key);
  });
  // A kept secret arrives masked, so its stored size is not counted here. The request step
  // checks the total again on the rendered headers, secrets included.
  const total = headers.reduce((sum, header) => sum + Buffer.byteLength(`${header.name}: ${header.value}\r\n`, 'utf8'), 0);
  if (total > MAX_HEADERS_TOTAL_BYTES) {
    throw new ValidationError(
      'headers',
      `headers add up to ${total} bytes as UTF-8 "name: value" lines; the maximum is ${MAX_HEADERS_TOTAL_BYTES}. ` +
        'Shorten or remove headers, because listeners reject requests with this much header data.',
    );
  }
}

/**
 * Locks the connection row and raises NOT_FOUND when a deletion committed since it was read, so
 * that no update, enabling, disabling, secret rotation or second deletion changes a deleted connection.
 */
async function lockLiveConnection(em: EntityManager, connectionId: number, requestedId: string): Promise<void> {
  const rows: Array<{ deleted_at: Date | null }> = await em.execute('select deleted_at from push_connections where id = ? for no key update', [connectionId]);
  if (rows.length === 0 || rows[0].deleted_at !== null) throw NotFoundError.of('Push connection', requestedId);
}

/** The settings of a connection, after an update, that decide whether it can ever match or attach. */
interface ConnectionChoices {
  templateSuiteAll: boolean;
  templateSuiteCount: number;
  documentRecordTypeAll: boolean;
  documentRecordTypeCount: number;
  attachFilesGenerated: boolean;
  fileTypeCount: number;
}

/** Rejects a filter that no event could pass and generated files without a file type, which would silently send nothing. */
function validateChoices(choices: ConnectionChoices): void {
  if (!choices.templateSuiteAll && choices.templateSuiteCount === 0) {
    throw new ValidationError(
      'templateSuites',
      'templateSuites is empty while templateSuiteAll is false, so no event would trigger the connection: list at least one template suite, or set templateSuiteAll to true.',
    );
  }
  if (!choices.documentRecordTypeAll && choices.documentRecordTypeCount === 0) {
    throw new ValidationError(
      'documentRecordTypes',
      'documentRecordTypes is empty while documentRecordTypeAll is false, so no event would trigger the connection: list at least one document record type, or set documentRecordTypeAll to true.',
    );
  }
  if (choices.attachFilesGenerated && choices.fileTypeCount === 0) {
    throw new ValidationError(
      'fileTypes',
      `fileTypes is empty while attachFilesGenerated is true, so no generated file would be attached: list at least one of ${FILE_TYPES.join(', ')}, or set attachFilesGenerated to false.`,
    );
  }
}

function validateFileTypes(fileTypes: string[]): void {
  const unknown = fileTypes.find((type) => !(FILE_TYPES as readonly string[]).includes(type));
  if (unknown) throw new ValidationError('fileTypes', `fileTypes contains unknown type ${JSON.stringify(unknown)}; use ${FILE_TYPES.join(', ')}.`);
}

function toIds(ids: string[]): number[] {
  return [...new Set(ids.map(Number))];
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** Drops null fields, which an update treats like omitted ones. */
function withoutNulls<T extends object>(input: T): Partial<CreatePushConnectionInput> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as Partial<CreatePushConnectionInput>;
}

/** Rolls back an enable that found the connection enabled by a concurrent request once it held the row. */
class EnabledMeanwhile extends Error {
  constructor(readonly connection: PushConnection) {
    super(`Push connection ${connection.id} was enabled by a concurrent request.`);
  }
}
