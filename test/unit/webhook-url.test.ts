import { describe, expect, it } from 'vitest';
import {
  addressRefusal,
  embeddedIPv4,
  isLoopback,
  isPublicAddress,
  productionWebhookPolicy,
  webhookUrlRefusal,
} from '../../functions/core/domain/webhook-url.ts';

// The SSRF rule of merchant webhooks (API.md v1.1): production sends only to https URLs whose
// addresses are public; the local runtime may also send to http on loopback, nothing else private.

const local = { allowLoopback: true };

describe('addresses', () => {
  it.each([
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.169.254', // cloud metadata
    '169.254.0.1',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '::ffff:a9fe:a9fe', // 169.254.169.254, mapped
    '64:ff9b::a9fe:a9fe', // NAT64 of the metadata address
    '2002:c0a8:0101::1', // 6to4 of 192.168.1.1
    '2001:db8::1',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
    expect(addressRefusal(address, productionWebhookPolicy)).toBeDefined();
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '203.0.114.1',
    '2001:4860:4860::8888',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
    expect(addressRefusal(address, productionWebhookPolicy)).toBeUndefined();
  });

  it('reads the IPv4 address IPv6 forms carry', () => {
    expect(embeddedIPv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIPv4('2001:4860::1')).toBeUndefined();
  });

  it('allows loopback, and only loopback, where the local runtime says so', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(addressRefusal('127.0.0.1', local)).toBeUndefined();
    expect(addressRefusal('::1', local)).toBeUndefined();
    expect(addressRefusal('10.0.0.1', local)).toBeDefined();
    expect(addressRefusal('169.254.169.254', local)).toBeDefined();
  });
});

describe('URLs', () => {
  it('accepts a public https URL', () => {
    expect(webhookUrlRefusal('https://shop.example.vn/hooks/wallet', productionWebhookPolicy)).toBeUndefined();
    expect(webhookUrlRefusal('https://8.8.8.8:8443/hook', productionWebhookPolicy)).toBeUndefined();
  });

  it.each([
    ['http://shop.example.vn/hook', /https/],
    ['ftp://shop.example.vn/hook', /https/],
    ['https://user:pass@shop.example.vn/hook', /credentials/],
    ['https://127.0.0.1/hook', /not a public address/],
    ['https://[::1]/hook', /not a public address/],
    ['https://169.254.169.254/latest/meta-data', /not a public address/],
    ['https://10.1.2.3/hook', /not a public address/],
    ['https://localhost/hook', /localhost/],
    ['https://printer.local/hook', /not a public host/],
    ['https://metadata.google.internal/hook', /not a public host/],
    ['https://intranet/hook', /not a public host/],
    ['not a url', /absolute/],
  ])('refuses %s in production', (url, reason) => {
    expect(webhookUrlRefusal(url, productionWebhookPolicy)).toMatch(reason);
  });

  it('allows http to loopback in the local runtime, and nothing else private', () => {
    expect(webhookUrlRefusal('http://127.0.0.1:4567/hook', local)).toBeUndefined();
    expect(webhookUrlRefusal('http://localhost:4567/hook', local)).toBeUndefined();
    expect(webhookUrlRefusal('http://[::1]:4567/hook', local)).toBeUndefined();
    expect(webhookUrlRefusal('http://192.168.1.10/hook', local)).toMatch(/https/);
    expect(webhookUrlRefusal('https://10.0.0.1/hook', local)).toMatch(/not a public address/);
    expect(webhookUrlRefusal('http://shop.example.vn/hook', local)).toMatch(/https/);
  });
});
