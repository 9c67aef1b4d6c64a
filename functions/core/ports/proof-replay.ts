/** RFC 9449: a DPoP proof's `jti` is accepted once. */
export interface ProofReplayGuard {
  /** Records the `jti` until `until`; false when it was seen before (a replayed proof). */
  remember(jti: string, until: Date): Promise<boolean>;
}
