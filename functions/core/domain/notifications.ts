// What the owners of a transfer are told when it ends (issue #5; RULES.md §3 OTP hygiene applies
// to every message of ours: amount and balance, never a link). Sent after the commit, from the
// committed change: a message that cannot be sent never undoes a transfer.

import type { Transfer } from './transfer.ts';

const vnd = (amount: number) => `${amount.toLocaleString('vi-VN')} VND`;

const labels: Record<Transfer['type'], string> = {
  TOPUP: 'Nap tien',
  WITHDRAWAL: 'Rut tien',
  P2P: 'Chuyen tien',
  PAYMENT: 'Thanh toan',
  EXTERNAL: 'Chuyen tien lien ngan hang',
  EXTERNAL_IN: 'Nhan tien lien ngan hang',
  REFUND: 'Hoan tien',
};

export interface Notice {
  customerId: string;
  walletId: string;
  /** The text, given the wallet's balance when it is sent. */
  text: (balance: number) => string;
}

/**
 * A transfer is worth a message when it reaches COMPLETED, FAILED or REJECTED from a state the
 * customer was waiting in; one created COMPLETED (class A) is too. One refused at creation (a
 * BLOCK) is not: the customer has the answer.
 */
export function isNews(before: Transfer | undefined, after: Transfer): boolean {
  if (!['COMPLETED', 'FAILED', 'REJECTED'].includes(after.status)) return false;
  return before ? before.status !== after.status : after.status === 'COMPLETED';
}

/** The payer hears of the outcome; a payee (another customer) of money received. */
export function noticesOf(t: Transfer): Notice[] {
  const sign = t.type === 'TOPUP' || t.type === 'EXTERNAL_IN' ? '+' : '-';
  const outcome = t.status === 'COMPLETED' ? 'thanh cong' : `khong thanh cong (${t.failureCode ?? 'loi'})`;
  const notices: Notice[] = [
    {
      customerId: t.customerId,
      walletId: t.walletId,
      text: (balance) => `${labels[t.type]} ${sign}${vnd(t.amount)} ${outcome}. So du vi: ${vnd(balance)}.`,
    },
  ];
  if (t.status === 'COMPLETED' && t.toWalletId && t.payeeCustomerId && t.payeeCustomerId !== t.customerId) {
    notices.push({
      customerId: t.payeeCustomerId,
      walletId: t.toWalletId,
      text: (balance) => `Nhan tien +${vnd(t.amount)}. So du vi: ${vnd(balance)}.`,
    });
  }
  return notices;
}
