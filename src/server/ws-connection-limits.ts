import { isIPv4, isIPv6 } from 'node:net';
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { RequestAddresses } from './client-address';

/** A WebSocket close frame carries at most 125 bytes, 2 of them the close code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Maximum bytes that a client may send on a graphql-ws connection before connection_init has
 * authenticated it. A connection_init message with an API key takes well under 1 KiB. Without
 * this limit, ws would buffer a message of up to DOCPUSH_REQUEST_BODY_LIMIT (40 MiB by default)
 * for each unauthenticated socket, so 50 sockets from one address could hold about 2 GiB.
 */
export const MAX_UNAUTHENTICATED_BYTES = 64 * 1024;

/** WebSocket close code 1009 (Message Too Big) of RFC 6455. */
const MESSAGE_TOO_BIG = 1009;

/** Minimum time between two log lines about rejections for one limit. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;

/**
 * The graphql-ws connections of this process that have not completed authentication in
 * connection_init, counted by client address (see RequestAddresses), from the opening of the socket until it
 * authenticates or its closing handshake starts. graphql-ws closes a socket without
 * connection_init after 3 s, so such a socket stops counting then, even while its peer has not
 * yet replied to the close frame.
 */
export class UnauthenticatedConnections {
  private readonly socketsByAddress = new Map<string, Set<WebSocket>>();
  private readonly addressBySocket = new Map<WebSocket, string>();
  /** Functions that stop counting the bytes received on each socket that has not authenticated yet. */
  private readonly byteCounters = new Map<WebSocket, () => void>();

  constructor(
    private readonly maxPerAddress: number,
    private readonly onTooManyBytes: (addresses: RequestAddresses) => void = () => {},
    private readonly maxBytes: number = MAX_UNAUTHENTICATED_BYTES,
  ) {}

  /**
   * Counts the socket of a new connection from the client at `addresses.remoteAddress` and returns
   * null, or returns the close reason when that address already has `maxPerAddress`
   * unauthenticated connections. An IPv6 address counts for its /64 network, because one client
   * usually has a whole /64. An admitted socket's bytes on `stream`, its TCP connection, are
   * counted until it authenticates.
   */
  admit(socket: WebSocket, addresses: RequestAddresses, stream: Readable): string | null {
    const address = addressGroup(addresses.remoteAddress ?? 'unknown');
    if (this.countOpen(address) >= this.maxPerAddress) return unauthenticatedLimitReason(this.maxPerAddress);
    this.countBytes(socket, addresses, stream);

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

  /** Stops counting the socket and its bytes, because its connection has authenticated. */
  authenticated(socket: WebSocket): void {
    this.forget(socket);
    this.stopCountingBytes(socket);
  }

  /**
   * Counts the bytes that arrive on the socket's TCP stream until it authenticates or closes.
   * Past `maxBytes`, it closes the socket with 1009, and drops it when more bytes arrive. It
   * keeps counting while the socket closes, because ws reads until the closing handshake ends.
   */
  private countBytes(socket: WebSocket, addresses: RequestAddresses, stream: Readable): void {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= this.maxBytes) return;
      if (socket.readyState !== socket.OPEN) {
        socket.terminate();
        return;
      }
      this.onTooManyBytes(addresses);
      socket.close(MESSAGE_TOO_BIG, unauthenticatedBytesReason(this.maxBytes));
    };
    stream.on('data', onData);
    this.byteCounters.set(socket, () => stream.off('data', onData));
    socket.once('close', () => this.stopCountingBytes(socket));
  }

  private stopCountingBytes(socket: WebSocket): void {
    this.byteCounters.get(socket)?.();
    this.byteCounters.delete(socket);
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

/** Returns the close reason of a connection that sent more than `maxBytes` before connection_init authenticated it. */
export function unauthenticatedBytesReason(maxBytes: number): string {
  return `Message Too Big: more than ${maxBytes} bytes before authentication. Send only connection_init with the API key first.`;
}

/** Returns the close reason of a connection beyond DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS, at most 122 bytes long. */
export function unauthenticatedLimitReason(maxPerAddress: number): string {
  return `Forbidden: ${maxPerAddress} unauthenticated connections from this address, the maximum (DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS).`;
}
