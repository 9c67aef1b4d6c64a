import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { businessDay } from '../../domain/calendar.ts';
import type {
  CreditTransfer,
  IncomingCredit,
  NameInquiryResult,
  SettlementLine,
  SwitchAccount,
  SwitchOutcome,
  SwitchPort,
} from '../../ports/switch.ts';
import { dynamo, isConditionFailure } from '../dynamodb/client.ts';
import { signSwitchMessage, switchSignatureHeader } from '../switch/signature.ts';
import { accountKey as bankAccountKey, sandboxGuaranteeAccount } from './sandbox-bank.ts';

// A NAPAS-like switch for local use and sandbox stages (API.md "Sandbox switch"): accounts at other
// banks and other providers' wallets with holders and balances, their movements, credit transfers
// idempotent by reference, injected faults for the next N credit transfers, incoming credits
// delivered to the wallet as signed messages over HTTP (as a real switch would), and a settlement
// report per business day (Asia/Ho_Chi_Minh) built from what it actually moved. Its books live in
// the sandbox bank's table, under keys of their own.

export type SwitchFaultMode = 'NONE' | 'TIMEOUT' | 'DECLINE' | 'ERROR';

/** The path of the wallet's switch endpoint (functions/routes.ts), where incoming credits arrive. */
export const switchCreditsPath = '/switch/v1/credits';

const accountKey = (a: SwitchAccount) => ({ pk: `SWACCT#${a.institutionCode}#${a.number}`, sk: 'ACCOUNT' });
const movesKey = (a: SwitchAccount) => `SWMOVES#${a.institutionCode}#${a.number}`;
const operationKey = (reference: string) => ({ pk: `SWOP#${reference}`, sk: 'OP' });
const dayKey = (day: string) => `SWDAY#${day}`;
const faultsKey = (number?: string) => ({ pk: number ? `SWFAULTS#${number}` : 'SWFAULTS', sk: 'FAULTS' });

/** Thrown where a real switch would time out or answer 5xx: the caller cannot know what happened. */
export class SwitchUnavailable extends Error {
  constructor(readonly mode: 'TIMEOUT' | 'ERROR') {
    super(mode === 'TIMEOUT' ? 'the switch did not answer in time' : 'the switch answered 5xx');
    this.name = 'SwitchUnavailable';
  }
}

export interface SandboxSwitchAccount extends SwitchAccount {
  holderName: string;
}

export class SandboxSwitch {
  readonly #db = dynamo();
  constructor(
    private readonly table: string,
    private readonly now: () => Date,
  ) {}

  async openAccount(a: SandboxSwitchAccount): Promise<void> {
    await this.#db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: accountKey(a),
        UpdateExpression:
          'SET holderName = :name, institutionCode = :inst, #n = :number, balance = if_not_exists(balance, :zero)',
        ExpressionAttributeNames: { '#n': 'number' },
        ExpressionAttributeValues: {
          ':name': a.holderName,
          ':inst': a.institutionCode,
          ':number': a.number,
          ':zero': 0,
        },
      }),
    );
  }

  async account(a: SwitchAccount) {
    const [out, moves] = await Promise.all([
      this.#db.send(new GetCommand({ TableName: this.table, Key: accountKey(a), ConsistentRead: true })),
      this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': movesKey(a) },
          ScanIndexForward: false,
          ConsistentRead: true,
        }),
      ),
    ]);
    if (!out.Item) return undefined;
    return {
      holderName: out.Item.holderName as string,
      balance: out.Item.balance as number,
      movements: (moves.Items ?? []).map(({ reference, amount, at }) => ({ reference, amount, at })),
    };
  }

  async setFaults(mode: SwitchFaultMode, count: number, number?: string): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...faultsKey(number), mode, remaining: mode === 'NONE' ? 0 : count },
      }),
    );
  }

  /** Takes one injected fault (scoped to the account first), atomically: parallel calls never share one. */
  async #takeFault(number: string): Promise<SwitchFaultMode> {
    for (const key of [faultsKey(number), faultsKey()]) {
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
        return (out.Attributes?.mode as SwitchFaultMode) ?? 'NONE';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return 'NONE';
  }

  async nameInquiry(a: SwitchAccount): Promise<NameInquiryResult> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: accountKey(a), ConsistentRead: true }),
    );
    return out.Item ? { found: true, holderName: out.Item.holderName as string } : { found: false };
  }

  async status(reference: string) {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: operationKey(reference), ConsistentRead: true }),
    );
    if (!out.Item) return { outcome: 'NOT_FOUND' as const };
    return out.Item.outcome === 'APPLIED'
      ? { outcome: 'APPLIED' as const, settlementDate: out.Item.settlementDate as string }
      : { outcome: 'DECLINED' as const, reason: out.Item.reason as string };
  }

  /** A credit transfer: at most once per reference; `TIMEOUT` moves the money and loses the answer. */
  async sendCredit(call: CreditTransfer): Promise<Exclude<SwitchOutcome, { outcome: 'UNKNOWN' }>> {
    const earlier = await this.status(call.reference);
    if (earlier.outcome !== 'NOT_FOUND') return earlier;
    const fault = await this.#takeFault(call.to.number);
    if (fault === 'ERROR') throw new SwitchUnavailable('ERROR');
    if (fault === 'DECLINE') return this.#decline(call, 'declined by the payee institution');
    const exists = await this.nameInquiry(call.to);
    if (!exists.found) return this.#decline(call, 'no such account');
    const at = this.now();
    const settlementDate = businessDay(at);
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...operationKey(call.reference),
                  outcome: 'APPLIED',
                  settlementDate,
                  amount: call.amount,
                  // Circular 41/2025: what the payee's institution is told about the sender.
                  sender: call.sender,
                  at: at.toISOString(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: accountKey(call.to),
                UpdateExpression: 'SET balance = balance + :amount',
                ExpressionAttributeValues: { ':amount': call.amount },
              },
            },
            this.#movement(call.to, call.amount, call.reference, at),
            this.#line(settlementDate, { reference: call.reference, direction: 'OUT', amount: call.amount }),
            // The provider's settlement bank pays the switch out of the guarantee account as it goes.
            this.#guarantee(-call.amount),
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const raced = await this.status(call.reference);
      if (raced.outcome !== 'NOT_FOUND') return raced;
      throw error;
    }
    if (fault === 'TIMEOUT') throw new SwitchUnavailable('TIMEOUT');
    return { outcome: 'APPLIED', settlementDate };
  }

  async #decline(call: CreditTransfer, reason: string) {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...operationKey(call.reference), outcome: 'DECLINED', reason, amount: call.amount },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const earlier = await this.status(call.reference);
      if (earlier.outcome !== 'NOT_FOUND') return earlier;
    }
    return { outcome: 'DECLINED' as const, reason };
  }

  #movement(a: SwitchAccount, amount: number, reference: string, at: Date) {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: movesKey(a), sk: `MOVE#${at.toISOString()}#${reference}`, reference, amount, at: at.toISOString() },
      },
    };
  }

  #line(day: string, line: SettlementLine) {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: dayKey(day), sk: `${line.direction}#${line.reference}`, ...line },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Adds a line the wallet never saw (a test plants a mismatch for the reconciliation to find). */
  async plantLine(day: string, line: SettlementLine): Promise<void> {
    await this.#db.send(new TransactWriteCommand({ TransactItems: [this.#line(day, line)] }));
  }

  async settlementReport(day: string): Promise<SettlementLine[]> {
    const lines: SettlementLine[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': dayKey(day) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? [])
        lines.push({
          reference: i.reference as string,
          direction: i.direction as 'OUT' | 'IN',
          amount: i.amount as number,
        });
      start = out.LastEvaluatedKey;
    } while (start);
    return lines;
  }

  /** An update of the provider's guarantee account at the sandbox bank (the same table). */
  #guarantee(amount: number) {
    return {
      Update: {
        TableName: this.table,
        Key: bankAccountKey(sandboxGuaranteeAccount.bankCode, sandboxGuaranteeAccount.accountNumber),
        UpdateExpression: 'SET balance = if_not_exists(balance, :zero) + :amount',
        ExpressionAttributeValues: { ':amount': amount, ':zero': 0 },
      },
    };
  }

  /** An incoming credit's money into the guarantee account, once per reference: true when it came now. */
  async #receive(reference: string, amount: number, at: Date): Promise<boolean> {
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: `SWIN#${reference}`, sk: 'IN' },
                UpdateExpression: 'SET held = :yes, amount = :amount, #at = :at',
                ConditionExpression: 'attribute_not_exists(pk) OR held = :no',
                ExpressionAttributeNames: { '#at': 'at' },
                ExpressionAttributeValues: { ':yes': true, ':no': false, ':amount': amount, ':at': at.toISOString() },
              },
            },
            this.#guarantee(amount),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /** A returned credit's money back to the sender: out of the guarantee account, the reference free again. */
  async #giveBack(reference: string, amount: number): Promise<void> {
    await this.#db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: { pk: `SWIN#${reference}`, sk: 'IN' },
              UpdateExpression: 'SET held = :no',
              ConditionExpression: 'held = :yes',
              ExpressionAttributeValues: { ':yes': true, ':no': false },
            },
          },
          this.#guarantee(-amount),
        ],
      }),
    );
  }

  /**
   * An incoming credit (API.md `POST /sandbox/switch/credits`): signed and POSTed to the wallet's
   * switch endpoint at `baseUrl`, as the real switch would. Money the wallet credits is moved at the
   * switch (the sender's account, if it has one here, is debited) and reported for that day.
   */
  async deliverCredit(
    baseUrl: string,
    secret: string,
    c: Omit<IncomingCredit, 'settlementDate'>,
  ): Promise<{ status: 'CREDITED' | 'RETURNED'; reason?: string }> {
    const at = this.now();
    const settlementDate = businessDay(at);
    // The money reaches the provider's guarantee account before the wallet is told (once per
    // reference); it goes back to the sender if the wallet returns the credit.
    const received = await this.#receive(c.reference, c.amount, at);
    const body = JSON.stringify({ ...c, settlementDate });
    const res = await fetch(`${baseUrl}${switchCreditsPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [switchSignatureHeader]: signSwitchMessage(secret, body, new Date()),
      },
      body,
    });
    const answer = (await res.json().catch(() => ({}))) as { status?: string; reason?: string };
    if (res.status !== 200 || (answer.status !== 'CREDITED' && answer.status !== 'RETURNED'))
      throw new Error(`the wallet answered the switch ${res.status}`);
    if (answer.status === 'RETURNED') {
      if (received) await this.#giveBack(c.reference, c.amount);
      return { status: 'RETURNED', ...(answer.reason ? { reason: answer.reason } : {}) };
    }
    const from = { institutionCode: c.fromInstitutionCode, number: c.fromAccountNumber };
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.#line(settlementDate, { reference: c.reference, direction: 'IN', amount: c.amount }),
            this.#movement(from, -c.amount, c.reference, at),
          ],
        }),
      );
    } catch (error) {
      // The same reference delivered again: the wallet answered from its first credit; nothing moves twice.
      if (!isConditionFailure(error)) throw error;
    }
    return { status: 'CREDITED' };
  }
}

/** The wallet's view of the sandbox switch: faults become the UNKNOWN a real client would see. */
export class SandboxSwitchPort implements SwitchPort {
  constructor(private readonly sandbox: SandboxSwitch) {}

  nameInquiry(account: SwitchAccount) {
    return this.sandbox.nameInquiry(account);
  }

  async sendCredit(transfer: CreditTransfer): Promise<SwitchOutcome> {
    try {
      return await this.sandbox.sendCredit(transfer);
    } catch (error) {
      if (error instanceof SwitchUnavailable) return { outcome: 'UNKNOWN', reason: error.message };
      throw error;
    }
  }

  status(reference: string) {
    return this.sandbox.status(reference);
  }

  settlementReport(date: string) {
    return this.sandbox.settlementReport(date);
  }
}
