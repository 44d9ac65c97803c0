import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A local webhook listener for trying docpush out: prints each delivery's headers and body and
 * responds 200. With WEBHOOK_SECRET set to the connection's signing secret it also verifies the
 * Standard Webhooks signature. Usage: npx ts-node --transpile-only scripts/listener.ts [port]
 */
const port = Number(process.argv[2] ?? 8787);
const secret = process.env.WEBHOOK_SECRET;

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    let verdict = 'not checked (set WEBHOOK_SECRET)';
    if (secret) {
      try {
        new Webhook(secret).verify(body, headers);
        verdict = 'valid';
      } catch (error) {
        verdict = `INVALID: ${(error as Error).message}`;
      }
    }
    process.stdout.write(
      `\n--- ${request.method} ${request.url} webhook-id=${headers['webhook-id']} signature ${verdict}\n` +
        `${JSON.stringify(headers, null, 2)}\n${JSON.stringify(JSON.parse(body || '{}'), null, 2)}\n`,
    );
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('received');
  });
});

server.listen(port, '127.0.0.1', () => {
  // With port 0 the system picks the port, so print the one the server bound.
  const { port: boundPort } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${boundPort}/webhook\n`);
});
