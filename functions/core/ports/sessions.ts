/** A signed-in session (RULES.md §4): its device, and when its tokens were last issued. */
export interface Session {
  customerId: string;
  /** The phone number the customer signed in with (the identity provider's user name). */
  phoneNumber: string;
  deviceId: string;
  /** The key the device proved at sign-in, when it is bound: a refresh must prove it again. */
  keyThumbprint?: string;
  issuedAt: string;
  lastIssuedAt: string;
}

/** The wallet's own session registry, keyed by a hash of the refresh token (never the token itself). */
export interface Sessions {
  open(refreshToken: string, session: Session): Promise<void>;
  /** The session and the instant before which the customer's sessions were revoked, if any. */
  find(refreshToken: string): Promise<{ session: Session; revokedBefore?: string } | undefined>;
  /** Records a refresh, conditional on the session being as read: false when it changed meanwhile. */
  refreshed(refreshToken: string, lastIssuedAtRead: string, now: Date): Promise<boolean>;
  end(refreshToken: string): Promise<void>;
  /** Every session of the customer issued before `now` is over. */
  revokeAll(customerId: string, now: Date): Promise<void>;
}
