import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OtpMessageAllowance, OtpMessageLimit } from '../../ports/otp-message-limit.ts';
import { dynamo, isConditionFailure } from './client.ts';
import { keys } from './keys.ts';

/**
 * One item per phone number with one slot per message the window allows (`sent0`, `sent1`…), each
 * holding when a message was sent. A message takes a slot that is empty or older than the window,
 * by one conditional update: the condition is the decision, so concurrent requests cannot take
 * the same slot. When the slot tried was taken, the item as it was (returned by the failed
 * condition, no read) names another free slot, or says when the oldest message leaves the window.
 * A sliding window: never more than `maxMessages` in any `windowSeconds`. TTL removes idle items.
 */
export class DynamoOtpMessageLimit implements OtpMessageLimit {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async take(
    phoneNumber: string,
    policy: { maxMessages: number; windowSeconds: number },
    now: Date,
  ): Promise<OtpMessageAllowance> {
    const windowMs = policy.windowSeconds * 1000;
    const floor = new Date(now.getTime() - windowMs).toISOString();
    let slot = 0;
    // Each failed try means the slot tried holds a message inside the window: after at most one
    // try per slot (and the first guess) the item shows a free slot or none.
    for (let tries = 0; tries <= policy.maxMessages + 1; tries++) {
      const taken = await this.#claim(phoneNumber, slot, now, floor, policy.windowSeconds);
      if (!taken) return { ok: true };
      const sent = Array.from({ length: policy.maxMessages }, (_, i) => taken[`sent${i}`] as string | undefined);
      const free = sent.findIndex((at) => at === undefined || at <= floor);
      if (free < 0) {
        const oldest = Math.min(...sent.map((at) => Date.parse(at!)));
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000)) };
      }
      slot = free;
    }
    return { ok: false, retryAfterSeconds: 1 };
  }

  /** Takes slot `slot`; undefined when taken, else the item as it was when the condition failed. */
  async #claim(
    phoneNumber: string,
    slot: number,
    now: Date,
    floor: string,
    windowSeconds: number,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.otpMessages(phoneNumber),
          UpdateExpression: 'SET #slot = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#slot) OR #slot <= :floor',
          ExpressionAttributeNames: { '#slot': `sent${slot}`, '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':floor': floor,
            ':ttl': Math.ceil(now.getTime() / 1000) + windowSeconds + 60,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The document client does not translate an error's item: it comes in the wire format.
      const item = (error as { Item?: Record<string, AttributeValue> }).Item;
      return item ? unmarshall(item) : {};
    }
  }
}
