import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoOtpMessageLimit } from '../../functions/core/adapters/dynamodb/otp-message-limit.ts';
import { otpMessageLimit } from '../../functions/core/domain/abuse-limits.ts';

// API.md v1.1: at most 3 OTP messages per phone number in 15 minutes, against DynamoDB Local:
// a sliding window (never 4 in any 15 minutes), decided by conditional writes only.

const limit = new DynamoOtpMessageLimit(process.env.WALLET_TABLE_NAME!);
const phone = () => `+8497${String(randomInt(1e7)).padStart(7, '0')}`;
const t0 = Date.parse('2026-11-10T03:00:00.000Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);

describe('DynamoOtpMessageLimit', () => {
  it('allows 3 in the window, then answers when the oldest leaves it', async () => {
    const p = phone();
    expect(await limit.take(p, otpMessageLimit, at(0))).toEqual({ ok: true });
    expect(await limit.take(p, otpMessageLimit, at(100))).toEqual({ ok: true });
    expect(await limit.take(p, otpMessageLimit, at(200))).toEqual({ ok: true });
    expect(await limit.take(p, otpMessageLimit, at(300))).toEqual({ ok: false, retryAfterSeconds: 600 });
    expect(await limit.take(p, otpMessageLimit, at(899))).toEqual({ ok: false, retryAfterSeconds: 1 });
    // 15 minutes after the first, its slot is free again; the others are still inside the window.
    expect(await limit.take(p, otpMessageLimit, at(900))).toEqual({ ok: true });
    expect(await limit.take(p, otpMessageLimit, at(950))).toEqual({ ok: false, retryAfterSeconds: 50 });
    expect(await limit.take(p, otpMessageLimit, at(1000))).toEqual({ ok: true });
    // Never more than 3 in any 15 minutes: at 1000 s the window (100, 1000] holds 200, 900, 1000.
    expect(await limit.take(p, otpMessageLimit, at(1050))).toEqual({ ok: false, retryAfterSeconds: 50 });
    // Another number has its own slots.
    expect(await limit.take(phone(), otpMessageLimit, at(1050))).toEqual({ ok: true });
  });

  it('lets exactly 3 of 30 simultaneous requests through', async () => {
    const p = phone();
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => limit.take(p, otpMessageLimit, at(0))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    for (const refused of outcomes.filter((o) => !o.ok)) expect(refused).toEqual({ ok: false, retryAfterSeconds: 900 });
  });
});
