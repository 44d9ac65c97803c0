import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { ValidationError } from '../common/errors';
import { type AllowList, classifyAddress, describeRule, isOnAllowList, parseAllowList } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has, in the resolver's order. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Rules that a webhook URL must pass before docpush connects to it. */
export interface TargetPolicy {
  /** Allows plain `http:` URLs as well as `https:` (development and tests only). */
  allowHttp: boolean;
  /** Ranges opened although they are loopback, private or otherwise forbidden. */
  allowList: AllowList;
  resolve: Resolver;
}

/** A URL that passed every rule, with the one address the sender must connect to. */
export interface VettedTarget {
  /** The parsed URL, with one trailing dot removed from its host name. */
  url: URL;
  /** Host name without brackets or trailing dot; for an IP literal, the address itself. */
  hostname: string;
  address: string;
  family: 4 | 6;
  port: number;
}

/** Resolves through the operating system (getaddrinfo), like other programs on the host. */
export const systemResolver: Resolver = async (hostname) => {
  const results = await dns.lookup(hostname, { all: true, verbatim: true });
  return results.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** Builds the policy from the `DOCPUSH_ALLOW_HTTP` and `DOCPUSH_ALLOWED_CIDRS` settings. */
export function createTargetPolicy(options: { allowHttp: boolean; allowedCidrs: string[]; resolve?: Resolver }): TargetPolicy {
  return {
    allowHttp: options.allowHttp,
    allowList: parseAllowList(options.allowedCidrs),
    resolve: options.resolve ?? systemResolver,
  };
}

/**
 * A webhook URL that docpush will not deliver to. `rule` names the broken rule (an address
 * rule from `classifyAddress`, or `invalidUrl`, `scheme` or `userinfo`), and `address` is the
 * forbidden address when an address rule was broken.
 */
export class TargetRejectedError extends ValidationError {
  constructor(
    message: string,
    readonly rule: string,
    readonly address: string | null = null,
  ) {
    super('url', message);
  }
}

/** A failed DNS lookup of the URL's host name. `lookupCode` is the resolver's error code, such as ENOTFOUND. */
export class TargetLookupError extends ValidationError {
  constructor(
    message: string,
    readonly hostname: string,
    readonly lookupCode: string,
  ) {
    super('url', message);
  }
}

/** Returns the URL for messages, without user name and password. */
function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return raw;
  }
}

/**
 * Parses a URL the way the sender reads it (WHATWG URL parsing) and removes one trailing dot
 * from the host name, because the sender resolves the host, and names it in TLS and the Host
 * header, without that dot.
 */
function parseUrl(raw: string): URL {
  const url = new URL(raw);
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  return url;
}

/**
 * Returns the URL in the form the sender requests it: WHATWG-serialised, with spaces and other
 * characters that a URL cannot contain percent-encoded, the host lower-cased and without its
 * trailing dot, and a default port left out. A fragment stays in the text, although HTTP never
 * sends it. Text that does not parse as a URL is returned unchanged.
 */
export function serializeTargetUrl(raw: string): string {
  try {
    return parseUrl(raw).href;
  } catch {
    return raw;
  }
}

/** The scheme and `//` of an absolute URL followed by user information, which ends at its last "@". */
const USER_INFO_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/;

/** The text between the `//` of an absolute URL without user information and its path, query or fragment. */
const HOST_AND_PORT_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/** Scheme, optional user information, host and optional port of an absolute URL, as RFC 3986 writes them. */
const AUTHORITY_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^/?#:]*)(?::([^/?#]*))?/;

/** Maximum lengths of a host name and of one label in DNS (RFC 1035 section 2.3.4), counted in the ASCII (punycode) form. */
const MAX_HOST_NAME_LENGTH = 253;
const MAX_HOST_LABEL_LENGTH = 63;

/**
 * Explains why WHATWG URL parsing rejected `raw`, naming the port or the IPv6 zone id when
 * either is the cause, and otherwise the form that is expected.
 */
function describeUnparsableUrl(raw: string, policy: TargetPolicy): string {
  // A URL that does not parse may still carry a password, so the message quotes it without its user information.
  const withoutUserInfo = raw.replace(USER_INFO_PATTERN, '$1');
  const quotedUrl = `${JSON.stringify(withoutUserInfo)}${withoutUserInfo === raw ? '' : ' (credentials removed)'}`;
  const hostAndPort = HOST_AND_PORT_PATTERN.exec(withoutUserInfo)?.[1] ?? '';
  if (hostAndPort.startsWith('[') && !hostAndPort.includes(']')) {
    return `URL ${quotedUrl} has an IPv6 address without its closing bracket: write it as [2001:db8::1] or [2001:db8::1]:8443.`;
  }
  const authority = AUTHORITY_PATTERN.exec(withoutUserInfo);
  const host = authority?.[1] ?? '';
  const port = authority?.[2];
  if (host.startsWith('[') && host.includes('%')) {
    return `URL ${quotedUrl} has an IPv6 address with a zone id (${host.slice(host.indexOf('%'), -1)}), which URLs do not support: use the address without the zone id, or a host name.`;
  }
  if (port !== undefined && /^[0-9]+$/.test(port) && Number(port) > 65535) {
    return `URL ${quotedUrl} has port ${port}, which is out of range: give a port from 1 to 65535, or omit it for the default (443 for https, 80 for http).`;
  }
  if (port !== undefined && port !== '' && !/^[0-9]+$/.test(port)) {
    return `URL ${quotedUrl} has port ${JSON.stringify(port)}, which is not a number: give a port from 1 to 65535, or omit it for the default.`;
  }
  const expected = policy.allowHttp ? 'an absolute https:// or http:// URL' : 'an absolute https:// URL';
  return `URL ${quotedUrl} is invalid: expected ${expected} such as https://hooks.example.com/docpush.`;
}

/**
 * Rejects a host name that DNS cannot carry: an empty label, as in "a..b", a label over 63 or a
 * name over 253 characters. Checking before the lookup keeps such names away from the resolver.
 */
function checkHostNameSyntax(url: URL, hostname: string): void {
  if (isIP(hostname) !== 0) return;
  const quotedUrl = JSON.stringify(url.href);
  if (hostname.length > MAX_HOST_NAME_LENGTH) {
    throw new TargetRejectedError(
      `URL ${quotedUrl} has a host name of ${hostname.length} characters, which is invalid: a host name has at most ${MAX_HOST_NAME_LENGTH}.`,
      'invalidUrl',
    );
  }
  const labels = hostname.split('.');
  if (labels.includes('')) {
    throw new TargetRejectedError(
      `URL ${quotedUrl} has the invalid host name ${hostname}, which has an empty label: remove the extra dot.`,
      'invalidUrl',
    );
  }
  const longLabel = labels.find((label) => label.length > MAX_HOST_LABEL_LENGTH);
  if (longLabel !== undefined) {
    throw new TargetRejectedError(
      `URL ${quotedUrl} has the invalid host name ${hostname}: its label ${longLabel.slice(0, 20)}… has ${longLabel.length} characters, and a label has at most ${MAX_HOST_LABEL_LENGTH}.`,
      'invalidUrl',
    );
  }
}

function parseTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = parseUrl(raw);
  } catch {
    throw new TargetRejectedError(describeUnparsableUrl(raw, policy), 'invalidUrl');
  }
  const quotedUrl = JSON.stringify(displayUrl(raw));
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw new TargetRejectedError(
      `URL ${quotedUrl} uses plain http, which this server rejects: use https:// (DOCPUSH_ALLOW_HTTP=true allows http for development).`,
      'scheme',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const allowed = policy.allowHttp ? 'https:// or http://' : 'https://';
    throw new TargetRejectedError(`URL ${quotedUrl} uses ${url.protocol}, but webhook URLs must use ${allowed}.`, 'scheme');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TargetRejectedError(
      `URL ${quotedUrl} (credentials removed) contains a user name or password, which docpush does not send: remove it and pass credentials in a custom header instead.`,
      'userinfo',
    );
  }
  if (url.hostname === '') {
    throw new TargetRejectedError(`URL ${quotedUrl} has no host name.`, 'invalidUrl');
  }
  if (url.port === '0') {
    throw new TargetRejectedError(
      `URL ${quotedUrl} uses port 0, which no listener can use: give the listener's port, or omit it for the default (443 for https, 80 for http).`,
      'invalidUrl',
    );
  }
  return url;
}

async function resolveHost(hostname: string, policy: TargetPolicy): Promise<ResolvedAddress[]> {
  const family = isIP(hostname);
  if (family !== 0) return [{ address: hostname, family: family === 6 ? 6 : 4 }];

  let addresses: ResolvedAddress[];
  try {
    addresses = await policy.resolve(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TargetLookupError(`DNS lookup failed for host ${hostname}: ${code}. Check the host name and that this server can resolve it.`, hostname, code);
  }
  if (addresses.length === 0) {
    throw new TargetLookupError(`DNS lookup failed for host ${hostname}: no addresses returned. Check the host name and its DNS records.`, hostname, 'ENODATA');
  }
  return addresses;
}

function rejectAddress(url: URL, address: string, rule: string): TargetRejectedError {
  return new TargetRejectedError(
    `URL ${JSON.stringify(url.href)} points to ${address}, which is ${describeRule(rule)} (rule ${rule}). ` +
      `docpush only delivers to public addresses. For development, add a range that contains it, such as ${singleAddressRange(address)}, to DOCPUSH_ALLOWED_CIDRS.`,
    rule,
    address,
  );
}

function singleAddressRange(address: string): string {
  return isIP(address) === 6 ? `${address}/128` : `${address}/32`;
}

/**
 * Checks a webhook URL and resolves its host, and returns the address to connect to.
 *
 * The URL must be https (http only with `allowHttp`) without user name or password. IP literals
 * skip DNS; WHATWG URL parsing has already turned shorthand such as `0x7f.1` or `2130706433`
 * into dotted form. EVERY resolved address must be allowed, because a rebinding name may
 * return a public and a private address together. Throws TargetRejectedError or, when DNS
 * fails, TargetLookupError.
 */
export async function vetTarget(rawUrl: string, policy: TargetPolicy): Promise<VettedTarget> {
  const url = parseTargetUrl(rawUrl, policy);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  checkHostNameSyntax(url, hostname);
  const addresses = await resolveHost(hostname, policy);

  for (const { address } of addresses) {
    if (isOnAllowList(address, policy.allowList)) continue;
    const rule = classifyAddress(address);
    if (rule !== null) throw rejectAddress(url, address, rule);
  }
  const [first] = addresses;
  return { url, hostname, address: first.address, family: first.family, port: portOf(url) };
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Validates a webhook URL when a connection is saved, with the same rules and errors as
 * `vetTarget`, and returns it as `serializeTargetUrl` does: the form that is stored and sent.
 */
export async function checkDeliverableUrl(rawUrl: string, policy: TargetPolicy): Promise<string> {
  const target = await vetTarget(rawUrl, policy);
  return target.url.href;
}
