import { EventEmitter } from 'node:events';
import { Repeater } from '@graphql-yoga/subscription';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { executePrepared, type PreparedStatement } from '../database/raw-sql';
import { rowToProperties } from '../database/row-mapping';
import type { Logger } from '../common/logger';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';
import { throttledLog } from '../common/throttled-log';
import type { PushLog } from './push-log.entity';
import { ALL_PUSH_LOG_COLUMNS, PUSH_LOG_COLUMNS, type PushLogColumn } from './push-log-columns';
import { RecentIds } from './recent-ids';
import { SubscriptionEndedError } from '../common/errors';

/**
 * PostgreSQL NOTIFY channel that announces new push log rows. Each payload is `{"ids":[…]}`
 * with push_logs ids in ascending order, as deliveryLogNotifications builds it. The feed also
 * accepts `{"id": n, "workspaceId": m}`, one row per notification, which earlier versions send.
 */
export const DELIVERY_LOG_CHANNEL = 'docpush_delivery_log';

/**
 * Maximum length of a payload that deliveryLogNotifications builds. PostgreSQL rejects a NOTIFY
 * payload of 8000 bytes or more ("payload string too long", NOTIFY_PAYLOAD_MAX_LENGTH in a build
 * with the default 8 kB block size). Ids are ASCII digits, so characters and bytes are the same.
 */
const MAX_PAYLOAD_BYTES = 7500;

const EMPTY_PAYLOAD = JSON.stringify({ ids: [] });

/**
 * Maximum number of rows that one load fetches and emits at once. A subscriber receives them all
 * before its consumer can run, so this must stay well below Repeater's limit of 1024 waiting values.
 */
const MAX_IDS_PER_LOAD = 500;

const INVALID_PAYLOAD_WARNING_INTERVAL_MS = 30_000;

/**
 * How long before a lost LISTEN connection last proved alive the catch-up after it reaches back,
 * by the rows' created_at. A row is created when its attempt ends and notified when its transaction commits,
 * and the writer's clock may differ from this process's, so the catch-up starts this much earlier.
 */
export const CATCH_UP_LEAD_MS = 10_000;

/**
 * Maximum number of rows not streamed yet that one catch-up streams for one workspace. Past it,
 * the feed ends that workspace's subscriptions with an error that directs clients to the push log
 * instead. A subscriber receives only its workspace's rows, which a catch-up emits at once, and
 * a load of notified rows may follow at once, so the two together stay below Repeater's limit of
 * 1024 values waiting for a subscriber.
 */
export const MAX_CATCH_UP_ROWS = 500;

/**
 * Columns that a load reads only for the workspaces with a subscriber that selects them: the
 * request and response bodies, which can be kilobytes long, and the header maps, which are JSON
 * to build and parse. Every load reads the other columns.
 */
const LARGE_COLUMNS = ['request_headers', 'request_body', 'response_headers', 'response_body'] as const satisfies readonly PushLogColumn[];

type LargeColumn = (typeof LARGE_COLUMNS)[number];

/** The property of a loaded push log that contains each large column. */
const LARGE_COLUMN_PROPERTIES: Readonly<Record<LargeColumn, keyof PushLog>> = {
  request_headers: 'requestHeaders',
  request_body: 'requestBody',
  response_headers: 'responseHeaders',
  response_body: 'responseBody',
};

/** A subscribed workspace: its subscriber count, and how many of those subscribers select each large column. */
interface WorkspaceSubscribers {
  count: number;
  largeColumns: Map<LargeColumn, number>;
}

/** The rows and columns of one load: the rows of `workspaceIds`, and each large column only for the workspaces listed under it. */
interface LoadSelection {
  workspaceIds: number[];
  /** Contains only the large columns that some subscriber selects. */
  largeColumnWorkspaces: Map<LargeColumn, number[]>;
}

/** The rows that a catch-up streams, and the workspaces whose subscriptions end instead. */
interface CatchUpBacklog {
  /** Ascending ids of the rows not streamed yet of the workspaces within MAX_CATCH_UP_ROWS. */
  ids: number[];
  /** Workspaces with more than MAX_CATCH_UP_ROWS rows not streamed yet. */
  overflowing: Set<number>;
}

export interface DeliveryLogFilter {
  workspaceId: number;
  connectionId?: number;
  outcome?: string;
}

/**
 * Builds the NOTIFY payloads that announce the push log rows `ids` on DELIVERY_LOG_CHANNEL.
 * Each payload is `{"ids":[…]}` with ascending ids and is at most 7500 bytes long. Together
 * the payloads name every distinct id once. Send each one with
 * `select pg_notify('docpush_delivery_log', payload)` in the transaction that writes the rows,
 * so that PostgreSQL delivers them only when the rows are committed. Returns an empty list for
 * no ids, and throws a RangeError when an id is not a positive safe integer.
 */
export function deliveryLogNotifications(ids: readonly number[]): string[] {
  for (const id of ids) {
    if (!isPushLogId(id)) throw new RangeError(`Push log id ${String(id)} is invalid: expected a positive safe integer.`);
  }
  const sorted = [...new Set(ids)].sort((a, b) => a - b);

  const payloads: string[] = [];
  let batch: number[] = [];
  // Characters of the batch's ids and the commas between them.
  let batchLength = 0;
  for (const id of sorted) {
    const digits = String(id).length;
    if (batch.length > 0 && EMPTY_PAYLOAD.length + batchLength + 1 + digits > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ ids: batch }));
      batch = [];
      batchLength = 0;
    }
    batchLength += batch.length > 0 ? digits + 1 : digits;
    batch.push(id);
  }
  if (batch.length > 0) payloads.push(JSON.stringify({ ids: batch }));
  return payloads;
}

/**
 * Streams push log rows to subscribers in this process, whichever process wrote them: the
 * process's shared PgChannelListener LISTENs on the channel, and every matching subscriber
 * receives each notified row. Ids that arrive within one event loop turn are loaded together
 * with one query, at most 500 per query and one query at a time. Ids that arrive during a load
 * wait for the next one. Rows are emitted in ascending id order within a load, and loads
 * follow the order in which the ids arrived. The connection is re-established after a failure.
 *
 * Notifications sent while the LISTEN connection is lost never arrive, so after a reconnection
 * the feed loads the rows created since CATCH_UP_LEAD_MS before the connection last proved alive
 * (PgChannelListener.lastConfirmedAt) and streams those it has not streamed yet. These rows may
 * come after rows notified since the reconnection. A workspace with more than MAX_CATCH_UP_ROWS
 * of them has its subscriptions ended instead, and the other workspaces' subscribers still
 * receive theirs.
 * NOTE: a row created earlier than that, whose transaction committed during the loss, is missed.
 */
export class DeliveryLogFeed {
  private readonly emitter = new EventEmitter();
  private subscription: ChannelSubscription | null = null;
  private stopped = false;
  /**
   * Notified ids not loaded yet, in the order they arrived.
   * NOTE: It has no size limit. While loads stay slower than notifications it keeps growing, until the last subscriber leaves.
   */
  private readonly pendingIds = new Set<number>();
  /**
   * Subscribers per workspace id, so that a load skips rows that no subscriber may see and reads
   * a large column only for the workspaces whose subscribers select it.
   */
  private readonly workspaceSubscribers = new Map<number, WorkspaceSubscribers>();
  private loadScheduled = false;
  private loading: Promise<void> | null = null;
  /** Ids of the rows streamed lately, so that a catch-up skips them. */
  private readonly streamedIds = new RecentIds(2 * CATCH_UP_LEAD_MS);
  /** When the lost LISTEN connection last proved alive, or null while it is up and before it first comes up. */
  private lostAt: number | null = null;
  private connectedOnce = false;
  /** Start of the rows that the next load must stream before the notified ids, after a reconnection. */
  private catchUpFrom: Date | null = null;
  private readonly warnInvalidPayload: (error: unknown) => void;

  constructor(
    private readonly listener: PgChannelListener,
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
    this.warnInvalidPayload = throttledLog(logger, 'ignored an invalid delivery log notification', INVALID_PAYLOAD_WARNING_INTERVAL_MS);
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount('log');
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.subscription ??= await this.listener.subscribe(DELIVERY_LOG_CHANNEL, {
      onPayload: (payload) => this.onNotification(payload),
      onConnectionChange: (connected) => this.onConnectionChange(connected),
    });
  }

  /** Ends the subscription and the streams of its subscribers. The shared listener keeps running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pendingIds.clear();
    this.subscription?.unsubscribe();
    this.subscription = null;
    // The caller closes the ORM next, so a load in flight finishes first. Its rows are not emitted.
    await this.loading;
    this.emitter.emit('stop');
  }

  /**
   * Returns an async iterator of the push logs that match the filter, which ends when the feed
   * stops. Each push log contains at least the columns in `columns`. The subscriber receives every
   * matching row that the feed emits while it is attached, which includes every row whose
   * notification arrives after it was added, unless a catch-up emitted that row before then.
   */
  subscribe(filter: DeliveryLogFilter, columns: ReadonlySet<PushLogColumn> = ALL_PUSH_LOG_COLUMNS): AsyncIterableIterator<PushLog> {
    const largeColumns = LARGE_COLUMNS.filter((column) => columns.has(column));
    const largeProperties = largeColumns.map((column) => LARGE_COLUMN_PROPERTIES[column]);
    return new Repeater<PushLog>(async (push, stop) => {
      let attached = true;
      const detach = () => {
        if (!attached) return;
        attached = false;
        this.emitter.off('log', onLog);
        this.emitter.off('stop', onStop);
        this.emitter.off('endWorkspaces', onEndWorkspaces);
        this.removeWorkspaceSubscriber(filter.workspaceId, largeColumns);
      };
      const onLog = (log: PushLog) => {
        if (!matches(log, filter)) return;
        if (!largeProperties.every((property) => property in log)) return;
        try {
          void push(log);
        } catch (error) {
          // Repeater throws once 1024 values wait for a consumer that reads too slowly. Ending
          // only this subscription lets the other subscribers receive the rest of the load.
          detach();
          this.logger.warn({ err: error, workspaceId: filter.workspaceId }, 'ended a deliveryLog subscription whose client read too slowly');
          stop(
            new SubscriptionEndedError(
              'The deliveryLog subscription ended because its client read push logs more slowly than they were written. ' +
                `Read the rows it missed with pushLogs(filter: { from: "${new Date(log.createdAt).toISOString()}" }), then subscribe again.`,
            ),
          );
        }
      };
      const onStop = (error?: Error) => stop(error);
      const onEndWorkspaces = (workspaceIds: ReadonlySet<number>, error: Error) => {
        if (workspaceIds.has(filter.workspaceId)) stop(error);
      };
      this.emitter.on('log', onLog);
      this.emitter.once('stop', onStop);
      this.emitter.on('endWorkspaces', onEndWorkspaces);
      this.addWorkspaceSubscriber(filter.workspaceId, largeColumns);
      await stop;
      detach();
    });
  }

  private onConnectionChange(connected: boolean): void {
    if (!connected) {
      // Notifications may have been lost since the connection last proved alive, which can be earlier than now.
      if (this.connectedOnce && this.lostAt === null && !this.stopped) this.lostAt = this.listener.lastConfirmedAt ?? Date.now();
      return;
    }
    this.connectedOnce = true;
    if (this.lostAt === null) return;
    const lostAt = this.lostAt;
    this.lostAt = null;
    if (this.subscriberCount === 0) return;
    // A catch-up still waiting to run keeps its earlier start, so a second loss cannot skip rows of the first.
    const from = lostAt - CATCH_UP_LEAD_MS;
    this.catchUpFrom = new Date(this.catchUpFrom === null ? from : Math.min(this.catchUpFrom.getTime(), from));
    this.logger.info({ lostAt: new Date(lostAt), catchUpFrom: this.catchUpFrom }, 'delivery log notifications resumed, streaming the rows written meanwhile');
    this.scheduleLoad();
  }

  private onNotification(payload: string | undefined): void {
    if (!payload || this.subscriberCount === 0) return;
    const ids = parseNotifiedIds(payload);
    if (!ids) {
      this.warnInvalidPayload(new Error(`Payload ${JSON.stringify(payload.slice(0, 200))} is neither {"ids":[…]} nor {"id":…} with positive integer ids.`));
      return;
    }
    for (const id of ids) this.pendingIds.add(id);
    this.scheduleLoad();
  }

  /**
   * Starts loading the pending ids on the next event loop turn, unless a load is already
   * scheduled or running, because that load picks them up. pg emits every notification of one
   * socket read synchronously, so a burst that arrives together is loaded together.
   */
  private scheduleLoad(): void {
    if (this.loadScheduled || this.loading) return;
    this.loadScheduled = true;
    setImmediate(() => {
      this.loadScheduled = false;
      this.loading = this.loadPendingIds().finally(() => {
        this.loading = null;
        if (this.pendingIds.size > 0 || this.catchUpFrom !== null) this.scheduleLoad();
      });
    });
  }

  private async loadPendingIds(): Promise<void> {
    if (this.catchUpFrom !== null) {
      const from = this.catchUpFrom;
      this.catchUpFrom = null;
      await this.catchUp(from);
    }
    while (this.pendingIds.size > 0) {
      if (this.subscriberCount === 0) {
        this.pendingIds.clear();
        return;
      }
      await this.loadAndEmit(this.takePendingIds());
    }
  }

  /** Removes up to MAX_IDS_PER_LOAD of the earliest pending ids and returns them in ascending order. */
  private takePendingIds(): number[] {
    const ids: number[] = [];
    for (const id of this.pendingIds) {
      ids.push(id);
      if (ids.length === MAX_IDS_PER_LOAD) break;
    }
    for (const id of ids) this.pendingIds.delete(id);
    return ids.sort((a, b) => a - b);
  }

  /**
   * Loads the rows with one query and emits them, after a second query only when a subscriber added
   * meanwhile selects a large column that the first did not read. When a load fails, every
   * subscription ends with an error that names where to read the rows with pushLogs, because
   * streaming on would leave a gap that clients could not see.
   */
  private async loadAndEmit(ids: number[]): Promise<void> {
    const selection = this.loadSelection();
    // A row's time is when its attempt ended, at most one write's duration before its commit and
    // notification, so the lead that a catch-up uses covers these rows too.
    const from = new Date(Date.now() - CATCH_UP_LEAD_MS);
    try {
      const logs = await loadPushLogs(this.orm.em.fork(), ids, selection);
      const largeColumns = LARGE_COLUMNS.filter((column) => selection.largeColumnWorkspaces.has(column));
      this.logger.debug({ requested: ids.length, loaded: logs.length, largeColumns }, 'loaded notified push log rows');
      await this.emitWithSelectedColumns(logs);
    } catch (error) {
      this.logger.error(
        { err: error, count: ids.length, firstId: ids[0], lastId: ids[ids.length - 1], subscribers: this.subscriberCount },
        'failed to load notified push log rows; ending the deliveryLog subscriptions',
      );
      if (!this.stopped) this.endSubscriptionsAfterFailedLoad(from);
    }
  }

  /**
   * Emits the rows not streamed before, in the given order, and returns how many it emitted.
   * Subscribers added while the rows were loaded may select large columns that the load did not
   * read for their workspace, so it first reads those columns with another query, repeated while
   * such subscribers are added during that query. The last check and the emits run in one event
   * loop turn, so no subscriber is added between them. Emits nothing once the feed has stopped.
   */
  private async emitWithSelectedColumns(logs: PushLog[]): Promise<number> {
    // Rows for which a reload returned no column, because they were deleted since the first load.
    // They stay without the columns, their new subscribers skip them, and later checks leave them
    // out. Each round adds a column to a row or leaves a row out, so the rounds end.
    const incompleteIds = new Set<number>();
    for (;;) {
      if (this.stopped) return 0;
      const missing = this.missingLargeColumns(logs, incompleteIds);
      if (missing === null) return this.emitUnstreamed(logs);

      const reloaded = await loadPushLogs(this.orm.em.fork(), missing.ids, missing.selection);
      const updatedIds = addLargeColumns(logs, reloaded);
      for (const id of missing.ids) {
        if (!updatedIds.has(id)) incompleteIds.add(id);
      }
      const largeColumns = LARGE_COLUMNS.filter((column) => missing.selection.largeColumnWorkspaces.has(column));
      this.logger.debug(
        { requested: missing.ids.length, loaded: reloaded.length, workspaceIds: missing.selection.workspaceIds, largeColumns },
        'loaded the large columns of new subscribers',
      );
    }
  }

  /**
   * Returns the ids of the rows that lack a large column that a current subscriber of their
   * workspace selects, with the selection that reads those columns, or null when no row lacks one.
   * Rows in `skippedIds`, and rows streamed before, which are not emitted again, are left out.
   */
  private missingLargeColumns(logs: readonly PushLog[], skippedIds: ReadonlySet<number>): { ids: number[]; selection: LoadSelection } | null {
    const ids: number[] = [];
    const workspaceIds = new Set<number>();
    const columnWorkspaces = new Map<LargeColumn, Set<number>>();
    for (const log of logs) {
      const workspaceId = log.workspace.id;
      const subscribers = this.workspaceSubscribers.get(workspaceId);
      const id = Number(log.id);
      if (!subscribers || skippedIds.has(id) || this.streamedIds.has(id)) continue;
      let lacking = false;
      for (const column of subscribers.largeColumns.keys()) {
        if (LARGE_COLUMN_PROPERTIES[column] in log) continue;
        lacking = true;
        const workspaces = columnWorkspaces.get(column) ?? new Set<number>();
        workspaces.add(workspaceId);
        columnWorkspaces.set(column, workspaces);
      }
      if (!lacking) continue;
      ids.push(id);
      workspaceIds.add(workspaceId);
    }
    if (ids.length === 0) return null;

    const largeColumnWorkspaces = new Map<LargeColumn, number[]>();
    for (const [column, workspaces] of columnWorkspaces) largeColumnWorkspaces.set(column, [...workspaces]);
    return { ids, selection: { workspaceIds: [...workspaceIds], largeColumnWorkspaces } };
  }

  /**
   * Streams the rows of the subscribed workspaces created at or after `from` that were not
   * streamed yet. A workspace with more than MAX_CATCH_UP_ROWS of them gets none: its
   * subscriptions end with an error instead, so that its clients read the push log and subscribe
   * again rather than miss rows without knowing. When the rows cannot be loaded, every
   * subscription ends that way.
   */
  private async catchUp(from: Date): Promise<void> {
    const selection = this.loadSelection();
    let backlog: CatchUpBacklog;
    let streamed = 0;
    try {
      // Ids first, because the rows streamed before the loss may be most of those since `from`.
      // A workspace whose ids reach its limit has more than MAX_CATCH_UP_ROWS not streamed yet.
      const limits = selection.workspaceIds.map((workspaceId) => MAX_CATCH_UP_ROWS + this.streamedIds.countOf(workspaceId) + 1);
      backlog = this.unstreamedBacklog(await loadPushLogIdsSince(this.orm.em.fork(), selection.workspaceIds, from, limits));
      if (this.stopped) return;
      if (backlog.overflowing.size > 0) this.endWorkspaceSubscriptions(backlog.overflowing, from);

      for (let start = 0; start < backlog.ids.length; start += MAX_IDS_PER_LOAD) {
        // Reads what the current subscribers select, because some may have joined since the catch-up started.
        const logs = await loadPushLogs(this.orm.em.fork(), backlog.ids.slice(start, start + MAX_IDS_PER_LOAD), this.loadSelection());
        streamed += await this.emitWithSelectedColumns(logs);
        if (this.stopped) return;
      }
    } catch (error) {
      this.logger.error({ err: error, catchUpFrom: from, streamed }, 'failed to load the push log rows written while notifications were lost');
      this.endSubscriptions(from, 'the push log rows written meanwhile could not be loaded');
      return;
    }
    this.logger.info({ catchUpFrom: from, missed: backlog.ids.length, streamed }, 'streamed the push log rows written while notifications were lost');
  }

  /**
   * Splits the ids that a catch-up found into those not streamed yet of the workspaces within
   * MAX_CATCH_UP_ROWS, in ascending order, and the workspaces past it. Every id is checked before
   * the catch-up emits rows, because new ids may drop old ones from streamedIds.
   */
  private unstreamedBacklog(idsByWorkspace: Map<number, number[]>): CatchUpBacklog {
    const ids: number[] = [];
    const overflowing = new Set<number>();
    for (const [workspaceId, workspaceIds] of idsByWorkspace) {
      const unstreamed = workspaceIds.filter((id) => !this.streamedIds.has(id));
      if (unstreamed.length > MAX_CATCH_UP_ROWS) overflowing.add(workspaceId);
      else ids.push(...unstreamed);
    }
    ids.sort((a, b) => a - b);
    return { ids, overflowing };
  }

  /** Ends the subscriptions of `workspaceIds`, whose rows written while notifications were lost exceed MAX_CATCH_UP_ROWS. */
  private endWorkspaceSubscriptions(workspaceIds: ReadonlySet<number>, from: Date): void {
    this.logger.warn(
      { catchUpFrom: from, workspaceIds: [...workspaceIds], maxRows: MAX_CATCH_UP_ROWS },
      'ended the deliveryLog subscriptions of workspaces with too many push log rows written while notifications were lost',
    );
    const error = new SubscriptionEndedError(
      `The deliveryLog subscription ended because the server lost its database notifications for a while and more than ${MAX_CATCH_UP_ROWS} push log rows of this workspace were written meanwhile. ` +
        `Read the rows with pushLogs(filter: { from: "${from.toISOString()}" }), then subscribe again.`,
    );
    this.emitter.emit('endWorkspaces', workspaceIds, error);
  }

  /** Ends every subscription with an error that names the time from which the client should read the push log. */
  private endSubscriptionsAfterFailedLoad(from: Date): void {
    this.emitter.emit(
      'stop',
      new SubscriptionEndedError(
        'The deliveryLog subscription ended because the server could not read new push log rows from its database. ' +
          `Read the rows with pushLogs(filter: { from: "${from.toISOString()}" }), then subscribe again.`,
      ),
    );
  }

  private endSubscriptions(from: Date, reason: string): void {
    this.logger.warn({ catchUpFrom: from, reason, subscribers: this.subscriberCount }, 'ended the deliveryLog subscriptions after lost notifications');
    const error = new SubscriptionEndedError(
      `The deliveryLog subscription ended because the server lost its database notifications for a while and ${reason}. ` +
        `Read the rows with pushLogs(filter: { from: "${from.toISOString()}" }), then subscribe again.`,
    );
    this.emitter.emit('stop', error);
  }

  /** Emits the rows not streamed before, in the given order, and returns how many it emitted. */
  private emitUnstreamed(logs: PushLog[]): number {
    let emitted = 0;
    for (const log of logs) {
      const id = Number(log.id);
      if (this.streamedIds.has(id)) continue;
      this.streamedIds.add(id, log.workspace.id);
      this.emitter.emit('log', log);
      emitted += 1;
    }
    return emitted;
  }

  /**
   * Returns what a load reads for the current subscribers. A subscriber added while the load runs
   * does not change it, so emitWithSelectedColumns reads the large columns that such a subscriber
   * selects before the load's rows are emitted.
   */
  private loadSelection(): LoadSelection {
    const largeColumnWorkspaces = new Map<LargeColumn, number[]>();
    for (const [workspaceId, subscribers] of this.workspaceSubscribers) {
      for (const column of subscribers.largeColumns.keys()) {
        const workspaceIds = largeColumnWorkspaces.get(column) ?? [];
        workspaceIds.push(workspaceId);
        largeColumnWorkspaces.set(column, workspaceIds);
      }
    }
    return { workspaceIds: [...this.workspaceSubscribers.keys()], largeColumnWorkspaces };
  }

  private addWorkspaceSubscriber(workspaceId: number, largeColumns: readonly LargeColumn[]): void {
    let subscribers = this.workspaceSubscribers.get(workspaceId);
    if (!subscribers) {
      subscribers = { count: 0, largeColumns: new Map() };
      this.workspaceSubscribers.set(workspaceId, subscribers);
    }
    subscribers.count += 1;
    for (const column of largeColumns) subscribers.largeColumns.set(column, (subscribers.largeColumns.get(column) ?? 0) + 1);
  }

  private removeWorkspaceSubscriber(workspaceId: number, largeColumns: readonly LargeColumn[]): void {
    const subscribers = this.workspaceSubscribers.get(workspaceId);
    if (!subscribers) return;
    subscribers.count -= 1;
    if (subscribers.count === 0) {
      this.workspaceSubscribers.delete(workspaceId);
      return;
    }
    for (const column of largeColumns) {
      const count = (subscribers.largeColumns.get(column) ?? 0) - 1;
      if (count > 0) subscribers.largeColumns.set(column, count);
      else subscribers.largeColumns.delete(column);
    }
  }
}

/** Returns the push log ids that a notification payload names, or null when it has neither accepted form. */
function parseNotifiedIds(payload: string): number[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;

  const { ids, id } = parsed as { ids?: unknown; id?: unknown };
  if (Array.isArray(ids)) return ids.every(isPushLogId) ? ids : null;
  if (isPushLogId(id)) return [id];
  return null;
}

function isPushLogId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Columns of push_logs that end in `_id` but hold plain values, not references. */
const PUSH_LOG_VALUE_COLUMNS: ReadonlySet<string> = new Set(['connection_id', 'event_id', 'message_id']);

const LIGHT_COLUMNS = PUSH_LOG_COLUMNS.filter((column) => !(LARGE_COLUMNS as readonly string[]).includes(column));

/** Builds a statement that loads the rows with ids `$1` of the workspaces `$2` in ascending id order, as JSON objects of `select`. */
function loadStatementText(select: string): string {
  return `select row_to_json(r) as log from (select ${select} from push_logs l where l.id = any($1::bigint[]) and l.workspace_id = any($2::int[])) r order by r.id`;
}

/** Loads the rows without their large columns, when no subscriber selects any. */
const LOAD_PUSH_LOGS: PreparedStatement = {
  name: 'docpush_load_notified_push_logs',
  text: loadStatementText(LIGHT_COLUMNS.map((column) => `l.${column}`).join(', ')),
};

/**
 * Loads the rows with each large column only for the workspaces of its parameter, `$3` for the
 * first of LARGE_COLUMNS and so on, and null for the other rows. A CASE evaluates its result only
 * for the rows that match, so PostgreSQL neither detoasts nor serializes the value for the others.
 */
const LOAD_PUSH_LOGS_WITH_LARGE_COLUMNS: PreparedStatement = {
  name: 'docpush_load_notified_push_logs_with_large_columns',
  text: loadStatementText(
    [
      ...LIGHT_COLUMNS.map((column) => `l.${column}`),
      ...LARGE_COLUMNS.map((column, index) => `case when l.workspace_id = any($${index + 3}::int[]) then l.${column} end as ${column}`),
    ].join(', '),
  ),
};

/**
 * Loads push log rows of the given workspaces in ascending id order, as plain objects in the
 * shape of the entity, with the large columns that the selection names for the row's workspace
 * and without the others. At a thousand rows per second, MikroORM's hydration of them was a
 * visible share of the API process's CPU. The objects are not managed by any EntityManager.
 */
async function loadPushLogs(em: EntityManager, ids: number[], selection: LoadSelection): Promise<PushLog[]> {
  if (selection.largeColumnWorkspaces.size === 0) {
    const rows = await executePrepared<{ log: Record<string, unknown> }>(em, LOAD_PUSH_LOGS, [ids, selection.workspaceIds]);
    return rows.map((row) => rowToProperties(row.log, PUSH_LOG_VALUE_COLUMNS) as unknown as PushLog);
  }

  const largeColumnWorkspaces = LARGE_COLUMNS.map((column) => selection.largeColumnWorkspaces.get(column) ?? []);
  const values = [ids, selection.workspaceIds, ...largeColumnWorkspaces];
  const rows = await executePrepared<{ log: Record<string, unknown> }>(em, LOAD_PUSH_LOGS_WITH_LARGE_COLUMNS, values);
  return rows.map((row) => {
    // Every push_logs column is NOT NULL, so null is a large column that was not loaded for this row.
    for (const column of LARGE_COLUMNS) {
      if (row.log[column] === null) delete row.log[column];
    }
    return rowToProperties(row.log, PUSH_LOG_VALUE_COLUMNS) as unknown as PushLog;
  });
}

/**
 * Selects the ids of each workspace in `$1` created at or after `$2`, up to the workspace's limit
 * at the same position in `$3`. Each workspace's scan of the (workspace_id, created_at) index
 * stops at its limit, so a busy workspace costs no more than that. A workspace past its limit
 * returns its earliest rows, which tell only that it reached the limit.
 */
const LOAD_PUSH_LOG_IDS_SINCE: PreparedStatement = {
  name: 'docpush_load_push_log_ids_since_per_workspace_limit',
  text:
    'select w.workspace_id, l.id from unnest($1::int[], $3::int[]) as w(workspace_id, max_rows) cross join lateral ' +
    '(select p.id from push_logs p where p.workspace_id = w.workspace_id and p.created_at >= $2 order by p.created_at limit w.max_rows) l',
};

/**
 * Loads the ids of each workspace's push log rows created at or after `from`, up to
 * `limits[i]` for `workspaceIds[i]`, by workspace id. Workspaces without such rows are left out.
 */
async function loadPushLogIdsSince(em: EntityManager, workspaceIds: number[], from: Date, limits: number[]): Promise<Map<number, number[]>> {
  const rows = await executePrepared<{ workspace_id: number; id: string | number }>(em, LOAD_PUSH_LOG_IDS_SINCE, [workspaceIds, from, limits]);
  const idsByWorkspace = new Map<number, number[]>();
  for (const row of rows) {
    const ids = idsByWorkspace.get(row.workspace_id) ?? [];
    ids.push(Number(row.id));
    idsByWorkspace.set(row.workspace_id, ids);
  }
  return idsByWorkspace;
}

/**
 * Copies the large columns of the rows in `reloaded` to the rows with the same id in `logs` that
 * lack them, and returns the ids of the rows that gained at least one column.
 */
function addLargeColumns(logs: readonly PushLog[], reloaded: readonly PushLog[]): Set<number> {
  const reloadedById = new Map(reloaded.map((log) => [Number(log.id), log]));
  const updatedIds = new Set<number>();
  for (const log of logs) {
    const source = reloadedById.get(Number(log.id));
    if (!source) continue;
    for (const property of Object.values(LARGE_COLUMN_PROPERTIES)) {
      if (property in log || !(property in source)) continue;
      Object.assign(log, { [property]: source[property] });
      updatedIds.add(Number(log.id));
    }
  }
  return updatedIds;
}

function matches(log: PushLog, filter: DeliveryLogFilter): boolean {
  if (log.workspace.id !== filter.workspaceId) return false;
  if (filter.connectionId !== undefined && log.connectionId !== filter.connectionId) return false;
  if (filter.outcome !== undefined && log.outcome !== filter.outcome) return false;
  return true;
}
