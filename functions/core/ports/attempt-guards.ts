/** Which factor a guard counts the tries of: a phone's password, a customer's SMS OTP. */
export type GuardedFactor = { factor: 'password'; phoneNumber: string } | { factor: 'otp'; customerId: string };

export interface GuardPolicy {
  /** Wrong entries before the lock-out. */
  maxTries: number;
  lockSeconds: number;
  /**
   * Absent: every try counts as wrong from the moment it is taken until it is judged right, so at
   * most `maxTries` are ever checked before the lock-out (passwords: API.md v1.1). A number: only
   * wrong entries count, and at most this many tries are being checked at once (the SMS OTP,
   * which a customer may rightly enter for several transfers at the same moment).
   */
  judgingAtOnce?: number;
}

export type AttemptOutcome = { ok: true; tryId: string } | { ok: false; lockedUntil: Date };

/**
 * Lock-outs as conditional counters (RULES.md §3, §4; API.md v1.1 "Lock-outs hold under
 * concurrency"): a try is taken before the factor is checked, by one atomic update that counts
 * and decides; however many requests arrive at once, the number checked is bounded.
 */
export interface AttemptGuards {
  take(guard: GuardedFactor, policy: GuardPolicy, now: Date): Promise<AttemptOutcome>;
  /**
   * The factor was checked: right (the count starts again) or wrong (it counts, and may lock).
   * Answers how many wrong entries are left before the lock-out (0 once locked).
   */
  judged(guard: GuardedFactor, tryId: string, right: boolean, policy: GuardPolicy, now: Date): Promise<number>;
  /**
   * The try was taken but the factor was not checked (its challenge had no attempt left): its
   * place among the tries being checked is freed, nothing counted. Strict guards: nothing to do.
   */
  release(guard: GuardedFactor, tryId: string, policy: GuardPolicy): Promise<void>;
}
