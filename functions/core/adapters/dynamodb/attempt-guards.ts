import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttemptGuards, AttemptOutcome, GuardedFactor, GuardPolicy } from '../../ports/attempt-guards.ts';
import { dynamo, isConditionFailure } from './client.ts';
import { type Key, keys, ttlAfter } from './keys.ts';

const DAY = 24 * 60 * 60;
/** A try not judged within this long (its request died) no longer holds a place. */
const STALE_TRY_MS = 60_000;
/**
 * An OTP try that finds every place taken waits about this long and tries again (a right entry is
 * judged in milliseconds), for at most MAX_TAKE_ROUNDS rounds (~2 s) before answering "busy".
 */
const PLACE_WAIT_MS = 25;
const MAX_TAKE_ROUNDS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const keyOf = (g: GuardedFactor): Key =>
  g.factor === 'password' ? keys.signInGuard(g.phoneNumber) : keys.otpGuard(g.customerId);

type Item = Record<string, unknown>;

/**
 * One item per guarded factor. Strict guards (passwords) count a try as wrong when it is taken
 * (`failures`, with `lastFailureAt`); judged guards (SMS OTP) keep the tries being checked in
 * `judging` (try id → when) and count `wrong` when judged, the lock in `lockedUntil`. Both keep
 * `recentFailures` and `lastFailureAt`, which the risk engine reads (RULES.md §7).
 */
export class DynamoAttemptGuards implements AttemptGuards {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  take(guard: GuardedFactor, policy: GuardPolicy, now: Date): Promise<AttemptOutcome> {
    return policy.judgingAtOnce === undefined
      ? this.#takeStrict(guard, policy, now)
      : this.#takeJudged(guard, policy, now);
  }

  async judged(guard: GuardedFactor, tryId: string, right: boolean, policy: GuardPolicy, now: Date): Promise<number> {
    if (policy.judgingAtOnce === undefined) {
      // The try was counted as wrong when taken: a right one takes it back and starts again.
      if (right)
        await this.#update(guard, {
          set: 'failures = :zero ADD recentFailures :minusOne',
          values: { ':zero': 0, ':minusOne': -1 },
          condition: 'attribute_exists(pk)',
        });
      return policy.maxTries;
    }
    const done = { '#t': tryId };
    if (right) {
      await this.#update(guard, { set: 'wrong = :zero REMOVE judging.#t', names: done, values: { ':zero': 0 } });
      return policy.maxTries;
    }
    const after = await this.#update(guard, {
      set: 'lastFailureAt = :now, #ttl = :ttl REMOVE judging.#t ADD wrong :one, recentFailures :one',
      names: { ...done, '#ttl': 'ttl' },
      values: { ':one': 1, ':now': now.toISOString(), ':ttl': ttlAfter(now, DAY) },
      returnNew: true,
    });
    const wrong = (after?.wrong as number | undefined) ?? 0;
    if (wrong < policy.maxTries) return policy.maxTries - wrong;
    // The wrong entry that reaches the limit locks the factor; the count starts again after it.
    await this.#update(guard, {
      set: 'lockedUntil = :until, wrong = :zero',
      condition: 'wrong >= :max',
      values: {
        ':until': new Date(now.getTime() + policy.lockSeconds * 1000).toISOString(),
        ':zero': 0,
        ':max': policy.maxTries,
      },
    });
    return 0;
  }

  async release(guard: GuardedFactor, tryId: string, policy: GuardPolicy): Promise<void> {
    if (policy.judgingAtOnce === undefined) return;
    await this.#update(guard, { set: 'REMOVE judging.#t', names: { '#t': tryId }, raw: true });
  }

  /** A password try, counted as wrong at once while fewer than `maxTries` are. */
  async #takeStrict(guard: GuardedFactor, policy: GuardPolicy, now: Date): Promise<AttemptOutcome> {
    const lockedSince = new Date(now.getTime() - policy.lockSeconds * 1000).toISOString();
    const counting = 'lastFailureAt = :now, recentFailures = if_not_exists(recentFailures, :zero) + :one, #ttl = :ttl';
    const values = {
      ':zero': 0,
      ':one': 1,
      ':now': now.toISOString(),
      ':ttl': ttlAfter(now, DAY),
      ':max': policy.maxTries,
    };
    const old = await this.#counted(guard, {
      set: `failures = if_not_exists(failures, :zero) + :one, ${counting}`,
      condition: 'attribute_not_exists(failures) OR failures < :max',
      names: { '#ttl': 'ttl' },
      values,
    });
    if (!old) return { ok: true, tryId: randomUUID() };
    const last = old.lastFailureAt as string | undefined;
    if (last && last > lockedSince)
      return { ok: false, lockedUntil: new Date(Date.parse(last) + policy.lockSeconds * 1000) };
    // The lock-out ran out: a new count starts, unless another request started it first.
    const restarted = await this.#counted(guard, {
      set: `failures = :one, ${counting}`,
      condition: 'failures >= :max AND (attribute_not_exists(lastFailureAt) OR lastFailureAt = :last)',
      names: { '#ttl': 'ttl' },
      values: { ...values, ':last': last ?? '' },
    });
    return restarted ? this.#takeStrict(guard, policy, now) : { ok: true, tryId: randomUUID() };
  }

  /**
   * An OTP try: a place among the tries being checked, unless the factor is locked. The places
   * are `maxTries - wrong` (at most `judgingAtOnce`): wrong entries plus tries being checked never
   * pass the limit, so however many arrive at once, at most `maxTries` wrong ones are judged before
   * the lock. The condition pins `wrong` as last seen; a judgement in between makes it fail and
   * the take is tried again with the new count.
   */
  async #takeJudged(
    guard: GuardedFactor,
    policy: GuardPolicy,
    now: Date,
    seen?: Item,
    round = 0,
  ): Promise<AttemptOutcome> {
    const tryId = randomUUID();
    const wrong = (seen?.wrong as number | undefined) ?? 0;
    const places = Math.min(policy.judgingAtOnce ?? policy.maxTries, policy.maxTries - wrong);
    const old = await this.#counted(guard, {
      set: 'judging.#t = :at, #ttl = :ttl',
      condition:
        'attribute_exists(judging) AND wrong = :wrong AND size(judging) < :places AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
      names: { '#t': tryId, '#ttl': 'ttl' },
      values: {
        ':at': now.getTime(),
        ':wrong': wrong,
        ':places': places,
        ':now': now.toISOString(),
        ':ttl': ttlAfter(now, DAY),
      },
    });
    if (!old) return { ok: true, tryId };
    const lockedUntil = old.lockedUntil as string | undefined;
    if (lockedUntil && lockedUntil > now.toISOString()) return { ok: false, lockedUntil: new Date(lockedUntil) };
    if (round >= MAX_TAKE_ROUNDS) return { ok: false, lockedUntil: new Date(now.getTime() + 1000) }; // busy: retry shortly
    if (!old.judging) {
      await this.#update(guard, {
        set: 'judging = if_not_exists(judging, :empty), wrong = if_not_exists(wrong, :zero)',
        values: { ':empty': {}, ':zero': 0 },
      });
    } else if (old.wrong === wrong) {
      // The count was right, so every place was taken: free those whose request died.
      const stale = Object.entries(old.judging as Record<string, number>).filter(
        ([, at]) => at < now.getTime() - STALE_TRY_MS,
      );
      // Every place is being checked: wait for one (a right entry frees it in milliseconds).
      if (!stale.length) await sleep(PLACE_WAIT_MS + Math.random() * PLACE_WAIT_MS);
      else {
        const names = Object.fromEntries(stale.map(([id], i) => [`#s${i}`, id]));
        await this.#update(guard, {
          set: `REMOVE ${Object.keys(names)
            .map((n) => `judging.${n}`)
            .join(', ')}`,
          names,
          raw: true,
        });
      }
    }
    return this.#takeJudged(guard, policy, now, old, round + 1);
  }

  /** A counting update: undefined when it counted, else the item as it was (its condition failed). */
  async #counted(
    guard: GuardedFactor,
    u: { set: string; condition: string; names?: Record<string, string>; values: Record<string, unknown> },
  ): Promise<Item | undefined> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(guard),
          UpdateExpression: `SET ${u.set}`,
          ConditionExpression: u.condition,
          ...(u.names ? { ExpressionAttributeNames: u.names } : {}),
          ExpressionAttributeValues: u.values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The document client leaves the item of a failed condition in DynamoDB's own format.
      const item = (error as { Item?: Record<string, AttributeValue> }).Item;
      return item ? unmarshall(item) : {};
    }
  }

  /** A plain update (a condition that fails is nobody's error here); the new values when asked. */
  async #update(
    guard: GuardedFactor,
    u: {
      set: string;
      condition?: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
      returnNew?: boolean;
      raw?: boolean;
    },
  ): Promise<Item | undefined> {
    const input: UpdateCommandInput = {
      TableName: this.table,
      Key: keyOf(guard),
      UpdateExpression: u.raw ? u.set : `SET ${u.set}`,
      ...(u.condition ? { ConditionExpression: u.condition } : {}),
      ...(u.names ? { ExpressionAttributeNames: u.names } : {}),
      ...(u.values ? { ExpressionAttributeValues: u.values } : {}),
      ...(u.returnNew ? { ReturnValues: 'ALL_NEW' as const } : {}),
    };
    try {
      return (await this.#db.send(new UpdateCommand(input))).Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
