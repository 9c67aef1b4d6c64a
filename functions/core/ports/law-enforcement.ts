import type { CustomerKind, CustomerStatus } from '../domain/customer.ts';
import type { LawEnforcementKind, Period } from '../domain/law-enforcement.ts';
import type { WalletStatus } from '../domain/wallet.ts';
import type { StatementEntry } from './ledger.ts';

/** The answer to an INFORMATION request, produced from the records (RULES.md §7). */
export interface AnswerPackage {
  customer: {
    customerId: string;
    name?: string;
    /** Only the last digits: the authority names the person, the package need not repeat the number. */
    idNumberMask?: string;
    phoneNumber: string;
    status: CustomerStatus;
    kind: CustomerKind;
    createdAt: string;
    verifiedAt?: string;
  };
  wallets: { walletId: string; status: WalletStatus; balance: number; currency: 'VND'; createdAt: string }[];
  bankLinks: {
    linkId: string;
    walletId: string;
    bankCode: string;
    kind: 'ACCOUNT' | 'CARD';
    maskedNumber: string;
    status: 'ACTIVE' | 'REMOVED';
    createdAt: string;
    removedAt?: string;
  }[];
  statement: { period?: Period; entries: PackageEntry[] };
}

export type PackageEntry = StatementEntry & { walletId: string };

export interface LawEnforcementRequest {
  requestId: string;
  authority: string;
  reference: string;
  kind: LawEnforcementKind;
  /** As received, the ID number masked (its keyed hash found the customer). */
  subject: { walletId?: string; phoneNumber?: string; idNumberMask?: string };
  period?: Period;
  customerId: string;
  status: 'COMPLETED';
  /** The compliance officer who entered it (Cognito `sub`). */
  receivedBy: string;
  receivedAt: string;
  completedAt: string;
  /** FREEZE: what the order did to each wallet of the subject. */
  frozenWallets?: { walletId: string; previousStatus: WalletStatus; status: WalletStatus }[];
  /** INFORMATION: the package, its statement entries included. */
  answer?: AnswerPackage;
}

export interface LawEnforcementStore {
  /** The customer whose identity guard holds this keyed hash of an ID number. */
  customerIdByIdNumberHash(idNumberHash: string): Promise<string | undefined>;
  /** Stores the request and its answer package (in parts: a statement may outgrow one item). */
  save(request: LawEnforcementRequest): Promise<void>;
  get(requestId: string): Promise<LawEnforcementRequest | undefined>;
}
