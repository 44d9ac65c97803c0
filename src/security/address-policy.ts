import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../common/errors';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr<T extends IpAddress> = [T, number];

/** One forbidden range and the name of the rule it belongs to. */
interface RangeRule<T extends IpAddress> {
  rule: string;
  range: Cidr<T>;
}

/** One range of `DOCPUSH_ALLOWED_CIDRS` or `DOCPUSH_TRUSTED_PROXIES`, kept with the text it was parsed from. */
export interface AllowedRange {
  cidr: string;
  network: IpAddress;
  prefixLength: number;
}

/**
 * Ranges parsed from a setting. DOCPUSH_ALLOWED_CIDRS opens its ranges for delivery although
 * `classifyAddress` forbids them (development and tests). DOCPUSH_TRUSTED_PROXIES lists the
 * reverse proxies whose X-Forwarded-For header is read.
 */
export interface AllowList {
  readonly ranges: readonly AllowedRange[];
}

export const EMPTY_ALLOW_LIST: AllowList = { ranges: [] };

function rules<T extends IpAddress>(table: Array<[rule: string, cidr: string]>, parse: (cidr: string) => Cidr<T>): RangeRule<T>[] {
  return table.map(([rule, cidr]) => ({ rule, range: parse(cidr) }));
}

// Ranges that are not globally reachable, after the IANA IPv4 Special-Purpose Address Registry.
// 192.88.99.0/24 (6to4 relay anycast) was deprecated by RFC 7526 and is rejected as reserved.
// The AS112 and AMT blocks are globally reachable and stay allowed.
const IPV4_RULES = rules(
  [
    ['unspecified', '0.0.0.0/8'],
    ['private', '10.0.0.0/8'],
    ['carrierGradeNat', '100.64.0.0/10'],
    ['loopback', '127.0.0.0/8'],
    ['linkLocal', '169.254.0.0/16'],
    ['private', '172.16.0.0/12'],
    ['ietfProtocolAssignments', '192.0.0.0/24'],
    ['documentation', '192.0.2.0/24'],
    ['reserved', '192.88.99.0/24'],
    ['private', '192.168.0.0/16'],
    ['benchmarking', '198.18.0.0/15'],
    ['documentation', '198.51.100.0/24'],
    ['documentation', '203.0.113.0/24'],
    ['multicast', '224.0.0.0/4'],
    ['broadcast', '255.255.255.255/32'],
    ['reserved', '240.0.0.0/4'],
  ],
  (cidr) => ipaddr.IPv4.parseCIDR(cidr),
);

// Checked in order, so the narrow ranges inside ::/8 and 2001::/23 come before the blocks
// that contain them. Only global unicast (2000::/3) passes, and everything outside it is reserved.
// The whole of 2001::/23 is rejected, including its few globally reachable assignments
// (AMT, AS112), because webhook listeners do not live there. Teredo is handled before this table.
const IPV6_RULES = rules(
  [
    ['unspecified', '::/128'],
    ['loopback', '::1/128'],
    ['ipv4Compatible', '::/96'],
    ['nat64LocalUse', '64:ff9b:1::/48'],
    ['reserved', '::/8'],
    ['discardOnly', '100::/64'],
    ['benchmarking', '2001:2::/48'],
    ['documentation', '2001:db8::/32'],
    ['ietfProtocolAssignments', '2001::/23'],
    ['documentation', '3fff::/20'],
    ['segmentRouting', '5f00::/16'],
    ['uniqueLocal', 'fc00::/7'],
    ['linkLocal', 'fe80::/10'],
    ['siteLocal', 'fec0::/10'],
    ['multicast', 'ff00::/8'],
  ],
  (cidr) => ipaddr.IPv6.parseCIDR(cidr),
);

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const IPV4_MAPPED = ipaddr.IPv6.parseCIDR('::ffff:0:0/96');
const IPV4_TRANSLATED = ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');
const TEREDO = ipaddr.IPv6.parseCIDR('2001::/32');

const RULE_DESCRIPTIONS: Record<string, string> = {
  unspecified: 'an unspecified ("this network") address',
  private: 'a private network address',
  carrierGradeNat: 'a carrier-grade NAT (shared address space) address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  ietfProtocolAssignments: 'an IETF protocol assignment address',
  documentation: 'a documentation-only address',
  reserved: 'a reserved address',
  benchmarking: 'a benchmarking address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  ipv4Compatible: 'a deprecated IPv4-compatible IPv6 address',
  nat64LocalUse: 'a local-use NAT64 address',
  discardOnly: 'a discard-only address',
  segmentRouting: 'a segment routing (SRv6) address',
  uniqueLocal: 'a unique local (fc00::/7) address',
  siteLocal: 'a deprecated site-local address',
  invalidAddress: 'not a valid IP address',
};

const EMBEDDING_DESCRIPTIONS: Record<string, string> = {
  ipv4Mapped: 'an IPv4-mapped IPv6 address',
  ipv4Translated: 'an IPv4-translated IPv6 address',
  nat64: 'a NAT64 IPv6 address',
  '6to4': 'a 6to4 IPv6 address',
  teredo: 'a Teredo IPv6 address',
};

/** Parses a canonical IPv4 or IPv6 address, or returns null for anything else (including shorthand such as `127.1`). */
function parseStrict(ip: string): IpAddress | null {
  const family = isIP(ip);
  if (family === 4) return ipaddr.IPv4.parse(ip);
  if (family === 6) return ipaddr.IPv6.parse(withHexTail(ip.split('%')[0]));
  return null;
}

/**
 * Rewrites a dotted IPv4 tail as two hex groups (`::127.0.0.1` to `::7f00:1`). ipaddr.js 2.5.0
 * turns every dotted tail into an IPv4-mapped address, which would misread IPv4-compatible
 * and IPv4-translated addresses. The zone id must already be removed.
 */
function withHexTail(ipv6: string): string {
  const match = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ipv6);
  if (!match) return ipv6;
  const [, head, a, b, c, d] = match;
  const group = (high: string, low: string) => ((Number(high) << 8) | Number(low)).toString(16);
  return `${head}${group(a, b)}:${group(c, d)}`;
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classifyIPv4(address: ipaddr.IPv4): string | null {
  return IPV4_RULES.find(({ range }) => address.match(range))?.rule ?? null;
}

/** Returns the IPv4 addresses that an IPv6 transition form carries, with the form's name. */
function embeddedIPv4(address: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | null {
  const parts = address.parts;
  if (address.match(IPV4_MAPPED)) return { form: 'ipv4Mapped', addresses: [ipv4FromParts(parts[6], parts[7])] };
  if (address.match(IPV4_TRANSLATED)) return { form: 'ipv4Translated', addresses: [ipv4FromParts(parts[6], parts[7])] };
  if (address.match(NAT64_WELL_KNOWN)) return { form: 'nat64', addresses: [ipv4FromParts(parts[6], parts[7])] };
  if (address.match(SIX_TO_FOUR)) return { form: '6to4', addresses: [ipv4FromParts(parts[1], parts[2])] };
  if (address.match(TEREDO)) {
    // A Teredo address carries the server's IPv4 address in plain form and the client's
    // public IPv4 address with every bit inverted; both must be public.
    const server = ipv4FromParts(parts[2], parts[3]);
    const client = ipv4FromParts(~parts[6] & 0xffff, ~parts[7] & 0xffff);
    return { form: 'teredo', addresses: [server, client] };
  }
  return null;
}

function classifyIPv6(address: ipaddr.IPv6): string | null {
  const embedded = embeddedIPv4(address);
  if (embedded) {
    for (const ipv4 of embedded.addresses) {
      const rule = classifyIPv4(ipv4);
      if (rule) return `${embedded.form}:${rule}`;
    }
    return null;
  }
  const rule = IPV6_RULES.find(({ range }) => address.match(range))?.rule;
  if (rule) return rule;
  return address.match(GLOBAL_UNICAST_V6) ? null : 'reserved';
}

/**
 * Returns the name of the rule that forbids delivering to `ip`, or null for a public address.
 *
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-translated, NAT64 64:ff9b::/96,
 * 6to4 and Teredo) are judged by that IPv4 address, and a forbidden one returns
 * `<form>:<IPv4 rule>`, such as `ipv4Mapped:loopback`. Input that is not a canonical IPv4 or
 * IPv6 address (including shorthand such as `127.1`) returns `invalidAddress`.
 */
export function classifyAddress(ip: string): string | null {
  const address = parseStrict(ip);
  if (!address) return 'invalidAddress';
  return address.kind() === 'ipv4' ? classifyIPv4(address as ipaddr.IPv4) : classifyIPv6(address as ipaddr.IPv6);
}

/** Describes a rule name from `classifyAddress` in words, such as "an IPv4-mapped IPv6 address of a loopback address". */
export function describeRule(rule: string): string {
  const [first, second] = rule.split(':');
  if (second !== undefined) {
    const form = EMBEDDING_DESCRIPTIONS[first] ?? first;
    return `${form} of ${RULE_DESCRIPTIONS[second] ?? second}`;
  }
  return RULE_DESCRIPTIONS[rule] ?? rule;
}

/**
 * Parses one entry of a range setting. With `acceptAddresses`, an address without a prefix
 * length, such as `10.0.0.5`, is the range of that address alone.
 */
function parseAllowedRange(cidr: string, field: string, acceptAddresses: boolean): AllowedRange {
  const invalid = (reason: string) =>
    new ValidationError(field, `${field} entry ${JSON.stringify(cidr)} is invalid: ${reason}`);

  const [addressPart, prefixPart, ...rest] = cidr.split('/');
  if (prefixPart === undefined && rest.length === 0) {
    const single = parseStrict(addressPart);
    if (single && acceptAddresses) return { cidr, network: single, prefixLength: single.kind() === 'ipv4' ? 32 : 128 };
    if (single) {
      const hostRange = `${single.toString()}/${single.kind() === 'ipv4' ? 32 : 128}`;
      throw invalid(`expected a CIDR range; for this address alone, write ${hostRange}.`);
    }
  }
  if (prefixPart === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefixPart)) {
    const expected = acceptAddresses ? 'an IP address or a CIDR range such as 10.0.0.5, 10.0.0.0/8 or fd00::/8' : 'a CIDR range such as 127.0.0.0/8 or fd00::/8';
    throw invalid(`expected ${expected}.`);
  }
  const network = parseStrict(addressPart);
  if (!network) throw invalid(`${JSON.stringify(addressPart)} is not an IPv4 or IPv6 address.`);

  const prefixLength = Number(prefixPart);
  const maxPrefix = network.kind() === 'ipv4' ? 32 : 128;
  if (prefixLength > maxPrefix) throw invalid(`the prefix length must be from 0 to ${maxPrefix}.`);

  // A typo such as 192.168.1.5/16 would open far more than intended, so host bits must be zero.
  const networkAddress =
    network.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addressPart}/${prefixLength}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addressPart}/${prefixLength}`);
  if (networkAddress.toString() !== network.toString()) {
    throw invalid(`host bits are set, so use ${networkAddress.toString()}/${prefixLength}.`);
  }
  return { cidr, network, prefixLength };
}

/**
 * Parses CIDR ranges such as `127.0.0.0/8` or `fd00::/8`.
 * Throws a ValidationError on `field` that names the first invalid entry.
 */
export function parseAllowList(cidrs: string[], field = 'DOCPUSH_ALLOWED_CIDRS'): AllowList {
  return { ranges: cidrs.map((cidr) => parseAllowedRange(cidr.trim(), field, false)) };
}

/**
 * Parses IP addresses and CIDR ranges such as `10.0.0.5`, `10.0.0.0/8` or `fd00::/8`, with the
 * rules and messages of parseAllowList. Throws a ValidationError on `field` that names the first
 * invalid entry.
 */
export function parseAddressList(entries: string[], field: string): AllowList {
  return { ranges: entries.map((entry) => parseAllowedRange(entry.trim(), field, true)) };
}

/** Returns whether `ip` is inside one of the allow-list's ranges. An IPv4-mapped IPv6 address also matches its IPv4 range. */
export function isOnAllowList(ip: string, allowList: AllowList): boolean {
  const address = parseStrict(ip);
  if (!address) return false;
  const candidates: IpAddress[] = [address];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    candidates.push((address as ipaddr.IPv6).toIPv4Address());
  }
  return allowList.ranges.some(({ network, prefixLength }) =>
    candidates.some((candidate) => candidate.kind() === network.kind() && candidate.match(network, prefixLength)),
  );
}

/** Returns whether docpush may deliver to `ip`: it is on the allow-list or in no forbidden range. */
export function isAllowed(ip: string, allowList: AllowList): boolean {
  return isOnAllowList(ip, allowList) || classifyAddress(ip) === null;
}
