import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, type WebhookUrlPolicy } from '../../domain/webhook-url.ts';
import type { WebhookAttempt, WebhookSender } from '../../ports/merchants.ts';

// Webhooks over HTTPS (plain HTTP to loopback only where the policy allows it, the local
// runtime). The SSRF rule is applied to the address actually connected to: the socket's own DNS
// lookup is replaced by one that refuses any address the rule refuses, so a host that resolved to
// a public address when the URL was set cannot be pointed at a private one later (DNS rebinding).
// No redirects are followed; the answer's body is not read beyond its status.

/** A merchant's endpoint gets this long to answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

class AddressRefused extends Error {
  override readonly name = 'AddressRefused';
}

/** A lookup that resolves every address of the host and refuses the lot if any is not allowed. */
export function guardedLookup(policy: WebhookUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.map((a) => addressRefusal(a.address, policy)).find((r) => r !== undefined);
      if (refused || !list.length) return callback(new AddressRefused(refused ?? 'no address'), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export class HttpWebhookSender implements WebhookSender {
  async resolve(host: string): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    if (isIP(bare)) return [bare];
    return new Promise((resolve, reject) =>
      dnsLookup(bare, { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses.map((a) => a.address)),
      ),
    );
  }

  post(url: string, headers: Record<string, string>, body: string, policy: WebhookUrlPolicy): Promise<WebhookAttempt> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // An IP literal is connected to as it is: judged here, since no lookup happens.
    if (isIP(host)) {
      const refused = addressRefusal(host, policy);
      if (refused) return Promise.resolve({ error: refused });
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          lookup: guardedLookup(policy),
          timeout: WEBHOOK_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          resolve({ statusCode: res.statusCode ?? 0 });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => resolve({ error: error.message }));
      req.end(body);
    });
  }
}
