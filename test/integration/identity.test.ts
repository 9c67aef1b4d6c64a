import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { signSandboxAssertion } from '../../functions/core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { BiometricSource } from '../../functions/core/domain/kyc.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import type { DevicePublicKey } from '../../functions/core/ports/onboarding-store.ts';
import { runIdExpiryJob } from '../../functions/core/use-cases/id-expiry-job.ts';
import { type KycInput, submitKyc } from '../../functions/core/use-cases/submit-kyc.ts';
import { newIdNumber, registeredCustomer } from '../support/journeys.ts';

// The identity fixed by the first KYC (API.md v1.1 "KYC is done once"; RULES.md §5), where the
// expiry job's clock is needed (re-verification after the ID expired), and the store's
// conditional writes behind it, against the real engines.

const clock = {
  at: new Date('2026-11-28T03:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };
overrideServices({ clock });

interface Person {
  fullName: string;
  dateOfBirth: string;
  idNumber: string;
}

const person = (overrides: Partial<Person> = {}): Person => ({
  fullName: 'Đỗ Văn Hùng',
  dateOfBirth: '1979-03-21',
  idNumber: newIdNumber(),
  ...overrides,
});

const signed = (p: Person, source: BiometricSource = 'CCCD_CHIP') =>
  signSandboxAssertion({ ...p, faceMatch: true, liveness: true, source }, clock.now());

async function individual(p: Person, idExpiryDate: string): Promise<KycInput> {
  return {
    kind: 'INDIVIDUAL',
    idDocumentType: 'CCCD_CHIP',
    nationality: 'VN',
    idExpiryDate,
    ...p,
    ekycAssertion: await signed(p),
  };
}

let enterpriseSeq = 10_000_000 + Math.floor(Math.random() * 80_000_000);
const newEnterpriseCode = () => `02${enterpriseSeq++}`;

async function organization(p: Person, idExpiryDate: string, enterpriseCode: string): Promise<KycInput> {
  return {
    kind: 'ORGANIZATION',
    legalName: 'Công ty Cổ phần Sông Hồng',
    shortName: 'SONG HONG',
    enterpriseCode,
    headOfficeAddress: '9 Phan Chu Trinh, Hoàn Kiếm, Hà Nội',
    tradingAddress: '9 Phan Chu Trinh, Hoàn Kiếm, Hà Nội',
    phoneNumber: '02439112233',
    legalRepresentative: { nationality: 'VN', idExpiryDate, ...p, ekycAssertion: await signed(p) },
  };
}

const statusOf = async (customerId: string) => (await container().store.getCustomer(customerId))?.status;

/** Verified with an ID expiring on 2026-12-05, then REVERIFICATION_REQUIRED by the job on 6 December. */
async function expiredCustomer(first: (expiry: string) => Promise<KycInput>) {
  clock.at = new Date('2026-11-28T03:00:00Z');
  const c = await registeredCustomer();
  expect((await submitKyc(container(), c.customerId, 'd', await first('2026-12-05'))).status).toBe('VERIFIED');
  clock.at = new Date('2026-12-06T03:00:00Z'); // 10:00 on 6 December in Hanoi: the ID expired yesterday
  await runIdExpiryJob(container());
  expect(await statusOf(c.customerId)).toBe('REVERIFICATION_REQUIRED');
  return c;
}

describe('KYC is done once (RULES.md §5)', () => {
  it('refuses a second KYC of a VERIFIED customer, whatever it claims', async () => {
    clock.at = new Date('2026-11-28T03:00:00Z');
    const c = await registeredCustomer();
    const p = person();
    expect((await submitKyc(container(), c.customerId, 'd', await individual(p, '2040-01-01'))).status).toBe(
      'VERIFIED',
    );
    for (const again of [
      await individual(p, '2041-01-01'),
      await individual(person(), '2040-01-01'),
      await organization(p, '2040-01-01', newEnterpriseCode()),
    ]) {
      await expect(submitKyc(container(), c.customerId, 'd', again)).rejects.toMatchObject({
        reason: 'already-verified',
      });
    }
    const stored = await container().store.getCustomer(c.customerId);
    expect(stored).toMatchObject({ status: 'VERIFIED', kind: 'INDIVIDUAL' });
    expect(stored?.identity?.idExpiryDate).toBe('2040-01-01');
    expect(stored?.identity?.idNumberHash).toBe(await (await container().keyRing()).mac('id-number', p.idNumber));
  });
});

describe('re-verification after the ID expired (RULES.md §5)', () => {
  it('accepts the same person with a renewed ID, and nobody else', async () => {
    const p = person();
    const c = await expiredCustomer((expiry) => individual(p, expiry));

    const refused: KycInput[] = [
      await individual(person(), '2046-12-05'), // another person
      await individual({ ...p, fullName: 'Đỗ Văn Hải' }, '2046-12-05'), // another name
      await individual({ ...p, dateOfBirth: '1979-03-22' }, '2046-12-05'), // another birth date
      await organization(p, '2046-12-05', newEnterpriseCode()), // another kind
    ];
    for (const input of refused) {
      await expect(submitKyc(container(), c.customerId, 'd', input)).rejects.toMatchObject({
        reason: 'identity-mismatch',
      });
    }
    expect(await statusOf(c.customerId)).toBe('REVERIFICATION_REQUIRED');

    // The same person, the name written without diacritics, with the renewed document.
    const renewed = await individual({ ...p, fullName: 'DO VAN HUNG' }, '2046-12-05');
    const r = await submitKyc(container(), c.customerId, 'd', renewed);
    expect(r.status).toBe('VERIFIED');
    const stored = await container().store.getCustomer(c.customerId);
    expect(stored).toMatchObject({ status: 'VERIFIED', kind: 'INDIVIDUAL' });
    expect(stored?.identity?.idExpiryDate).toBe('2046-12-05');
    // And now it is done once again.
    await expect(submitKyc(container(), c.customerId, 'd', renewed)).rejects.toMatchObject({
      reason: 'already-verified',
    });
  });

  it('keeps the identity fixed after a re-verification that was rejected', async () => {
    const p = person();
    const c = await expiredCustomer((expiry) => individual(p, expiry));
    // The old, expired document again: rejected by policy.
    const old = await submitKyc(container(), c.customerId, 'd', await individual(p, '2026-12-05'));
    expect(old).toEqual({ status: 'REJECTED', reasons: ['id-expired'] });
    await expect(
      submitKyc(container(), c.customerId, 'd', await individual(person(), '2046-12-05')),
    ).rejects.toMatchObject({ reason: 'identity-mismatch' });
    expect((await submitKyc(container(), c.customerId, 'd', await individual(p, '2046-12-05'))).status).toBe(
      'VERIFIED',
    );
  });

  it('re-verifies an organisation by the same representative and enterprise code only', async () => {
    const rep = person({ fullName: 'Vũ Thị Lan', dateOfBirth: '1983-11-02' });
    const code = newEnterpriseCode();
    const c = await expiredCustomer((expiry) => organization(rep, expiry, code));
    for (const input of [
      await individual(rep, '2046-12-05'), // the representative as an individual: another kind
      await organization(rep, '2046-12-05', newEnterpriseCode()), // another enterprise
      await organization(person(), '2046-12-05', code), // another representative
    ]) {
      await expect(submitKyc(container(), c.customerId, 'd', input)).rejects.toMatchObject({
        reason: 'identity-mismatch',
      });
    }
    expect((await submitKyc(container(), c.customerId, 'd', await organization(rep, '2046-12-05', code))).status).toBe(
      'VERIFIED',
    );
    expect(await container().store.getCustomer(c.customerId)).toMatchObject({ kind: 'ORGANIZATION' });
  });

  it('lets one of two re-verifications submitted at once win', async () => {
    const p = person();
    const c = await expiredCustomer((expiry) => individual(p, expiry));
    const [a, b] = [await individual(p, '2046-12-05'), await individual(p, '2047-01-01')];
    const outcomes = await Promise.allSettled([
      submitKyc(container(), c.customerId, 'd', a),
      submitKyc(container(), c.customerId, 'd', b),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => o.reason.reason)).toEqual(['already-verified']);
    expect(await statusOf(c.customerId)).toBe('VERIFIED');
  });
});

describe('PROVIDER_DB verdicts (RULES.md §5: opening needs the chip or VNeID)', () => {
  it('never pass KYC', async () => {
    clock.at = new Date('2026-11-28T03:00:00Z');
    const c = await registeredCustomer();
    const p = person();
    const input = { ...(await individual(p, '2040-01-01')), ekycAssertion: await signed(p, 'PROVIDER_DB') };
    await expect(submitKyc(container(), c.customerId, 'd', input)).rejects.toMatchObject({
      reason: 'biometric-mismatch',
    });
    expect(await statusOf(c.customerId)).toBe('REGISTERED');
  });
});

describe('the store: conditional writes behind KYC and device binding', () => {
  const publicJwk = (): DevicePublicKey => {
    const { x, y } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    return { kty: 'EC', crv: 'P-256', x: x!, y: y! };
  };

  it('does not complete a KYC for a customer that is no longer as read', async () => {
    clock.at = new Date('2026-11-28T03:00:00Z');
    const { store, keyRing } = container();
    const c = await registeredCustomer();
    const ring = await keyRing();
    const p = person();
    const completion = {
      customerId: c.customerId,
      expected: { status: 'REJECTED' as const, kind: 'INDIVIDUAL' as const },
      profile: {
        kind: 'INDIVIDUAL' as const,
        identity: {
          fullName: p.fullName,
          nationality: 'VN',
          idNumberHash: await ring.mac('id-number', p.idNumber),
          idNumberMask: '*********000',
          idNumberEnc: await ring.encrypt(p.idNumber),
          dateOfBirthEnc: await ring.encrypt(p.dateOfBirth),
          idExpiryDate: '2040-01-01',
        },
      },
      guard: { kind: 'IDENTITY' as const, value: await ring.mac('id-number', p.idNumber) },
      device: { deviceId: 'store-test', softOtpSecretEnc: await ring.encrypt('S') },
      now: clock.now(),
    };
    // Read as REJECTED, but it is REGISTERED: nothing is written, not even the ID's guard.
    expect(await store.completeKyc(completion)).toBe('changed');
    const other = await registeredCustomer();
    expect(
      await store.completeKyc({
        ...completion,
        customerId: other.customerId,
        expected: { status: 'REGISTERED', kind: 'INDIVIDUAL' },
      }),
    ).toBe('verified');
    // The first customer, now read right, meets the other's guard.
    expect(await store.completeKyc({ ...completion, expected: { status: 'REGISTERED', kind: 'INDIVIDUAL' } })).toBe(
      'duplicate',
    );
    expect(await statusOf(c.customerId)).toBe('REGISTERED');
  });

  it('keeps a bound device bound: no keyless trust without a proof of its key', async () => {
    const { store } = container();
    const c = await registeredCustomer();
    const jwk = publicJwk();
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    const now = clock.now();
    expect(
      await store.trustDevice(
        c.customerId,
        { deviceId: 'bound', softOtpSecretEnc: 'x', key: { publicKeyJwk: jwk, keyThumbprint: thumbprint } },
        now,
      ),
    ).toBe(true);
    expect(await store.getDevice(c.customerId, 'bound')).toMatchObject({
      trusted: true,
      keyThumbprint: thumbprint,
      publicKeyJwk: jwk,
    });
    expect(await store.trustDevice(c.customerId, { deviceId: 'bound', softOtpSecretEnc: 'y' }, now)).toBe(false);
    expect(
      await store.trustDevice(
        c.customerId,
        { deviceId: 'bound', softOtpSecretEnc: 'y', proofThumbprint: 'other' },
        now,
      ),
    ).toBe(false);
    expect(
      await store.trustDevice(
        c.customerId,
        { deviceId: 'bound', softOtpSecretEnc: 'z', proofThumbprint: thumbprint },
        now,
      ),
    ).toBe(true);
    expect(await store.getDevice(c.customerId, 'bound')).toMatchObject({
      softOtpSecretEnc: 'z',
      keyThumbprint: thumbprint,
    });
    // A keyless device stays keyless-trustable.
    expect(await store.trustDevice(c.customerId, { deviceId: 'plain', softOtpSecretEnc: 'p' }, now)).toBe(true);
  });
});
