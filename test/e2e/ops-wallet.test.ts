import { describe, expect, it } from 'vitest';
import { activeCustomer, api, expectProblem, staff } from './client.ts';

// GET /v1/ops/wallets/{walletId}: the operations console's wallet look-up (docs/operations.md).

describe('GET /v1/ops/wallets/{walletId}', () => {
  it('shows status, balance, owner and the freeze orders; audited under the wallet and its owner', async () => {
    const [c, ops, auditor] = await Promise.all([activeCustomer(), staff(['operators']), staff(['compliance'])]);
    const before = await api('GET', `/v1/ops/wallets/${c.walletId}`, { token: ops.token });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ walletId: c.walletId, status: 'ACTIVE', ownerId: c.customerId, orders: [] });

    const frozen = await api('POST', `/v1/ops/wallets/${c.walletId}/freeze`, {
      token: ops.token,
      body: { reason: 'Police letter', reference: 'CV-12/2026' },
    });
    expect(frozen.json.status).toBe('FROZEN');
    const after = await api('GET', `/v1/ops/wallets/${c.walletId}`, { token: ops.token });
    expect(after.json.status).toBe('FROZEN');
    expect(after.json.orders).toEqual([
      expect.objectContaining({
        action: 'FREEZE',
        authority: 'OPERATOR',
        actor: ops.sub,
        reason: 'Police letter',
        reference: 'CV-12/2026',
        previousStatus: 'ACTIVE',
        status: 'FROZEN',
      }),
    ]);

    const trail = await api('GET', `/v1/ops/audit?subject=${c.customerId}`, { token: auditor.token });
    expect(trail.json.items.filter((e: { action: string }) => e.action === 'WALLET_READ')).toHaveLength(2);
  });

  it('answers 404 for a wallet that does not exist and 403 to a customer', async () => {
    const [c, ops] = await Promise.all([activeCustomer(), staff(['operators'])]);
    expectProblem(
      await api('GET', '/v1/ops/wallets/01NOSUCHWALLET0000000000000', { token: ops.token }),
      404,
      'not-found',
    );
    expectProblem(
      await api('GET', `/v1/ops/wallets/${c.walletId}`, { token: c.token, device: c.device }),
      403,
      'forbidden',
    );
  });
});
