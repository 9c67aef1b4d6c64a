import type { Transfer } from '../../domain/transfer.ts';
import { logger } from '../../observability/logger.ts';
import type { Services } from '../../ports/services.ts';

const vnd = (amount: number) => `${amount.toLocaleString('vi-VN')} VND`;

const labels: Record<Transfer['type'], string> = {
  TOPUP: 'Nap tien',
  WITHDRAWAL: 'Rut tien',
  P2P: 'Chuyen tien',
  PAYMENT: 'Thanh toan',
};

async function tell(services: Services, customerId: string, walletId: string, text: (balance: number) => string) {
  const [customer, wallet] = await Promise.all([
    services.store.getCustomer(customerId),
    services.wallets.get(walletId),
  ]);
  if (!customer || !wallet) return;
  await services.sms.send({ phoneNumber: customer.phoneNumber, text: text(wallet.balance) });
}

/**
 * Issue #5: every completed or failed transfer is reported to its owner by SMS: amount and
 * balance, no link (RULES.md §3 OTP hygiene applies to all our messages). A payee hears of money
 * received. A message that cannot be sent never undoes the transfer.
 */
export async function notifyOutcome(services: Services, t: Transfer): Promise<void> {
  try {
    const sign = t.type === 'TOPUP' ? '+' : '-';
    const outcome = t.status === 'COMPLETED' ? 'thanh cong' : `khong thanh cong (${t.failureCode ?? 'loi'})`;
    await tell(
      services,
      t.customerId,
      t.walletId,
      (balance) => `${labels[t.type]} ${sign}${vnd(t.amount)} ${outcome}. So du vi: ${vnd(balance)}.`,
    );
    if (t.status === 'COMPLETED' && t.toWalletId && t.payeeCustomerId && t.payeeCustomerId !== t.customerId) {
      await tell(
        services,
        t.payeeCustomerId,
        t.toWalletId,
        (balance) => `Nhan tien +${vnd(t.amount)}. So du vi: ${vnd(balance)}.`,
      );
    }
  } catch (error) {
    logger.warn('transfer notification not sent', { transferId: t.transferId, error: error as Error });
  }
}
