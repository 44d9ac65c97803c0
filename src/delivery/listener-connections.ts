import { isIP, type Socket } from 'node:net';
import { buildConnector, Client } from 'undici';
import type { VettedTarget } from '../security/target-guard';

/** Stages of one delivery attempt, in order. A timeout message names the stage it hit. */
export type AttemptStage = 'resolve' | 'queue' | 'connect' | 'tls' | 'headers' | 'body';

/** The part of an attempt's state that the connector updates while it opens a socket. */
export interface ConnectProgress {
  stage: AttemptStage;
  remoteAddress: string | null;
}

/**
 * One HTTP/1.1 connection: an undici Client (pipelining 1) whose sockets go to the vetted
 * address only, whatever the URL's host resolves to later. TLS still sends the URL's host name
 * as SNI and verifies the certificate against it. The Client reconnects on its next request
 * after the listener or a cut-off response body closed the socket.
 */
export class PinnedConnection {
  readonly client: Client;
  /** Progress of the attempt that is using this connection. A connect reports its stages there. */
  progress: ConnectProgress | null = null;
  private readonly sockets = new Set<Socket>();

  /** `connect` opens the sockets. The connections to one listener share it, so they share TLS sessions. */
  constructor(target: VettedTarget, connect: buildConnector.connector) {
    this.client = new Client(target.url.origin, { connect: this.pinnedConnector(target, connect) });
  }

  /** True when the Client has a connected socket, so a request is written without a connect. */
  get connected(): boolean {
    return this.client.stats.connected;
  }

  /**
   * Destroys every socket, including one still connecting or in the TLS handshake, and then the
   * Client. The sockets go first because Client.destroy() leaves a connecting socket open until
   * its connect completes or times out. A request in flight fails with `reason` when one is given.
   */
  async destroy(reason?: Error): Promise<void> {
    for (const socket of this.sockets) socket.destroy(reason);
    await this.client.destroy(reason ?? null).catch(() => undefined);
  }

  /** Creates a connector that ignores the URL's host and opens the socket to the vetted address. */
  private pinnedConnector(target: VettedTarget, connect: buildConnector.connector): buildConnector.connector {
    const servername = isIP(target.hostname) === 0 ? target.hostname : undefined;

    return (options, callback) => {
      const progress = this.progress;
      if (progress) progress.stage = 'connect';
      const socket = connect({ ...options, hostname: target.address, servername }, (error, connected) => {
        if (error || !connected) {
          callback(error ?? new Error(`Connecting to ${target.address} failed without an error`), null);
          return;
        }
        if (progress) {
          progress.stage = 'headers';
          progress.remoteAddress = connected.remoteAddress ?? target.address;
        }
        callback(null, connected);
      }) as unknown as Socket | undefined;
      if (!socket) return;

      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // A TLS socket emits 'connect' when TCP is up and 'secureConnect' after the handshake.
      if (options.protocol === 'https:' && progress) socket.once('connect', () => (progress.stage = 'tls'));
    };
  }
}

/** A connection held by one attempt until it calls `release`. */
export interface ConnectionLease {
  readonly connection: PinnedConnection;
  /**
   * Returns the connection to the pool when `reusable`, else closes it. Only a connection whose
   * last response was read to its end is reusable, because any other socket may still carry
   * unread response bytes.
   */
  release(reusable: boolean): Promise<void>;
}

export interface ListenerConnectionsOptions {
  /**
   * Maximum connections to one listener (one key: URL origin, vetted address, port and TLS
   * server name). Further attempts wait for a free connection within their deadline. Default 10.
   */
  maxConnectionsPerListener?: number;
  /** A listener whose connections have all been idle this long is closed and forgotten. Default 60 s. */
  idleTimeoutMs?: number;
}

/**
 * The maximum when `maxConnectionsPerListener` is omitted, which only tests do. A worker passes
 * DOCPUSH_JOB_CONCURRENCY (100 by default), because several push connections may share one listener.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_LISTENER = 10;
export const DEFAULT_LISTENER_IDLE_TIMEOUT_MS = 60_000;

interface Waiter {
  resolve: (connection: PinnedConnection) => void;
  reject: (reason: unknown) => void;
  target: VettedTarget;
  signal: AbortSignal;
  onAbort: () => void;
}

/** Connections to one listener key. */
interface Listener {
  readonly key: string;
  /** Shared by the listener's connections, so reconnects resume TLS sessions. */
  readonly connect: buildConnector.connector;
  /** Free connections; the last one released is reused first because its socket is the most likely to be open. */
  readonly idle: PinnedConnection[];
  readonly busy: Set<PinnedConnection>;
  /** Attempts waiting for a free connection, first come first served. */
  readonly waiters: Waiter[];
  lastReleasedAt: number;
}

/**
 * Keep-alive connections to webhook listeners, shared by delivery attempts.
 *
 * Connections are grouped by URL origin, vetted address, port and TLS server name. A host name
 * that resolves to a new address gets a new group, so a socket never carries a request to an
 * address other than the one its attempt vetted. Each connection is held by one attempt at a
 * time. Waiting for a free connection happens here rather than in undici's queue, so an
 * attempt whose deadline passes while it waits leaves without touching any socket.
 *
 * Idle sockets are closed by undici after the listener's Keep-Alive timeout minus 2 s, or after
 * 4 s when the listener sends none (undici 7 Client defaults). Idle listeners are dropped after
 * `idleTimeoutMs` by a timer that does not keep the process alive. Call `close()` at shutdown.
 */
export class ListenerConnections {
  private readonly maxConnectionsPerListener: number;
  private readonly idleTimeoutMs: number;
  private readonly listeners = new Map<string, Listener>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: ListenerConnectionsOptions = {}) {
    const maxConnections = options.maxConnectionsPerListener ?? DEFAULT_MAX_CONNECTIONS_PER_LISTENER;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new RangeError(`maxConnectionsPerListener must be an integer of at least 1, got ${maxConnections}`);
    }
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_LISTENER_IDLE_TIMEOUT_MS;
    if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) {
      throw new RangeError(`idleTimeoutMs must be a positive number of milliseconds, got ${idleTimeoutMs}`);
    }
    this.maxConnectionsPerListener = maxConnections;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Number of listener keys with open, busy or idle connections. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /**
   * Returns a connection to `target` for one exchange: an idle one, a new one while the listener
   * has fewer than the maximum, or else the next one released. Rejects with `signal.reason` when
   * the signal aborts first, and with an error after `close()`.
   */
  async acquire(target: VettedTarget, signal: AbortSignal): Promise<ConnectionLease> {
    this.assertOpen();
    signal.throwIfAborted();
    const listener = this.listenerFor(target);
    const connection = await this.takeConnection(listener, target, signal);
    return { connection, release: (reusable) => this.release(listener, connection, reusable) };
  }

  /** Closes every connection, idle or in use, and rejects the attempts that wait for one. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopSweeping();
    const listeners = [...this.listeners.values()];
    this.listeners.clear();

    const destroyed: Array<Promise<void>> = [];
    const reason = new Error('Listener connections were closed because docpush is shutting down');
    for (const listener of listeners) {
      for (const waiter of listener.waiters.splice(0)) {
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.reject(closedError());
      }
      for (const connection of [...listener.idle.splice(0), ...listener.busy]) destroyed.push(connection.destroy(reason));
      listener.busy.clear();
    }
    await Promise.all(destroyed);
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private listenerFor(target: VettedTarget): Listener {
    const servername = isIP(target.hostname) === 0 ? target.hostname : '';
    const key = [target.url.origin, target.address, target.port, servername].join(' ');
    let listener = this.listeners.get(key);
    if (!listener) {
      listener = {
        key,
        // No connect timeout of its own, because every connect runs for an attempt that is using
        // the connection, and that attempt's deadline closes the connection when it passes.
        connect: buildConnector({ timeout: 0, autoSelectFamily: false }),
        idle: [],
        busy: new Set(),
        waiters: [],
        lastReleasedAt: Date.now(),
      };
      this.listeners.set(key, listener);
      this.startSweeping();
    }
    return listener;
  }

  private takeConnection(listener: Listener, target: VettedTarget, signal: AbortSignal): Promise<PinnedConnection> {
    const idle = listener.idle.pop();
    if (idle) {
      listener.busy.add(idle);
      return Promise.resolve(idle);
    }
    if (listener.busy.size < this.maxConnectionsPerListener) {
      return Promise.resolve(this.openConnection(listener, target));
    }

    return new Promise<PinnedConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        target,
        signal,
        onAbort: () => {
          const index = listener.waiters.indexOf(waiter);
          if (index !== -1) listener.waiters.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      listener.waiters.push(waiter);
    });
  }

  private openConnection(listener: Listener, target: VettedTarget): PinnedConnection {
    const connection = new PinnedConnection(target, listener.connect);
    listener.busy.add(connection);
    return connection;
  }

  private async release(listener: Listener, connection: PinnedConnection, reusable: boolean): Promise<void> {
    connection.progress = null;
    if (!listener.busy.delete(connection) || this.closed) {
      // close() has already destroyed it, or will not hand it out again.
      await connection.destroy();
      return;
    }

    if (reusable && !connection.client.destroyed) {
      const waiter = listener.waiters.shift();
      if (waiter) {
        this.handOver(listener, waiter, connection);
      } else {
        listener.idle.push(connection);
        listener.lastReleasedAt = Date.now();
      }
      return;
    }

    // The freed slot goes to the first waiter as a new connection.
    const waiter = listener.waiters.shift();
    if (waiter) this.handOver(listener, waiter, this.openConnection(listener, waiter.target));
    else listener.lastReleasedAt = Date.now();
    await connection.destroy();
  }

  private handOver(listener: Listener, waiter: Waiter, connection: PinnedConnection): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    listener.busy.add(connection);
    waiter.resolve(connection);
  }

  private startSweeping(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => this.evictIdleListeners(), Math.max(1, Math.floor(this.idleTimeoutMs / 2)));
    this.sweepTimer.unref();
  }

  private stopSweeping(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Drops listeners that have no connection in use, no waiting attempt, and no release within `idleTimeoutMs`. */
  private evictIdleListeners(): void {
    const now = Date.now();
    for (const listener of this.listeners.values()) {
      const unused = listener.busy.size === 0 && listener.waiters.length === 0;
      if (!unused || now - listener.lastReleasedAt < this.idleTimeoutMs) continue;

      this.listeners.delete(listener.key);
      for (const connection of listener.idle.splice(0)) void connection.destroy();
    }
    if (this.listeners.size === 0) this.stopSweeping();
  }
}

function closedError(): Error {
  return new Error('Listener connections are closed because docpush is shutting down, so the request was not sent');
}
