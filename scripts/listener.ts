import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A local webhook listener for trying docpush out: prints each delivery's headers and body and
 * responds 200. With WEBHOOK_SECRET set to the connection's signing secret it also verifies the
 * Standard Webhooks signature and responds 401 to a request whose signature does not verify, as a
 * real listener should. Usage: npx ts-node --transpile-only scripts/listener.ts [port]
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
    let status = 200;
    if (secret) {
      try {
        new Webhook(secret).verify(body, headers);
        verdict = 'valid';
      } catch (error) {
        verdict = `INVALID (responding 401): ${(error as Error).message}`;
        status = 401;
      }
    }
    process.stdout.write(
      `\n--- ${request.method} ${request.url} webhook-id=${headers['webhook-id']} signature ${verdict}\n` +
        `${JSON.stringify(headers, null, 2)}\n${formatBody(body)}\n`,
    );
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'received' : 'invalid signature');
  });
});

/** Re-indents a JSON body for reading. Any other body, such as one sent by hand with curl, is printed as received. */
function formatBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body || '{}'), null, 2);
  } catch {
    return body;
  }
}

server.listen(port, '127.0.0.1', () => {
  // With port 0 the system picks the port, so print the one the server bound.
  const { port: boundPort } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${boundPort}/webhook\n`);
});
