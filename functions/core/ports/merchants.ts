import type { PaymentRequest } from '../domain/payment-request.ts';
import type { WebhookUrlPolicy } from '../domain/webhook-url.ts';
import type { WebhookConfig, WebhookDelivery } from '../domain/webhooks.ts';

/** Payment requests at rest. A request becomes PAID only in a payment's commit (ledger.commit). */
export interface PaymentRequestStore {
  /** A new OPEN request, in the expiry sweep's index. */
  create(request: PaymentRequest): Promise<void>;
  get(paymentRequestId: string): Promise<PaymentRequest | undefined>;
  /** Ids of OPEN requests whose expiry is before `now`, oldest first, at most `limit`. */
  dueForExpiry(now: Date, limit: number): Promise<string[]>;
  /** OPEN → EXPIRED, only if still OPEN and past its expiry at `now`: false when not (paid, or done already). */
  expire(paymentRequestId: string, now: Date): Promise<boolean>;
}

/** Where one delivery is filed: what a queue message names. */
export interface DeliveryKey {
  merchantCustomerId: string;
  createdAt: string;
  eventId: string;
}

export interface WebhookStore {
  get(customerId: string): Promise<WebhookConfig | undefined>;
  /** Several merchants' webhooks in one read. */
  getMany(customerIds: string[]): Promise<Record<string, WebhookConfig>>;
  put(config: WebhookConfig): Promise<void>;
  /** Files a delivery once per event (false: it was filed before, a retried stream batch). */
  fileDelivery(delivery: WebhookDelivery): Promise<boolean>;
  getDelivery(key: DeliveryKey): Promise<WebhookDelivery | undefined>;
  /** Records an attempt, only if `attempts` is still what the caller read (false: another worker did). */
  recordAttempt(
    key: DeliveryKey,
    readAttempts: number,
    outcome: Pick<WebhookDelivery, 'status' | 'attempts' | 'lastAttemptAt' | 'lastStatusCode' | 'nextAttemptAt'>,
  ): Promise<boolean>;
  listDeliveries(
    customerId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: WebhookDelivery[]; nextCursor?: string }>;
}

/** The delivery queue's message: which delivery to attempt, and which attempt this is (1 for the first). */
export interface DeliveryMessage extends DeliveryKey {
  attempt: number;
}

export interface WebhookQueue {
  /** At most 900 s of delay (SQS); a longer backoff is waited out by sending the message on again. */
  send(message: DeliveryMessage, delaySeconds?: number): Promise<void>;
  /** A delivery given up on after 24 hours goes to the dead-letter queue (with its alarm). */
  deadLetter(message: DeliveryMessage): Promise<void>;
}

export interface WebhookAttempt {
  /** The HTTP status answered; absent when there was no answer (refused, timed out, address not allowed). */
  statusCode?: number;
  /** Why there was no answer (for the logs; never the secret or the body). */
  error?: string;
}

/** The outside world's HTTP, for webhooks only: every address connected to is judged by the SSRF rule. */
export interface WebhookSender {
  /** The addresses a host name resolves to (an IP literal: itself). */
  resolve(host: string): Promise<string[]>;
  post(url: string, headers: Record<string, string>, body: string, policy: WebhookUrlPolicy): Promise<WebhookAttempt>;
}
