// Where a merchant's webhooks may go (API.md v1.1 "Merchant webhooks"): in production only `https`
// URLs whose host resolves to public addresses, never private, loopback, link-local or otherwise
// reserved ones, so that a merchant cannot make the wallet call into its own network (SSRF: cloud
// metadata at 169.254.169.254, a VPC's private services). The URL is judged when it is set, and
// every address it resolves to is judged again at each delivery, on the address actually
// connected to (DNS may answer differently later). The local runtime may allow plain http to
// loopback so that tests can receive webhooks on 127.0.0.1; nothing else private, even there.
// Pure: node:net's BlockList is a computation, no I/O.

import { BlockList, isIP } from 'node:net';

export interface WebhookUrlPolicy {
  /** Local runtime only: `http://127.0.0.1:…`, `http://[::1]:…` and `http://localhost:…` are allowed. */
  allowLoopback: boolean;
}

export const productionWebhookPolicy: WebhookUrlPolicy = { allowLoopback: false };

const v4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  v4.addSubnet(net, bits, 'ipv4');

const v6 = new BlockList();
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo and others)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  v6.addSubnet(net, bits, 'ipv6');

/** The 16 bytes of an IPv6 address (`::` expanded, an embedded dotted IPv4 tail included). */
function v6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const n = Number.parseInt(g || '0', 16);
    return [n >> 8, n & 0xff];
  });
}

const dottedOf = (bytes: number[]) => bytes.join('.');

/**
 * The IPv4 address an IPv6 address carries and is routed by, if any: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
 */
export function embeddedIPv4(address: string): string | undefined {
  const b = v6Bytes(address);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return dottedOf(b.slice(12));
  if (zero(0, 12) && !zero(12, 16)) return dottedOf(b.slice(12));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return dottedOf(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return dottedOf(b.slice(2, 6));
  return undefined;
}

/** A loopback address (127.0.0.0/8, ::1, or IPv4 loopback carried in IPv6). */
export function isLoopback(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.split('.')[0] === '127';
  if (family === 6) {
    if (v6Bytes(address).every((x, i) => x === (i === 15 ? 1 : 0))) return true; // ::1
    const inner = embeddedIPv4(address);
    return inner ? isLoopback(inner) : false;
  }
  return false;
}

/** Whether an address is publicly routable: not private, loopback, link-local, multicast or reserved. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !v4.check(address, 'ipv4');
  if (family === 6) {
    const inner = embeddedIPv4(address);
    if (inner) return isPublicAddress(inner);
    return !v6.check(address.split('%')[0]!, 'ipv6');
  }
  return false;
}

/** Why a webhook may not be sent to this resolved address (undefined: it may). */
export function addressRefusal(address: string, policy: WebhookUrlPolicy): string | undefined {
  if (isPublicAddress(address)) return undefined;
  if (policy.allowLoopback && isLoopback(address)) return undefined;
  return `${address} is not a public address`;
}

const localNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/**
 * Why a webhook URL is refused as set (undefined: accepted, its host still to be resolved and
 * judged by `addressRefusal`). `https` only (plain http to loopback where the policy allows it),
 * no user-info, no host that names the local network.
 */
export function webhookUrlRefusal(raw: string, policy: WebhookUrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  const loopbackHost = literal ? isLoopback(host) : host.toLowerCase() === 'localhost';
  if (url.protocol === 'http:') {
    if (!(policy.allowLoopback && loopbackHost)) return 'only https URLs are allowed';
  } else if (url.protocol !== 'https:') return 'only https URLs are allowed';
  if (literal) return addressRefusal(host, policy);
  if (loopbackHost) return policy.allowLoopback ? undefined : 'localhost is not a public host';
  if (localNames.test(host) || !host.includes('.')) return `${host} is not a public host name`;
  return undefined;
}
