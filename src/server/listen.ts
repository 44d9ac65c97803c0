import type http from 'node:http';

/** Starts listening, turning a taken port or an unusable HOST into an error that names the fix. */
export function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new Error(describeListenError(error, host, port)));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Returns the start-up error for a failed listen: what went wrong with PORT or HOST, and the fix. */
function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  const useHost = 'set HOST to an address of this machine, such as 127.0.0.1, or 0.0.0.0 for every address';
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is already in use: stop the other process or set PORT to a free port.`;
    case 'EADDRNOTAVAIL':
      return `HOST=${JSON.stringify(host)} is not an address of this machine (EADDRNOTAVAIL): ${useHost}.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${JSON.stringify(host)} does not resolve to an address (${error.code}): ${useHost}.`;
    default:
      return `Port ${port} on ${host} cannot be opened (${error.code ?? error.message}): set PORT to a free port or ${useHost}.`;
  }
}
