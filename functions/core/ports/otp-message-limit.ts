/** Whether one more OTP message may go to a phone number now, and if not, when it may. */
export type OtpMessageAllowance = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * OTP messages per phone number (API.md v1.1 "Limits against abuse"): at most `maxMessages` in any
 * `windowSeconds`. `take` counts the message and decides in one atomic conditional write, so
 * however many registrations for one number arrive at once, at most `maxMessages` are let through.
 */
export interface OtpMessageLimit {
  take(
    phoneNumber: string,
    policy: { maxMessages: number; windowSeconds: number },
    now: Date,
  ): Promise<OtpMessageAllowance>;
}
