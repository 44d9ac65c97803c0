import { ValidationError } from '../../src/common/errors';
import { classifyAddress, describeRule, isAllowed, parseAllowList } from '../../src/security/address-policy';

describe('classifyAddress', () => {
  const forbidden: Array<[string, string]> = [
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'ietfProtocolAssignments'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['::ffff:a9fe:a9fe', 'ipv4Mapped:linkLocal'],
    ['::ffff:0:a00:1', 'ipv4Translated:private'],
    ['::ffff:0:10.0.0.1', 'ipv4Translated:private'],
    ['64:ff9b::a9fe:a9fe', 'nat64:linkLocal'],
    ['64:ff9b::127.0.0.1', 'nat64:loopback'],
    ['64:ff9b:1::1', 'nat64LocalUse'],
    ['2002:7f00:1::1', '6to4:loopback'],
    ['2002:c0a8:101::', '6to4:private'],
    // Teredo: server 65.54.227.120, client 127.0.0.1 stored with every bit inverted.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo:loopback'],
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'teredo:private'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['100::1', 'discardOnly'],
    ['2001:2::1', 'benchmarking'],
    ['2001:db8::1', 'documentation'],
    ['2001:10::1', 'ietfProtocolAssignments'],
    ['3fff::1', 'documentation'],
    ['5f00::1', 'segmentRouting'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fe80::1%eth0.100', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['fec0::1', 'siteLocal'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
    ['e000::1', 'reserved'],
  ];

  test.each(forbidden)('%s is forbidden by %s', (ip, rule) => {
    expect(classifyAddress(ip)).toBe(rule);
  });

  const allowed = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.175.48.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    // Teredo with public server 65.54.227.120 and public client 8.8.8.8.
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ];

  test.each(allowed)('%s is public', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });

  test.each(['127.1', '0x7f.1', '2130706433', '017700000001', '', 'localhost', '[::1]', '1.2.3.4.5'])(
    '%j is rejected as invalidAddress',
    (input) => {
      expect(classifyAddress(input)).toBe('invalidAddress');
    },
  );

  test('describeRule names the embedded range', () => {
    expect(describeRule('ipv4Mapped:loopback')).toBe('an IPv4-mapped IPv6 address of a loopback address');
    expect(describeRule('linkLocal')).toBe('a link-local address');
  });
});

describe('parseAllowList', () => {
  test('accepts IPv4 and IPv6 ranges', () => {
    const allowList = parseAllowList(['127.0.0.0/8', ' fd00::/8 ', '192.0.2.10/32']);
    expect(allowList.ranges.map((range) => range.cidr)).toEqual(['127.0.0.0/8', 'fd00::/8', '192.0.2.10/32']);
  });

  test.each([
    ['nonsense', 'expected a CIDR range'],
    ['10.0.0.0', 'expected a CIDR range'],
    ['127.0.0.1', 'for this address alone, write 127.0.0.1/32'],
    ['::1', 'for this address alone, write ::1/128'],
    ['10.0.0.0/33', 'prefix length must be from 0 to 32'],
    ['fd00::/129', 'prefix length must be from 0 to 128'],
    ['10.0.0.1/8', 'use 10.0.0.0/8'],
    ['127.1/8', 'is not an IPv4 or IPv6 address'],
    ['10.0.0.0/8/8', 'expected a CIDR range'],
  ])('rejects %j', (cidr, reason) => {
    let caught: unknown;
    try {
      parseAllowList(['127.0.0.0/8', cidr]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.field).toBe('DOCPUSH_ALLOWED_CIDRS');
    expect(error.message).toContain(JSON.stringify(cidr));
    expect(error.message).toContain(reason);
  });
});

describe('isAllowed', () => {
  const loopback = parseAllowList(['127.0.0.0/8']);
  const empty = parseAllowList([]);

  test('allow-list opens a forbidden range', () => {
    expect(isAllowed('127.0.0.1', loopback)).toBe(true);
    expect(isAllowed('127.0.0.1', empty)).toBe(false);
  });

  test('allow-list matches IPv4-mapped addresses', () => {
    expect(isAllowed('::ffff:127.0.0.1', loopback)).toBe(true);
    expect(isAllowed('::ffff:127.0.0.1', empty)).toBe(false);
  });

  test('allow-list stays within its range', () => {
    expect(isAllowed('10.0.0.1', loopback)).toBe(false);
    expect(isAllowed('::1', loopback)).toBe(false);
    expect(isAllowed('fd00::1', parseAllowList(['fd00::/8']))).toBe(true);
  });

  test('public addresses need no allow-list entry', () => {
    expect(isAllowed('8.8.8.8', empty)).toBe(true);
    expect(isAllowed('2606:4700:4700::1111', empty)).toBe(true);
  });

  test('invalid input is not allowed', () => {
    expect(isAllowed('127.1', loopback)).toBe(false);
  });
});
