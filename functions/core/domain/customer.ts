import { isIdExpired } from './kyc.ts';

// Customer lifecycle (API.md "Resources and status values"; RULES.md §5). CLOSED: the customer
// asked for erasure (RULES.md §9, Law 91/2025); what AML law keeps is encrypted in `retainedEnc`.
export type CustomerStatus = 'REGISTERED' | 'VERIFIED' | 'REJECTED' | 'REVERIFICATION_REQUIRED' | 'CLOSED';
export type CustomerKind = 'INDIVIDUAL' | 'ORGANIZATION';

/** A person's identity as kept at rest: ID number and birth date encrypted, a keyed hash for look-ups. */
export interface StoredIdentity {
  fullName: string;
  nationality: string;
  idNumberHash: string;
  idNumberMask: string;
  idNumberEnc: string;
  dateOfBirthEnc: string;
  idExpiryDate: string;
}

export interface OrganizationProfile {
  legalName: string;
  shortName: string;
  enterpriseCode: string;
  taxCode?: string;
  headOfficeAddress: string;
  tradingAddress: string;
  phoneNumber: string;
}

/**
 * Essential services (Circular 40 Art. 26(2) as raised by Circular 41/2025; RULES.md §6): public
 * services on the National Public Service Portal, electricity, water, telecoms, road-vehicle fees,
 * tuition, hospital fees, insurance premiums and loan repayments to banks.
 */
export const essentialCategories = [
  'PUBLIC_SERVICE',
  'ELECTRICITY',
  'WATER',
  'TELECOM',
  'VEHICLE_FEES',
  'TUITION',
  'HOSPITAL',
  'INSURANCE',
  'LOAN_REPAYMENT',
] as const;
export type EssentialCategory = (typeof essentialCategories)[number];

export interface MerchantProfile {
  displayName: string;
  mcc: string;
  /** Declared at KYC: payments to this merchant count toward the essential-payment cap only. */
  essentialCategory?: EssentialCategory;
}

export interface Customer {
  customerId: string;
  phoneNumber: string;
  status: CustomerStatus;
  kind: CustomerKind;
  createdAt: string;
  /** The individual, or an organisation's legal representative. */
  identity?: StoredIdentity;
  organization?: OrganizationProfile;
  merchant?: MerchantProfile;
  rejectionReasons?: string[];
  verifiedAt?: string;
  /** The wallet that receives P2P sent to this customer's phone number. */
  defaultWalletId?: string;
  /** The expiry date a 30-day warning was sent for, so the job warns once. */
  expiryWarnedFor?: string;
  /**
   * Watch-list entries (`<kind>#<keyed hash>`) an operator found not to be this customer (a
   * screening case RELEASEd as a false positive, e.g. a recycled phone number): they no longer
   * count against this customer on transfers, nor screen it again at the next import.
   */
  screeningCleared?: string[];
  /** Erased (RULES.md §9): when the account closed, what AML law keeps (encrypted) and until when. */
  closedAt?: string;
  retainedEnc?: string;
  /** The Hanoi day from which the retention job deletes the record (5 years after closing, RULES.md §8). */
  retainUntil?: string;
  /** Uniqueness guards kept with the record (an ID number's keyed hash), deleted with it. */
  retainedGuards?: { pk: string; sk: string }[];
}

/**
 * RULES.md §5: no electronic payments while unverified or once the ID has expired (`today` is the
 * Hanoi business day): the expiry job marks such customers, and this holds before it has run.
 */
export const mayMoveMoney = (customer: Customer, today: string): boolean =>
  customer.status === 'VERIFIED' && !(customer.identity && isIdExpired(customer.identity.idExpiryDate, today));

/** RULES.md §6, Circular 40 Art. 26: personal wallets move at most 100,000,000 VND a month. */
export const monthlyCap = 100_000_000;

/**
 * RULES.md §6, Circular 40 Art. 26(2) as raised by Circular 41/2025: payments for essential
 * services are outside the 100M cap and have their own, 300,000,000 VND per customer per month.
 */
export const essentialCap = 300_000_000;
