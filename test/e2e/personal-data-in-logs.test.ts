import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { api, identity, kyc, register } from './client.ts';

// RULES.md §9: personal data is masked in logs. The local runtime's output is the log.
describe.skipIf(!inject('runtimeLog'))('logs of the local runtime', () => {
  it('never hold a full ID number, phone number, password or token of a customer who went through onboarding', async () => {
    const c = await register();
    const id = identity();
    await kyc(c, id);
    await api('POST', '/v1/sessions', {
      body: { phoneNumber: c.phone, password: 'Wr0ng!password', deviceId: c.device },
    });
    await api('GET', '/v1/me', { token: c.token, device: c.device });
    await new Promise((r) => setTimeout(r, 500));
    const log = readFileSync(inject('runtimeLog'), 'utf8');
    expect(log).toContain('POST /v1/sessions'); // the log is really being written
    for (const secret of [
      id.idNumber,
      c.phone,
      `+84${c.phone.slice(1)}`,
      `84${c.phone.slice(1)}`,
      c.password,
      c.token,
    ]) {
      expect(log.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
