import type http from 'node:http';
import { isIP, isIPv4 } from 'node:net';
import { isOnAllowList, parseAddressList, type AllowList } from '../security/address-policy';

/**
 * The addresses of a request, as log fields. Only the graphql-ws limit per address and logs use
 * them, never an access decision, because X-Forwarded-For is only as honest as the proxies that wrote it.
 */
export interface RequestAddresses {
  /**
   * The client's address: the rightmost untrusted address in X-Forwarded-For when the TCP peer is a
   * trusted proxy, else the TCP peer's address. Undefined when the socket closed before it was read.
   */
  remoteAddress: string | undefined;
  /** The TCP peer's address, which is a trusted proxy's, present only when it differs from `remoteAddress`. */
  peerAddress?: string;
}

/** Most X-Forwarded-For entries read; a longer header counts the request as the TCP peer's. */
export const MAX_FORWARDED_HOPS = 32;

/** Returns the addresses of a request, such as an HTTP request or a WebSocket upgrade. */
export type AddressResolver = (request: http.IncomingMessage) => RequestAddresses;

/** Attributes every request to its TCP peer, as docpush does without DOCPUSH_TRUSTED_PROXIES. */
export const peerAddressOnly: AddressResolver = (request) => ({ remoteAddress: request.socket.remoteAddress });

/** Creates the resolver for DOCPUSH_TRUSTED_PROXIES, IP addresses and CIDR ranges that loadConfig has validated. */
export function createAddressResolver(trustedProxies: string[]): AddressResolver {
  if (trustedProxies.length === 0) return peerAddressOnly;
  const trusted = parseAddressList(trustedProxies, 'DOCPUSH_TRUSTED_PROXIES');
  return (request) => {
    const peerAddress = request.socket.remoteAddress;
    const header = request.headers['x-forwarded-for'];
    const remoteAddress = clientAddress(peerAddress, Array.isArray(header) ? header.join(', ') : header, trusted);
    return remoteAddress === peerAddress ? { remoteAddress } : { remoteAddress, peerAddress };
  };
}

/**
 * Returns the client address of a request from the TCP peer's address and the X-Forwarded-For
 * header. When the peer is in `trusted`, the header is walked from the right, past trusted
 * addresses, to the first untrusted one. That is the address from which the outermost trusted
 * proxy received the connection. When every entry is trusted, the leftmost is the client.
 * Entries left of the client's are not read, because the client may have written them. An entry
 * that the walk reaches and that is not a bare IP address (empty, `unknown`, with a port or
 * brackets) returns the peer's address, as does a header of more than MAX_FORWARDED_HOPS
 * entries. Node joins repeated X-Forwarded-For header lines with ", ", so they read as one list.
 */
export function clientAddress(peerAddress: string | undefined, forwardedFor: string | undefined, trusted: AllowList): string | undefined {
  if (peerAddress === undefined || forwardedFor === undefined || !isTrusted(peerAddress, trusted)) return peerAddress;

  const entries = forwardedFor.split(',').map((entry) => entry.trim());
  // A chain longer than any real set of proxies costs a trusted client CPU per request to walk.
  if (entries.length > MAX_FORWARDED_HOPS) return peerAddress;
  for (let index = entries.length - 1; index > 0; index--) {
    const entry = entries[index];
    if (isIP(entry) === 0) return peerAddress;
    if (!isTrusted(entry, trusted)) return entry;
  }
  return isIP(entries[0]) === 0 ? peerAddress : entries[0];
}

/**
 * Returns whether `address` is in `trusted`. An IPv4 address also matches an IPv4-mapped entry
 * such as ::ffff:10.0.0.5. A listener on HOST=:: shows IPv4 peers in that form, but an IPv4
 * listener and X-Forwarded-For may show the same peer as 10.0.0.5.
 */
function isTrusted(address: string, trusted: AllowList): boolean {
  return isOnAllowList(address, trusted) || (isIPv4(address) && isOnAllowList(`::ffff:${address}`, trusted));
}
