import { describe, expect, it } from 'vitest';
import { signSwitchMessage, verifySwitchSignature } from '../../functions/core/adapters/switch/signature.ts';

// The switch's messages (API.md "Interoperable transfers"): HMAC-SHA256 over "<t>.<raw body>",
// refused when missing, malformed, outside the 5-minute window (a replay), or not the key's.

const secret = 'x'.repeat(48);
const body = '{"reference":"NAPAS0001","amount":100000}';
const at = new Date('2026-11-20T03:00:00Z');

describe('switch message signatures', () => {
  it('accepts the body as signed, within 5 minutes either way', () => {
    const header = signSwitchMessage(secret, body, at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySwitchSignature(secret, body, header, at)).toEqual({ ok: true });
    expect(verifySwitchSignature(secret, body, header, new Date(at.getTime() + 300_000))).toEqual({ ok: true });
    expect(verifySwitchSignature(secret, body, header, new Date(at.getTime() - 300_000))).toEqual({ ok: true });
  });

  it('refuses a changed body, another key, an old message and a malformed header', () => {
    const header = signSwitchMessage(secret, body, at);
    expect(verifySwitchSignature(secret, body.replace('100000', '900000'), header, at)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifySwitchSignature('y'.repeat(48), body, header, at)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySwitchSignature(secret, body, header, new Date(at.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySwitchSignature(secret, body, undefined, at)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySwitchSignature(secret, body, 't=abc,v1=zz', at)).toEqual({ ok: false, reason: 'malformed' });
  });
});
