import { execFileSync } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import tls from 'node:tls';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllowList } from '../../src/security/address-policy';
import type { Resolver, TargetPolicy } from '../../src/security/target-guard';

/** Starts `server` on `host` (port 0 unless given) and returns the port it got. */
export async function listen(server: Server, host = '127.0.0.1', port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes `server` and every connection still open on it. */
export async function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Returns a port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

/** A resolver stub that always returns `address` and counts its calls. */
export function fixedResolver(address: string): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return [{ address, family: address.includes(':') ? (6 as const) : (4 as const) }];
  };
  return Object.assign(resolve, { calls });
}

/** Returns a policy that lets tests reach their own listeners on 127.0.0.1 over plain http. */
export function loopbackPolicy(resolve: Resolver = fixedResolver('127.0.0.1')): TargetPolicy {
  return { allowHttp: true, allowList: parseAllowList(['127.0.0.0/8']), resolve };
}

/**
 * Counts outgoing connection attempts of this process: TCP sockets created by `net.connect`
 * and connects that undici starts (which also covers its TLS sockets).
 */
export function watchConnectionAttempts(): { count: () => number; stop: () => void } {
  let attempts = 0;
  const onAttempt = () => {
    attempts += 1;
  };
  const channels = ['net.client.socket', 'undici:client:beforeConnect'];
  for (const name of channels) diagnosticsChannel.subscribe(name, onAttempt);
  return {
    count: () => attempts,
    stop: () => {
      for (const name of channels) diagnosticsChannel.unsubscribe(name, onAttempt);
    },
  };
}

/** Polls `condition` every 10 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Generates a self-signed certificate for `hostname` with the openssl CLI, or returns null when openssl is missing. */
export function selfSignedCertificate(hostname: string): { key: string; cert: string } | null {
  const directory = mkdtempSync(path.join(tmpdir(), 'docpush-tls-'));
  try {
    const keyFile = path.join(directory, 'key.pem');
    const certFile = path.join(directory, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${hostname}`,
        '-addext', `subjectAltName=DNS:${hostname}`, '-keyout', keyFile, '-out', certFile],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export interface TlsListener {
  server: https.Server;
  port: number;
  /** Server names that clients sent in the TLS handshake (SNI). */
  serverNames: string[];
  /** Number of HTTP requests that completed a handshake. */
  requests(): number;
}

/** Starts an HTTPS server with `certificate` on 127.0.0.1 that records the SNI of each handshake and responds 'ok'. */
export async function startTlsListener(certificate: { key: string; cert: string }): Promise<TlsListener> {
  const { key, cert } = certificate;
  const serverNames: string[] = [];
  let requests = 0;
  const server = https.createServer(
    {
      key,
      cert,
      SNICallback: (serverName, callback) => {
        serverNames.push(serverName);
        callback(null, tls.createSecureContext({ key, cert }));
      },
    },
    (_req, res) => {
      requests += 1;
      res.end('ok');
    },
  );
  server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  return { server, port, serverNames, requests: () => requests };
}
