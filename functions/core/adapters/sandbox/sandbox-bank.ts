import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { namesMatch } from '../../domain/kyc.ts';
import type {
  AccountHolder,
  BankInstrument,
  BankOutcome,
  BankPort,
  MoneyCall,
  OwnershipCheck,
} from '../../ports/bank.ts';
import { dynamo, isConditionFailure } from '../dynamodb/client.ts';

// A realistic bank for local use and sandbox stages: accounts and cards with holders and
// balances, a movement history, the provider's guarantee (safeguarding) account, idempotent
// money calls keyed by the caller's idempotency key, and injected faults for the next N calls.
// Cards are kept by a hash of the number and a token: not even the sandbox stores card numbers.

export type FaultMode = 'NONE' | 'TIMEOUT' | 'DECLINE' | 'ERROR';

export const sandboxGuaranteeAccount = {
  bankCode: 'VCB',
  accountNumber: '0011009999999',
  holderName: 'CONG TY VI DIEN TU',
};

/** An account's item at the sandbox bank (the sandbox switch moves the guarantee account's too). */
export const accountKey = (bankCode: string, accountNumber: string) => ({
  pk: `ACCOUNT#${bankCode}#${accountNumber}`,
  sk: 'ACCOUNT',
});
const cardKey = (bankCode: string, cardNumber: string) => ({
  pk: `CARD#${bankCode}#${createHash('sha256').update(cardNumber).digest('hex')}`,
  sk: 'CARD',
});
const tokenKey = (token: string) => ({ pk: `TOKEN#${token}`, sk: 'TOKEN' });
const operationKey = (key: string) => ({ pk: `OP#${key}`, sk: 'OP' });
/** Faults for every call, or only for calls touching one account (so parallel tests do not share them). */
const faultsKey = (accountNumber?: string) => ({
  pk: accountNumber ? `FAULTS#${accountNumber}` : 'FAULTS',
  sk: 'FAULTS',
});

export interface SandboxAccount {
  bankCode: string;
  accountNumber: string;
  holderName: string;
  idNumber: string;
  balance: number;
}

/** Thrown where a real bank would time out or fail: the caller cannot know what happened. */
export class BankUnavailable extends Error {
  constructor(readonly mode: 'TIMEOUT' | 'ERROR') {
    super(mode === 'TIMEOUT' ? 'the bank did not answer in time' : 'the bank answered 5xx');
    this.name = 'BankUnavailable';
  }
}

export class SandboxBank {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly now: () => Date,
    /** The provider's guarantee account; tests of the bank itself use one of their own. */
    readonly guaranteeAccount = sandboxGuaranteeAccount,
  ) {}

  async openAccount(a: SandboxAccount & { cardNumber?: string }): Promise<void> {
    const { cardNumber, ...account } = a;
    await this.#db.send(
      new PutCommand({ TableName: this.table, Item: { ...accountKey(a.bankCode, a.accountNumber), ...account } }),
    );
    if (cardNumber) {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...cardKey(a.bankCode, cardNumber),
            bankCode: a.bankCode,
            accountNumber: a.accountNumber,
            last4: cardNumber.slice(-4),
          },
        }),
      );
    }
  }

  async account(bankCode: string, accountNumber: string) {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: accountKey(bankCode, accountNumber), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const moves = await this.#db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':pk': `MOVES#${bankCode}#${accountNumber}`, ':m': 'MOVE#' },
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    );
    const { pk: _pk, sk: _sk, ...account } = out.Item;
    return {
      ...(account as SandboxAccount),
      movements: (moves.Items ?? []).map(({ amount, reference, description, at }) => ({
        amount,
        reference,
        description,
        at,
      })),
    };
  }

  async guarantee() {
    const a = await this.account(this.guaranteeAccount.bankCode, this.guaranteeAccount.accountNumber);
    return {
      bankCode: this.guaranteeAccount.bankCode,
      accountNumber: this.guaranteeAccount.accountNumber,
      balance: a?.balance ?? 0,
    };
  }

  async setFaults(mode: FaultMode, count: number, accountNumber?: string): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...faultsKey(accountNumber), mode, remaining: mode === 'NONE' ? 0 : count },
      }),
    );
  }

  async #takeFault(accountNumber: string | undefined): Promise<FaultMode> {
    const scoped = accountNumber ? await this.#takeFaultOf(faultsKey(accountNumber)) : 'NONE';
    return scoped !== 'NONE' ? scoped : this.#takeFaultOf(faultsKey());
  }

  /** Takes one injected fault, if any are left (atomically: parallel calls never share one). */
  async #takeFaultOf(key: { pk: string; sk: string }): Promise<FaultMode> {
    try {
      const out = await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET remaining = remaining - :one',
          ConditionExpression: 'remaining > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return (out.Attributes?.mode as FaultMode) ?? 'NONE';
    } catch (error) {
      if (isConditionFailure(error)) return 'NONE';
      throw error;
    }
  }

  async #resolve(instrument: BankInstrument): Promise<{ bankCode: string; accountNumber: string } | undefined> {
    if ('accountNumber' in instrument) return instrument;
    const out = await this.#db.send(new GetCommand({ TableName: this.table, Key: tokenKey(instrument.cardToken) }));
    return out.Item
      ? { bankCode: out.Item.bankCode as string, accountNumber: out.Item.accountNumber as string }
      : undefined;
  }

  async verifyOwner(
    instrument: { bankCode: string; accountNumber?: string; cardNumber?: string },
    holder: AccountHolder,
  ): Promise<OwnershipCheck> {
    let accountNumber = instrument.accountNumber;
    let cardToken: string | undefined;
    if (instrument.cardNumber) {
      const card = await this.#db.send(
        new GetCommand({ TableName: this.table, Key: cardKey(instrument.bankCode, instrument.cardNumber) }),
      );
      if (!card.Item) return { verified: false, reason: 'NOT_FOUND' };
      accountNumber = card.Item.accountNumber as string;
      cardToken = `tok_${createHash('sha256').update(`token:${card.Item.pk}`).digest('hex').slice(0, 24)}`;
    }
    const account = accountNumber ? await this.account(instrument.bankCode, accountNumber) : undefined;
    if (!account) return { verified: false, reason: 'NOT_FOUND' };
    if (account.idNumber !== holder.idNumber || !namesMatch(account.holderName, holder.name)) {
      return { verified: false, reason: 'OWNER_MISMATCH' };
    }
    if (cardToken) {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...tokenKey(cardToken), bankCode: instrument.bankCode, accountNumber },
        }),
      );
      return { verified: true, cardToken };
    }
    return { verified: true };
  }

  async #move(direction: 'PULL' | 'PUSH', call: MoneyCall): Promise<BankOutcome> {
    const earlier = await this.status(call.idempotencyKey);
    if (earlier.outcome !== 'NOT_FOUND') return earlier;
    const customer = await this.#resolve(call.instrument);
    const fault = await this.#takeFault(customer?.accountNumber);
    if (fault === 'ERROR') throw new BankUnavailable('ERROR');
    if (fault === 'DECLINE') return this.#decline(call, 'declined by the bank');
    if (!customer) return this.#decline(call, 'no such account');
    const from = direction === 'PULL' ? customer : this.guaranteeAccount;
    const to = direction === 'PULL' ? this.guaranteeAccount : customer;
    const at = this.now().toISOString();
    const bankReference = `SBX${createHash('sha256').update(call.idempotencyKey).digest('hex').slice(0, 12).toUpperCase()}`;
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...operationKey(call.idempotencyKey),
                  outcome: 'APPLIED',
                  bankReference,
                  direction,
                  amount: call.amount,
                  at,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: accountKey(from.bankCode, from.accountNumber),
                UpdateExpression: 'SET balance = balance - :amount',
                ConditionExpression: 'balance >= :amount',
                ExpressionAttributeValues: { ':amount': call.amount },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: accountKey(to.bankCode, to.accountNumber),
                UpdateExpression:
                  'SET balance = if_not_exists(balance, :zero) + :amount, holderName = if_not_exists(holderName, :holder)',
                ExpressionAttributeValues: {
                  ':amount': call.amount,
                  ':zero': 0,
                  ':holder': this.guaranteeAccount.holderName,
                },
              },
            },
            this.#movement(from, -call.amount, bankReference, call.description, at),
            this.#movement(to, call.amount, bankReference, call.description, at),
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const raced = await this.status(call.idempotencyKey);
      if (raced.outcome !== 'NOT_FOUND') return raced;
      return this.#decline(call, 'insufficient funds');
    }
    // TIMEOUT: the money moved, but the answer is lost on the way back.
    if (fault === 'TIMEOUT') throw new BankUnavailable('TIMEOUT');
    return { outcome: 'APPLIED', bankReference };
  }

  #movement(
    account: { bankCode: string; accountNumber: string },
    amount: number,
    reference: string,
    description: string,
    at: string,
  ) {
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: `MOVES#${account.bankCode}#${account.accountNumber}`,
          sk: `MOVE#${at}#${reference}#${amount > 0 ? 'C' : 'D'}`,
          amount,
          reference,
          description,
          at,
        },
      },
    };
  }

  async #decline(call: MoneyCall, reason: string): Promise<BankOutcome> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...operationKey(call.idempotencyKey),
            outcome: 'DECLINED',
            reason,
            amount: call.amount,
            at: this.now().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const earlier = await this.status(call.idempotencyKey);
      if (earlier.outcome !== 'NOT_FOUND') return earlier;
    }
    return { outcome: 'DECLINED', reason };
  }

  pull(call: MoneyCall) {
    return this.#move('PULL', call);
  }

  push(call: MoneyCall) {
    return this.#move('PUSH', call);
  }

  async status(idempotencyKey: string): Promise<BankOutcome | { outcome: 'NOT_FOUND' }> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: operationKey(idempotencyKey), ConsistentRead: true }),
    );
    if (!out.Item) return { outcome: 'NOT_FOUND' };
    return out.Item.outcome === 'APPLIED'
      ? { outcome: 'APPLIED', bankReference: out.Item.bankReference as string }
      : { outcome: 'DECLINED', reason: out.Item.reason as string };
  }
}

/** The wallet's view of the sandbox bank: faults become the UNKNOWN a real client would see. */
export class SandboxBankPort implements BankPort {
  constructor(private readonly bank: SandboxBank) {}

  verifyOwner(instrument: { bankCode: string; accountNumber?: string; cardNumber?: string }, holder: AccountHolder) {
    return this.bank.verifyOwner(instrument, holder);
  }

  async #call(run: () => Promise<BankOutcome>): Promise<BankOutcome> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BankUnavailable) return { outcome: 'UNKNOWN', reason: error.message };
      throw error;
    }
  }

  pull(call: MoneyCall) {
    return this.#call(() => this.bank.pull(call));
  }

  push(call: MoneyCall) {
    return this.#call(() => this.bank.push(call));
  }

  status(idempotencyKey: string) {
    return this.bank.status(idempotencyKey);
  }

  async guaranteeBalance() {
    return (await this.bank.guarantee()).balance;
  }
}
