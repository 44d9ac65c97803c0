import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { PushConnection } from '../../src/connections/push-connection.entity';
import type { Resolver } from '../../src/security/target-guard';
import { CreatePushConnectionDocument } from '../generated/graphql';

/** Every host name passed to the resolver. Known names resolve to 127.0.0.1, and nothing reaches real DNS. */
const lookups: string[] = [];
const knownHosts = new Set<string>();

const stubResolver: Resolver = async (hostname) => {
  lookups.push(hostname);
  if (!knownHosts.has(hostname)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address: '127.0.0.1', family: 4 }];
};

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ALLOW_HTTP: 'true', DOCPUSH_ALLOWED_CIDRS: '127.0.0.1/32' }, { resolve: stubResolver });
});

afterAll(async () => {
  await app?.stop();
});

const countConnections = () => app.app.services.orm.em.fork().count(PushConnection, {});

function createConnection(url: string) {
  return app.request(CreatePushConnectionDocument, { input: { name: 'URL check', url, eventTypes: ['FileUpload'] } });
}

const longLabel = 'l'.repeat(64);
const longHost = `${'h'.repeat(63)}.${'h'.repeat(63)}.${'h'.repeat(63)}.${'h'.repeat(56)}.test`;

describe('listener URL syntax', () => {
  it.each([
    [
      'an IPv6 zone id',
      'http://[fe80::1%25eth0]:8787/',
      'URL "http://[fe80::1%25eth0]:8787/" has an IPv6 address with a zone id (%25eth0), which URLs do not support: use the address without the zone id, or a host name.',
    ],
    [
      'a port over 65535',
      'http://127.0.0.1:65536/h',
      'URL "http://127.0.0.1:65536/h" has port 65536, which is out of range: give a port from 1 to 65535, or omit it for the default (443 for https, 80 for http).',
    ],
    [
      'a port that is not a number',
      'http://127.0.0.1:80a/h',
      'URL "http://127.0.0.1:80a/h" has port "80a", which is not a number: give a port from 1 to 65535, or omit it for the default.',
    ],
    [
      'an empty label',
      'http://a..b/',
      'URL "http://a..b/" has the invalid host name a..b, which has an empty label: remove the extra dot.',
    ],
    [
      'a leading dot',
      'http://.hooks.test:8787/',
      'URL "http://.hooks.test:8787/" has the invalid host name .hooks.test, which has an empty label: remove the extra dot.',
    ],
    [
      'two trailing dots',
      'http://hooks.test../',
      'URL "http://hooks.test./" has the invalid host name hooks.test., which has an empty label: remove the extra dot.',
    ],
    [
      'a label of 64 characters',
      `http://${longLabel}.test/`,
      `URL "http://${longLabel}.test/" has the invalid host name ${longLabel}.test: its label ${'l'.repeat(20)}… has 64 characters, and a label has at most 63.`,
    ],
    [
      'a host name of 254 characters',
      `http://h${longHost}/`,
      `URL "http://h${longHost}/" has a host name of 254 characters, which is invalid: a host name has at most 253.`,
    ],
    [
      'a password in a URL that does not parse',
      'http://user:S3cretPass@127.0.0.1:99999/',
      'URL "http://127.0.0.1:99999/" (credentials removed) has port 99999, which is out of range: give a port from 1 to 65535, or omit it for the default (443 for https, 80 for http).',
    ],
    [
      'an unclosed IPv6 bracket',
      'http://[::1:8080/',
      'URL "http://[::1:8080/" has an IPv6 address without its closing bracket: write it as [2001:db8::1] or [2001:db8::1]:8443.',
    ],
    ['text that is no URL', 'hooks', 'URL "hooks" is invalid: expected an absolute https:// or http:// URL such as https://hooks.example.com/docpush.'],
    [
      'a fragment',
      'http://hooks.test:8787/in?team=a#prod',
      'url "http://hooks.test:8787/in?team=a#prod" has the fragment "#prod", which HTTP never sends, so the listener would not receive it: ' +
        'remove it and send "http://hooks.test:8787/in?team=a".',
    ],
  ])('rejects %s before any DNS lookup', async (_case, url, message) => {
    const before = await countConnections();
    const lookupsBefore = lookups.length;

    const result = await createConnection(url);

    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors![0].message).toBe(message);
    expect(lookups.length).toBe(lookupsBefore);
    expect(await countConnections()).toBe(before);
  });

  it('accepts host names at the limits', async () => {
    const label = 'l'.repeat(63);
    knownHosts.add(`${label}.test`);
    knownHosts.add(longHost);

    const labelResult = await createConnection(`http://${label}.test:8787/`);
    const hostResult = await createConnection(`http://${longHost}:8787/`);

    expect(dataOf(labelResult).createPushConnection.url).toBe(`http://${label}.test:8787/`);
    expect(dataOf(hostResult).createPushConnection.url).toBe(`http://${longHost}:8787/`);
    expect(lookups).toEqual(expect.arrayContaining([`${label}.test`, longHost]));
  });

  it('accepts port 65535', async () => {
    const result = await createConnection('http://127.0.0.1:65535/h');

    expect(dataOf(result).createPushConnection.url).toBe('http://127.0.0.1:65535/h');
  });
});
