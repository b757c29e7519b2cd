import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the services are trusted to say whom they forward (`X-Forwarded-For`), so that the limits
 * per source count the client, not the load balancer every request comes through. Express's `trust proxy` function:
 * `trusts(address, hop)` is asked for each address from the connection's peer (hop 0) back towards the client, and the
 * client is the first address not trusted. Without it, the peer is the source and the header is ignored: a client
 * could otherwise write any address into it and escape its limit.
 */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The named ranges Express's `trust proxy` knows, as subnets. */
const NAMED: Record<string, readonly [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

/** `::ffff:10.0.0.1` (an IPv4 peer of a dual-stack socket) is 10.0.0.1 */
const plain = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * GANTRY_TRUST_PROXY: unset or `0`, no proxy is trusted; a whole number N, the N proxies nearest the service (each
 * appends the address it got the request from); or comma-separated addresses, subnets (`10.0.0.0/8`) and the names
 * `loopback`, `linklocal` and `uniquelocal`, the proxies' own addresses. Throws a message naming what is wrong.
 */
export function proxyTrust(raw: string | undefined): ProxyTrust | undefined {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0') return undefined;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  if (['true', '*', 'all'].includes(value.toLowerCase())) {
    throw new Error(`GANTRY_TRUST_PROXY may not trust every address ("${value}"): any client could then name any source in X-Forwarded-For and escape the limits per source. Give the number of proxies in front of the service, or their addresses`);
  }
  const trusted = new BlockList();
  for (const entry of value.split(',').map((e) => e.trim())) {
    const named = NAMED[entry.toLowerCase()];
    if (named) {
      named.forEach(([network, prefix, family]) => trusted.addSubnet(network, prefix, family));
      continue;
    }
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d+$/.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || rest.length > 0 || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) {
      throw new Error(`GANTRY_TRUST_PROXY holds a number of proxies, or addresses and subnets (10.0.0.1, 10.0.0.0/8, fd00::/8) and loopback, linklocal, uniquelocal, comma-separated; "${entry.slice(0, 100)}" is none of these`);
    }
    trusted.addSubnet(address!, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const candidate = plain(address);
    const family = isIP(candidate);
    return family !== 0 && trusted.check(candidate, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client behind the proxies: from the peer back along `X-Forwarded-For` (its last entry is the nearest proxy's
 * peer), the first address `trust` does not vouch for, or the farthest one named. Express computes `request.ip` so
 * with the same function; gRPC calls get it from their metadata.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trust: ProxyTrust | undefined): string {
  if (!trust || !forwardedFor) return peer;
  const chain = [peer, ...forwardedFor.split(',').map((a) => a.trim()).filter(Boolean).reverse()];
  for (let hop = 0; hop < chain.length - 1; hop++) if (!trust(chain[hop]!, hop)) return chain[hop]!;
  return chain[chain.length - 1]!;
}

/** What grpc-js gives a handler: the peer (`127.0.0.1:5555`, `[::1]:5555`) and the call's metadata. */
interface GrpcCall {
  getPeer?: () => string;
  metadata?: { get(key: string): (string | Buffer)[] };
}

/** The address a gRPC call comes from: its peer without the port or, behind trusted proxies, the client they name. */
export const grpcSource = (call: GrpcCall | undefined, trust?: ProxyTrust): string => {
  const peer = (call?.getPeer?.() ?? 'unknown').replace(/^ipv[46]:/, '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const forwarded = call?.metadata?.get('x-forwarded-for').map(String).join(',');
  return clientAddress(peer, forwarded || undefined, trust);
};
