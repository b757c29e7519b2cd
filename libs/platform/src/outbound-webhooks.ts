import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where Gantry may POST on its own initiative. `allowedHosts` (GANTRY_WEBHOOK_ALLOWED_HOSTS): `host[:port]` entries,
 * or `*.example.com` for any name under a domain (not the domain itself); an entry without a port allows the scheme's
 * default port only. `lookup` resolves names (tests give their own; default: the system's resolver).
 */
export interface WebhookDestinationPolicy {
  allowedHosts: readonly string[];
  lookup?: LookupFunction;
}

/**
 * Addresses no name on the allow-list may lead to: loopback, private, link-local, shared (CGNAT), unspecified,
 * multicast and reserved ranges, in IPv4 and IPv6 (IPv4-mapped included). Only a host named on the list by its
 * address, or `localhost`, may be one of them: a name someone else's DNS answers for (DNS rebinding) never is.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv6');

export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isForbiddenAddress(mapped);
  const family = isIP(address);
  return family === 0 || FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const hostnameOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');
/** A host the operator named by its address or as `localhost`: the one kind that may be a loopback or private address. */
const namedByAddress = (url: URL) => isIP(hostnameOf(url)) !== 0 || url.hostname === 'localhost';
const isLoopbackHost = (url: URL) => url.hostname === 'localhost' || /^127\./.test(url.hostname) || url.hostname === '[::1]';

function entryAllows(entry: string, url: URL): boolean {
  const port = /:(\d+)$/.exec(entry)?.[1];
  const host = port ? entry.slice(0, -port.length - 1) : entry;
  if ((port ?? '') !== url.port) return false;
  const hostname = url.hostname.toLowerCase();
  const pattern = host.toLowerCase();
  return pattern.startsWith('*.') ? hostname.endsWith(pattern.slice(1)) && hostname.length > pattern.length - 1 : hostname === pattern;
}

/**
 * Why Gantry would not POST to `url`, or undefined: its host is not on the allow-list, or it is not https (plain http
 * only to a loopback host, for trying it out and tests), or it carries credentials.
 */
export function destinationRefusal(url: URL, policy: WebhookDestinationPolicy): { code: 'HostNotAllowed' | 'InsecureUrl'; reason: string } | undefined {
  if (!policy.allowedHosts.some((entry) => entryAllows(entry, url))) {
    return { code: 'HostNotAllowed', reason: `${url.host} is not on GANTRY_WEBHOOK_ALLOWED_HOSTS (${policy.allowedHosts.length ? policy.allowedHosts.join(', ') : 'empty: set it to the hosts Gantry may call'})` };
  }
  if (url.username || url.password) return { code: 'InsecureUrl', reason: 'the URL may not carry credentials' };
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url)) return undefined;
  return { code: 'InsecureUrl', reason: `${url.protocol}// is not allowed: use https (plain http only to a loopback host)` };
}

/** Refuses a name that resolves to a forbidden address, checked on the address the socket connects to. */
const guardedLookup =
  (resolve: LookupFunction): LookupFunction =>
  (hostname, options, callback) =>
    resolve(hostname, options, (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error, address as string, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const forbidden = addresses.find(isForbiddenAddress);
      if (forbidden) return callback(Object.assign(new Error(`${hostname} resolves to ${forbidden}, an address webhooks may not reach`), { code: 'EFORBIDDENADDRESS' }), address as string, family);
      callback(null, address as string, family);
    });

export interface WebhookPost {
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * POSTs to an allowed destination and resolves with the status (any status: the caller decides what it means);
 * rejects on a refused destination, a forbidden address, a network error or no answer in time. Redirects are not
 * followed (a 3xx is only a status).
 */
export async function postWebhook(url: URL, post: WebhookPost, policy: WebhookDestinationPolicy): Promise<{ status: number }> {
  const refusal = destinationRefusal(url, policy);
  if (refusal) throw new Error(refusal.reason);
  const signal = AbortSignal.any([AbortSignal.timeout(post.timeoutMs), ...(post.signal ? [post.signal] : [])]);
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
    signal,
    // a name is resolved by the guard; an address named on the list is connected to as is
    ...(namedByAddress(url) ? {} : { lookup: guardedLookup(policy.lookup ?? (dnsLookup as LookupFunction)) }),
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', reject);
    });
    request.on('error', (error) => reject(signal.aborted && !post.signal?.aborted ? new Error(`no answer within ${post.timeoutMs} ms`) : error));
    request.end(post.body);
  });
}
