import { isIPv4, isIPv6 } from 'node:net';
import type { WebSocket } from 'ws';

/** A WebSocket close frame carries at most 125 bytes, 2 of them the close code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Minimum time between two log lines about rejections for one limit. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;

/**
 * The graphql-ws connections of this process that have not completed authentication in
 * connection_init, counted by client address, from the opening of the socket until it
 * authenticates or its closing handshake starts. graphql-ws closes a socket without
 * connection_init after 3 s, so such a socket stops counting then, even while its peer has not
 * yet replied to the close frame.
 */
export class UnauthenticatedConnections {
  private readonly socketsByAddress = new Map<string, Set<WebSocket>>();
  private readonly addressBySocket = new Map<WebSocket, string>();

  constructor(private readonly maxPerAddress: number) {}

  /**
   * Counts the socket of a new connection from `remoteAddress` and returns null, or returns the
   * close reason when the address already has `maxPerAddress` unauthenticated connections. An
   * IPv6 address counts for its /64 network, because one client usually has a whole /64.
   */
  admit(socket: WebSocket, remoteAddress: string | undefined): string | null {
    const address = addressGroup(remoteAddress ?? 'unknown');
    if (this.countOpen(address) >= this.maxPerAddress) return unauthenticatedLimitReason(this.maxPerAddress);

    let sockets = this.socketsByAddress.get(address);
    if (!sockets) {
      sockets = new Set();
      this.socketsByAddress.set(address, sockets);
    }
    sockets.add(socket);
    this.addressBySocket.set(socket, address);
    socket.once('close', () => this.forget(socket));
    return null;
  }

  /** Stops counting the socket, whose connection has authenticated. */
  authenticated(socket: WebSocket): void {
    this.forget(socket);
  }

  /**
   * Counts the address's sockets. Below the limit, closing sockets are counted too, so it is cheap.
   * At the limit, it first stops counting the sockets that are closing, because their 'close' event comes
   * only once the peer completes the closing handshake or ws gives up waiting for it.
   */
  private countOpen(address: string): number {
    const sockets = this.socketsByAddress.get(address);
    if (!sockets || sockets.size < this.maxPerAddress) return sockets?.size ?? 0;

    for (const socket of [...sockets]) {
      if (socket.readyState !== socket.OPEN) this.forget(socket);
    }
    return this.socketsByAddress.get(address)?.size ?? 0;
  }

  private forget(socket: WebSocket): void {
    const address = this.addressBySocket.get(socket);
    if (address === undefined) return;
    this.addressBySocket.delete(socket);
    const sockets = this.socketsByAddress.get(address);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.socketsByAddress.delete(address);
  }
}

/**
 * Returns the key under which connections from `address` are counted: an IPv4 address itself,
 * also when written as an IPv4-mapped IPv6 address, and the /64 network of another IPv6 address,
 * such as `2001:db8:0:1::/64`. Any other text is returned unchanged.
 */
export function addressGroup(address: string): string {
  const withoutZone = address.split('%')[0];
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(withoutZone);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(withoutZone)) return address;

  const [head, tail] = withoutZone.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  // An embedded IPv4 address, such as in 64:ff9b::192.0.2.1, fills the last two groups.
  const tailLength = tailGroups.length + (tailGroups.at(-1)?.includes('.') ? 1 : 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailLength).fill('0');
  const network = [...headGroups, ...zeros, ...tailGroups].slice(0, 4);
  return `${network.map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** Returns the close reason of a connection beyond DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY, at most 121 bytes long. */
export function keyLimitReason(apiKeyId: number, maxPerKey: number): string {
  return `Forbidden: API key ${apiKeyId} has the maximum of ${maxPerKey} open connections (DOCPUSH_MAX_WS_CONNECTIONS_PER_KEY); close one.`;
}

/** Returns the close reason of a connection beyond DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS, at most 122 bytes long. */
export function unauthenticatedLimitReason(maxPerAddress: number): string {
  return `Forbidden: ${maxPerAddress} unauthenticated connections from this address, the maximum (DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS).`;
}
