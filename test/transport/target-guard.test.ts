import { ValidationError } from '../../src/common/errors';
import { sendWebhook } from '../../src/delivery/http-sender';
import { parseAllowList } from '../../src/security/address-policy';
import {
  checkDeliverableUrl,
  createTargetPolicy,
  type Resolver,
  TargetLookupError,
  type TargetPolicy,
  TargetRejectedError,
  vetTarget,
} from '../../src/security/target-guard';
import { fixedResolver, watchConnectionAttempts } from './listeners';

/** Creates a resolver that records its calls and throws, for URLs that must never reach DNS. */
function resolverThatMustNotRun(): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<never> => {
    calls.push(hostname);
    throw new Error(`resolver called for ${hostname}`);
  };
  return Object.assign(resolve, { calls });
}

function strictPolicy(resolve: Resolver, allowHttp = true): TargetPolicy {
  return { allowHttp, allowList: parseAllowList([]), resolve };
}

async function rejection(promise: Promise<unknown>): Promise<TargetRejectedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TargetRejectedError);
  return error as TargetRejectedError;
}

describe('vetTarget with IP literals', () => {
  const literals: Array<[url: string, address: string, rule: string]> = [
    ['http://0x7f.1/', '127.0.0.1', 'loopback'],
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://017700000001/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe', 'nat64:linkLocal'],
    ['http://[2002:7f00:1::]/', '2002:7f00:1::', '6to4:loopback'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'linkLocal'],
    ['http://100.64.0.1/', '100.64.0.1', 'carrierGradeNat'],
    ['http://10.0.0.1:8080/', '10.0.0.1', 'private'],
    ['http://172.16.0.1/', '172.16.0.1', 'private'],
    ['http://192.168.0.1/', '192.168.0.1', 'private'],
    ['http://[fd00::1]/', 'fd00::1', 'uniqueLocal'],
    ['http://[fe80::1]/', 'fe80::1', 'linkLocal'],
    ['http://[2001:db8::1]/', '2001:db8::1', 'documentation'],
    ['http://224.0.0.1/', '224.0.0.1', 'multicast'],
    ['http://0.0.0.0/', '0.0.0.0', 'unspecified'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://255.255.255.255/', '255.255.255.255', 'broadcast'],
    ['http://[::1]/', '::1', 'loopback'],
    ['http://[::]/', '::', 'unspecified'],
    ['https://127.0.0.1./', '127.0.0.1', 'loopback'],
  ];

  test.each(literals)('%s is rejected before any connection', async (url, address, rule) => {
    const resolve = resolverThatMustNotRun();
    const attempts = watchConnectionAttempts();
    try {
      const error = await rejection(vetTarget(url, strictPolicy(resolve)));
      expect(error.rule).toBe(rule);
      expect(error.address).toBe(address);

      const result = await sendWebhook({ url, headers: {}, body: '{}', timeoutMs: 1000, maxResponseBytes: 1024 }, strictPolicy(resolve));
      expect(result.errorKind).toBe('rejected_target');
      expect(result.statusCode).toBe(0);
      expect(result.error).toContain(rule);

      expect(resolve.calls).toEqual([]);
      expect(attempts.count()).toBe(0);
    } finally {
      attempts.stop();
    }
  });
});

describe('vetTarget with host names', () => {
  test('localhost with trailing dot is resolved and rejected', async () => {
    const resolve = fixedResolver('127.0.0.1');
    const attempts = watchConnectionAttempts();
    try {
      const result = await sendWebhook(
        { url: 'http://localhost./hook', headers: {}, body: '{}', timeoutMs: 1000, maxResponseBytes: 1024 },
        strictPolicy(resolve),
      );
      expect(result.errorKind).toBe('rejected_target');
      expect(resolve.calls).toEqual(['localhost']);
      expect(attempts.count()).toBe(0);
    } finally {
      attempts.stop();
    }
  });

  test('any forbidden address rejects the host', async () => {
    const resolve: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      { address: '169.254.169.254', family: 4 },
    ];
    const error = await rejection(vetTarget('https://mixed.example.com/hook', strictPolicy(resolve)));

    expect(error.rule).toBe('linkLocal');
    expect(error.address).toBe('169.254.169.254');
  });

  test('rejection message names URL, address, rule and fix', async () => {
    const error = await rejection(vetTarget('https://intranet.example.com/hook', strictPolicy(fixedResolver('10.1.2.3'))));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('url');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('https://intranet.example.com/hook');
    expect(error.message).toContain('10.1.2.3');
    expect(error.message).toContain('private');
    expect(error.message).toContain('such as 10.1.2.3/32, to DOCPUSH_ALLOWED_CIDRS');
  });

  test.each([
    ['https://10.1.2.3/hook', '10.1.2.3/32'],
    ['https://[::1]:8443/hook', '::1/128'],
    ['https://[fd00::1]/hook', 'fd00::1/128'],
  ])('range suggested for %s allows it', async (url, range) => {
    const error = await rejection(vetTarget(url, strictPolicy(resolverThatMustNotRun())));
    expect(error.message).toContain(`such as ${range}, to DOCPUSH_ALLOWED_CIDRS`);

    const opened = { ...strictPolicy(resolverThatMustNotRun()), allowList: parseAllowList([range]) };
    await expect(vetTarget(url, opened)).resolves.toMatchObject({ address: error.address });
  });

  test('public address is returned with port', async () => {
    const resolve = fixedResolver('93.184.215.14');
    const target = await vetTarget('https://Hooks.Example.com./docpush?x=1', strictPolicy(resolve, false));

    expect(target.hostname).toBe('hooks.example.com');
    expect(target.address).toBe('93.184.215.14');
    expect(target.family).toBe(4);
    expect(target.port).toBe(443);
    expect(target.url.href).toBe('https://hooks.example.com/docpush?x=1');
    expect(resolve.calls).toEqual(['hooks.example.com']);
  });

  test('invalid resolver answer is rejected', async () => {
    const error = await rejection(vetTarget('https://odd.example.com/', strictPolicy(fixedResolver('127.1'))));
    expect(error.rule).toBe('invalidAddress');
  });

  test('system resolver rejects localhost', async () => {
    const policy = createTargetPolicy({ allowHttp: false, allowedCidrs: [] });
    const error = await rejection(vetTarget('https://localhost/hook', policy));
    expect(['loopback', 'ipv4Mapped:loopback']).toContain(error.rule);
  });
});

describe('vetTarget DNS failures', () => {
  test('ENOTFOUND becomes TargetLookupError', async () => {
    const resolve: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const error = await vetTarget('https://nowhere.example.test/hook', strictPolicy(resolve)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TargetLookupError);
    expect((error as TargetLookupError).message).toBe('DNS lookup failed for host nowhere.example.test: ENOTFOUND. Check the host name and that this server can resolve it.');
    expect((error as TargetLookupError).field).toBe('url');
    expect((error as TargetLookupError).lookupCode).toBe('ENOTFOUND');
  });

  test('empty answer becomes TargetLookupError', async () => {
    const error = await vetTarget('https://empty.example.test/', strictPolicy(async () => [])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetLookupError);
    expect((error as TargetLookupError).message).toContain('no addresses');
  });
});

describe('vetTarget URL rules', () => {
  test('http is rejected unless allowHttp', async () => {
    const policy = { ...strictPolicy(fixedResolver('93.184.215.14'), false) };
    const error = await rejection(vetTarget('http://hooks.example.com/', policy));

    expect(error.rule).toBe('scheme');
    expect(error.message).toContain('DOCPUSH_ALLOW_HTTP');
    await expect(vetTarget('http://hooks.example.com/', { ...policy, allowHttp: true })).resolves.toMatchObject({ port: 80 });
  });

  test.each(['ftp://hooks.example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://hooks.example.com/'])(
    '%s is rejected for its scheme',
    async (url) => {
      const error = await rejection(vetTarget(url, strictPolicy(resolverThatMustNotRun())));
      expect(error.rule).toBe('scheme');
    },
  );

  test('other scheme message names the allowed schemes', async () => {
    const withHttp = await rejection(vetTarget('ftp://hooks.example.com/', strictPolicy(resolverThatMustNotRun(), true)));
    const httpsOnly = await rejection(vetTarget('ftp://hooks.example.com/', strictPolicy(resolverThatMustNotRun(), false)));

    expect(withHttp.message).toBe('URL "ftp://hooks.example.com/" uses ftp:, but webhook URLs must use https:// or http://.');
    expect(httpsOnly.message).toBe('URL "ftp://hooks.example.com/" uses ftp:, but webhook URLs must use https://.');
  });

  test('user name and password are rejected without echoing them', async () => {
    const error = await rejection(vetTarget('https://admin:hunter2@hooks.example.com/', strictPolicy(resolverThatMustNotRun())));

    expect(error.rule).toBe('userinfo');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('https://hooks.example.com/');
  });

  test.each(['', 'hooks.example.com/path', 'https://', 'https://[::1/'])('%j is rejected as invalid', async (url) => {
    const error = await rejection(vetTarget(url, strictPolicy(resolverThatMustNotRun())));
    expect(error.rule).toBe('invalidUrl');
  });

  test.each(['https://hooks.example.com:0/', 'http://127.0.0.1:0/hook', 'https://hooks.example.com:00/'])('%s is rejected for port 0', async (url) => {
    const policy: TargetPolicy = { allowHttp: true, allowList: parseAllowList(['127.0.0.0/8']), resolve: resolverThatMustNotRun() };
    const error = await rejection(vetTarget(url, policy));

    expect(error.rule).toBe('invalidUrl');
    expect(error.field).toBe('url');
    expect(error.message).toContain('port 0');
  });

  test('allow-list admits loopback', async () => {
    const policy: TargetPolicy = { allowHttp: true, allowList: parseAllowList(['127.0.0.0/8']), resolve: resolverThatMustNotRun() };
    const target = await vetTarget('http://127.0.0.1:8080/hook', policy);

    expect(target.address).toBe('127.0.0.1');
    expect(target.port).toBe(8080);
    await expect(vetTarget('http://127.0.0.1:8080/hook', { ...policy, allowHttp: false })).rejects.toThrow(TargetRejectedError);
    await expect(vetTarget('http://10.0.0.1/', policy)).rejects.toThrow(TargetRejectedError);
  });

  test('checkDeliverableUrl applies the same rules', async () => {
    const policy = strictPolicy(fixedResolver('93.184.215.14'), false);

    await expect(checkDeliverableUrl('https://hooks.example.com/', policy)).resolves.toBe('https://hooks.example.com/');
    await expect(checkDeliverableUrl('http://hooks.example.com/', policy)).rejects.toThrow(TargetRejectedError);
    await expect(checkDeliverableUrl('https://169.254.169.254/', policy)).rejects.toThrow(/linkLocal/);
  });

  test('checkDeliverableUrl returns the URL as it is sent', async () => {
    const policy = strictPolicy(fixedResolver('93.184.215.14'), false);

    await expect(checkDeliverableUrl('https://Hooks.Example.com.:443/o k?q=a b', policy)).resolves.toBe('https://hooks.example.com/o%20k?q=a%20b');
    await expect(checkDeliverableUrl('https://hooks.example.com', policy)).resolves.toBe('https://hooks.example.com/');
  });

  test('checkDeliverableUrl stores an internationalised host as punycode', async () => {
    const resolve = fixedResolver('93.184.215.14');

    const stored = await checkDeliverableUrl('https://Bücher.example/hook', strictPolicy(resolve, false));

    expect(stored).toBe('https://xn--bcher-kva.example/hook');
    expect(resolve.calls).toEqual(['xn--bcher-kva.example']);
  });
});
