// Customer lifecycle (API.md "Resources and status values"; RULES.md §5).
export type CustomerStatus = 'REGISTERED' | 'VERIFIED' | 'REJECTED' | 'REVERIFICATION_REQUIRED';
export type CustomerKind = 'INDIVIDUAL' | 'ORGANIZATION';

export interface Customer {
  customerId: string;
  phoneNumber: string;
  status: CustomerStatus;
  kind: CustomerKind;
  createdAt: string;
}

/** RULES.md §6, Circular 40 Art. 26: personal wallets move at most 100,000,000 VND a month. */
export const monthlyCap = 100_000_000;
