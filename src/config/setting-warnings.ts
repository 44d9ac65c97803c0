import ipaddr from 'ipaddr.js';
import type { Config } from './config';
import { parseAddressList, parseAllowList, type AllowedRange } from '../security/address-policy';
import { smallestPushPayload } from '../delivery/push-payload';
import { SWEEP_BATCH_SIZE } from '../jobs/sweeper.job';

/**
 * A setting that docpush accepts but that works against its purpose. It is logged as a warning at
 * start, not rejected, because a development set-up may choose it on purpose.
 */
export interface SettingWarning {
  name: string;
  /** The value at fault, or null when it may contain a secret. */
  value: string | null;
  message: string;
}

/**
 * Widest IPv4 prefix that an allow-list entry may have without a warning. Development set-ups
 * open ranges such as 127.0.0.0/8 or 10.0.0.0/8. A wider range opens several networks at once.
 */
const WIDEST_QUIET_IPV4_PREFIX = 8;

/** Widest IPv6 prefix without a warning: fc00::/7, the unique local addresses, which private IPv6 networks use. */
const WIDEST_QUIET_IPV6_PREFIX = 7;

/** First address of ::ffff:0:0/96, the IPv4-mapped IPv6 addresses. */
const IPV4_MAPPED_BLOCK = ipaddr.IPv6.parse('::ffff:0:0');

/** Link-local address at which AWS, Azure and Google Cloud serve instance metadata, credentials included. */
const METADATA_ADDRESS = '169.254.169.254';

/** Minimum size in bytes of a message that docpush pushes. A smaller size limit fails every message. */
export const MIN_MESSAGE_BYTES = Buffer.byteLength(JSON.stringify(smallestPushPayload()));

/** Returns the settings of `config` to warn about at start, in the order of the README's table. */
export function findSettingWarnings(config: Config): SettingWarning[] {
  return [
    ...wideAllowedRanges(config.delivery.allowedCidrs),
    ...tooSmallMessageSizeLimit(config.attachments.messageSizeLimitBytes),
    ...wideTrustedProxies(config.api.trustedProxies),
    ...unusedMongoUrl(config.jobs),
    ...zeroSweepGrace(config.jobs.sweepGraceMs),
  ];
}

function wideAllowedRanges(allowedCidrs: string[]): SettingWarning[] {
  const warnings: SettingWarning[] = [];
  for (const range of parseAllowList(allowedCidrs).ranges) {
    const { family, prefixLength, widestQuietPrefix } = rangeWidth(range);
    if (prefixLength >= widestQuietPrefix) {
      if (containsMetadataAddress(range)) warnings.push(metadataRangeWarning(range.cidr));
      continue;
    }
    const extent = prefixLength === 0 ? `every ${family} address` : `a range wider than /${widestQuietPrefix}`;
    const metadata = containsMetadataAddress(range) ? `, the cloud metadata service at ${METADATA_ADDRESS} included` : '';
    warnings.push({
      name: 'DOCPUSH_ALLOWED_CIDRS',
      value: range.cidr,
      message:
        `DOCPUSH_ALLOWED_CIDRS entry ${range.cidr} opens ${extent} to deliveries, so a push connection can reach the internal services in it${metadata}. ` +
        'List only the ranges your listeners use, such as 127.0.0.0/8.',
    });
  }
  return warnings;
}

/**
 * Warns about a DOCPUSH_TRUSTED_PROXIES range wider than /8 (IPv4) or /7 (IPv6), because every
 * client inside it may set X-Forwarded-For to any address and so get a fresh limit per address.
 */
function wideTrustedProxies(trustedProxies: string[]): SettingWarning[] {
  const warnings: SettingWarning[] = [];
  for (const range of parseAddressList(trustedProxies, 'DOCPUSH_TRUSTED_PROXIES').ranges) {
    const { family, prefixLength, widestQuietPrefix } = rangeWidth(range);
    if (prefixLength >= widestQuietPrefix) continue;
    const extent = prefixLength === 0 ? `every ${family} address` : `a range wider than /${widestQuietPrefix}`;
    warnings.push({
      name: 'DOCPUSH_TRUSTED_PROXIES',
      value: range.cidr,
      message:
        `DOCPUSH_TRUSTED_PROXIES entry ${range.cidr} trusts ${extent} as a reverse proxy, so any client in it can set X-Forwarded-For ` +
        'to an address of its choice, which DOCPUSH_MAX_WS_UNAUTHENTICATED_PER_ADDRESS then counts and the logs show. ' +
        'List only the addresses of your reverse proxies, such as 10.0.0.5 or 10.0.0.0/24.',
    });
  }
  return warnings;
}

/** Warns about a narrow allowed range that still contains the cloud metadata address. */
function metadataRangeWarning(cidr: string): SettingWarning {
  return {
    name: 'DOCPUSH_ALLOWED_CIDRS',
    value: cidr,
    message:
      `DOCPUSH_ALLOWED_CIDRS entry ${cidr} contains ${METADATA_ADDRESS}, where cloud providers serve instance metadata and credentials, ` +
      'so a push connection could read them. Remove the entry unless a listener runs on that address.',
  };
}

/**
 * Describes the width of an allowed range. An IPv4-mapped IPv6 range (within ::ffff:0:0/96)
 * counts as the IPv4 range it maps. An IPv6 range that contains all of ::ffff:0:0/96, such as
 * ::/8, counts as every IPv4-mapped address, because it contains every IPv4 address in that form.
 */
function rangeWidth(range: AllowedRange): { family: string; prefixLength: number; widestQuietPrefix: number } {
  if (range.network.kind() === 'ipv4') return { family: 'IPv4', prefixLength: range.prefixLength, widestQuietPrefix: WIDEST_QUIET_IPV4_PREFIX };
  const network = range.network as ipaddr.IPv6;
  if (range.prefixLength >= 96 && network.isIPv4MappedAddress()) {
    return { family: 'IPv4-mapped IPv6', prefixLength: range.prefixLength - 96, widestQuietPrefix: WIDEST_QUIET_IPV4_PREFIX };
  }
  if (range.prefixLength >= WIDEST_QUIET_IPV6_PREFIX && IPV4_MAPPED_BLOCK.match(network, range.prefixLength)) {
    return { family: 'IPv4-mapped IPv6', prefixLength: 0, widestQuietPrefix: WIDEST_QUIET_IPV4_PREFIX };
  }
  return { family: 'IPv6', prefixLength: range.prefixLength, widestQuietPrefix: WIDEST_QUIET_IPV6_PREFIX };
}

/** Reports whether the range contains the address of the cloud metadata services, as IPv4 or IPv4-mapped IPv6. */
function containsMetadataAddress(range: AllowedRange): boolean {
  const address = range.network.kind() === 'ipv4' ? ipaddr.IPv4.parse(METADATA_ADDRESS) : ipaddr.IPv6.parse(`::ffff:${METADATA_ADDRESS}`);
  return address.match(range.network, range.prefixLength);
}

function tooSmallMessageSizeLimit(limitBytes: number): SettingWarning[] {
  if (limitBytes >= MIN_MESSAGE_BYTES) return [];
  return [
    {
      name: 'DOCPUSH_MESSAGE_SIZE_LIMIT',
      value: String(limitBytes),
      message:
        `DOCPUSH_MESSAGE_SIZE_LIMIT is ${limitBytes} bytes, below ${MIN_MESSAGE_BYTES} bytes, the size of the smallest message docpush can push, ` +
        'so every message fails unsent as too large. Set it above the largest message you expect, or leave it unset for 50 MiB.',
    },
  ];
}

function unusedMongoUrl(jobs: Config['jobs']): SettingWarning[] {
  if (jobs.mongoUrl === null || jobs.backend === 'mongodb') return [];
  return [
    {
      name: 'DOCPUSH_MONGODB_URL',
      value: null,
      message:
        'DOCPUSH_MONGODB_URL is set, but DOCPUSH_JOB_BACKEND is postgres, so the jobs stay in PostgreSQL and the URL is ignored. ' +
        'Set DOCPUSH_JOB_BACKEND=mongodb to use MongoDB, or unset DOCPUSH_MONGODB_URL.',
    },
  ];
}

function zeroSweepGrace(graceMs: number): SettingWarning[] {
  if (graceMs > 0) return [];
  return [
    {
      name: 'DOCPUSH_SWEEP_GRACE',
      value: String(graceMs),
      message:
        'DOCPUSH_SWEEP_GRACE is 0, so each sweep takes every due message that no worker has claimed yet, even one that became due a moment ago, ' +
        `rewrites up to ${SWEEP_BATCH_SIZE} of their rows and wakes every worker. ` +
        'Set it to at least twice DOCPUSH_JOB_POLL_INTERVAL, or leave it unset for the default: twice DOCPUSH_JOB_POLL_INTERVAL, at least 1m.',
    },
  ];
}
