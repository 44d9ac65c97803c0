import { isIP } from 'node:net';
import { ValidationError } from '../common/errors';

const SETTING = 'DOCPUSH_MONGODB_URL';

const EXPECTED_FORM =
  'Use a connection string such as mongodb://user:password@mongo.example.com:27017/docpush, ' +
  'or mongodb+srv://user:password@cluster0.example.com/docpush for a DNS seed list.';

/** Characters that the user name and password must percent-encode (MongoDB connection string format). */
const RESERVED_IN_USER_INFO = /[:/?#[\]@]/;

/** Characters that no host name, IPv4 address or percent-encoded Unix socket path contains. */
const NOT_IN_HOST_NAME = /[\s\x00-\x1f\x7f]/;

/**
 * Checks DOCPUSH_MONGODB_URL against the MongoDB connection string format: the scheme, the user
 * information, the host list and each port. It reads only the text, so it neither connects nor
 * resolves a host. The error does not quote the value, because it may contain a password, and
 * names hosts by their position for the same reason, because a misplaced password can look like
 * a host. The driver checks the options after the host list when the job store starts.
 */
export function checkMongoUrl(value: string): void {
  const problem = findProblem(value);
  if (problem === null) return;
  throw new ValidationError(
    SETTING,
    `${SETTING} is not a valid MongoDB connection string: ${problem}. ${EXPECTED_FORM} The value is not shown, because it may contain a password.`,
  );
}

function findProblem(value: string): string | null {
  if (value.trim() !== value) return 'it starts or ends with a space';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  if (!scheme) return 'it has no scheme';
  // Not quoted: without "//" after it, the text before the first colon may be a user name.
  if (!/^mongodb(\+srv)?$/i.test(scheme)) return 'its scheme is not mongodb or mongodb+srv';
  if (scheme !== scheme.toLowerCase()) return `the scheme "${scheme}" must be written in lower case`;
  if (!value.startsWith(`${scheme}://`)) return `"${scheme}:" is not followed by "//"`;

  // The user information and host list end at the first "/", "?" or "#".
  const rest = value.slice(scheme.length + 3);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const path = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  if (/^[^?#]*@/.test(path)) {
    return 'an "@" follows the host list, as when the user name or password contains "/", "?" or "#" that is not percent-encoded (write %2F, %3F and %23)';
  }

  const userInfoEnd = authority.lastIndexOf('@');
  if (userInfoEnd >= 0) {
    const problem = findUserInfoProblem(authority.slice(0, userInfoEnd));
    if (problem !== null) return problem;
  }
  return findHostListProblem(authority.slice(userInfoEnd + 1), scheme === 'mongodb+srv');
}

function findUserInfoProblem(userInfo: string): string | null {
  const colon = userInfo.indexOf(':');
  const userName = colon === -1 ? userInfo : userInfo.slice(0, colon);
  const password = colon === -1 ? null : userInfo.slice(colon + 1);
  if (userName === '') return 'the user name before "@" is empty; remove the "@", or write the user name before it';
  for (const [part, text] of [['user name', userName], ['password', password ?? '']] as const) {
    if (RESERVED_IN_USER_INFO.test(text)) {
      return `the ${part} contains one of the characters : / ? # [ ] @ without percent-encoding; write each as its %XX code, such as "@" as %40 and ":" as %3A`;
    }
    try {
      decodeURIComponent(text);
    } catch {
      return `the ${part} has an invalid percent-encoding: each "%" must start a code of two hex digits, so write "%" itself as %25`;
    }
  }
  return null;
}

function findHostListProblem(hostList: string, srv: boolean): string | null {
  if (hostList === '') return 'it names no host after "//"';
  const hosts = hostList.split(',');
  if (srv && hosts.length > 1) {
    return `a mongodb+srv connection string names exactly one host, the DNS name of its seed list, but this one names ${hosts.length}`;
  }
  for (const [index, host] of hosts.entries()) {
    const position = hosts.length === 1 ? 'the host' : `host ${index + 1} of ${hosts.length}`;
    const problem = findHostProblem(host, srv);
    if (problem !== null) return `${position} ${problem}`;
  }
  return null;
}

function findHostProblem(host: string, srv: boolean): string | null {
  if (host === '') return 'is empty';
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  if (host.startsWith('[') && (!bracketed || isIP(bracketed[1]) !== 6)) return 'is not a valid IPv6 address in brackets, such as [::1]:27017';
  const [name, port] = bracketed ? [bracketed[1], bracketed[2]] : splitPort(host);
  if (name === null) return 'contains more than one ":"; write an IPv6 address in brackets, such as [::1]:27017';
  if (name === '') return 'has no name before its port';
  if (NOT_IN_HOST_NAME.test(name)) return 'contains a space or a control character';
  if (port === undefined) return null;
  if (srv) return 'has a port, but a mongodb+srv connection string takes none, because the DNS SRV records give the ports';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return 'has a port that is not a number from 1 to 65535';
  return null;
}

/** Splits "name:port" at its colon; the name is null when the text has more than one colon. */
function splitPort(host: string): [name: string | null, port: string | undefined] {
  const parts = host.split(':');
  if (parts.length > 2) return [null, undefined];
  return [parts[0], parts[1]];
}
