import {
  answer,
  createWalletClient,
  newIdempotencyKey,
  type Schemas,
  type WalletClient,
  WalletProblem,
} from '../../clients/typescript/index.ts';
import type { ConsoleConfig } from './config.ts';

export type { Schemas };
export { answer, newIdempotencyKey, WalletProblem };

export type StaffGroup = 'operators' | 'compliance';

export interface StaffSession {
  staffId: string;
  groups: StaffGroup[];
  /** When the access token runs out (ms since the epoch). */
  expiresAt: number;
}

/** config.json beside the console: the API's base URL and the stage's Cognito ids (never built in). */
export async function loadConfig(): Promise<ConsoleConfig> {
  const r = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!r.ok) throw new Error(`config.json: ${r.status}`);
  return (await r.json()) as ConsoleConfig;
}

const claimsOf = (jwt: string): Record<string, unknown> => {
  const part = jwt.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
};

/**
 * The console's link to the wallet API: every call goes through the typed client
 * (clients/typescript). Tokens live in this object only, in memory: never in localStorage or a
 * cookie, so a reload or a closed tab ends the session. The access token (5 minutes) is renewed
 * before a call that needs it; a console left idle longer than the stage's idle limit finds its
 * session over and asks for the password again (RULES.md §4).
 */
export class ConsoleApi {
  readonly wallet: WalletClient;
  #accessToken: string | undefined;
  #refreshToken: string | undefined;
  #session: StaffSession | undefined;
  #renewing: Promise<void> | undefined;

  constructor(
    readonly config: ConsoleConfig,
    private readonly onSessionEnd: () => void,
  ) {
    this.wallet = createWalletClient({
      baseUrl: new URL(config.apiBaseUrl || '/', location.origin).href.replace(/\/$/, ''),
    });
    this.wallet.use({
      onRequest: async ({ request }) => {
        if (!this.#session || new URL(request.url).pathname.includes('/v1/staff/sessions')) return request;
        await this.#fresh();
        request.headers.set('authorization', `Bearer ${this.#accessToken}`);
        return request;
      },
      onResponse: ({ response }) => {
        if (response.status === 401 && this.#session && !new URL(response.url).pathname.includes('/v1/staff/')) {
          this.#end();
        }
        return response;
      },
    });
  }

  get session(): StaffSession | undefined {
    return this.#session;
  }

  async signIn(phoneNumber: string, password: string): Promise<StaffSession> {
    const s = await answer(this.wallet.POST('/v1/staff/sessions', { body: { phoneNumber, password } }));
    // The ID token must come from this stage's pool and app client (config.json).
    const id = claimsOf(s.idToken);
    if (id.iss !== this.config.issuer || id.aud !== this.config.userPoolClientId) {
      throw new Error('The sign-in answered tokens of another user pool.');
    }
    this.#accessToken = s.accessToken;
    this.#refreshToken = s.refreshToken;
    this.#session = { staffId: s.staffId, groups: s.groups, expiresAt: Date.now() + s.expiresIn * 1000 };
    return this.#session;
  }

  async signOut(): Promise<void> {
    const refreshToken = this.#refreshToken;
    this.#end(false);
    if (refreshToken) await this.wallet.POST('/v1/staff/sessions/sign-out', { body: { refreshToken } });
  }

  async #fresh(): Promise<void> {
    if (!this.#session || this.#session.expiresAt - Date.now() > 30_000) return;
    this.#renewing ??= (async () => {
      try {
        const r = await answer(
          this.wallet.POST('/v1/staff/sessions/refresh', { body: { refreshToken: this.#refreshToken ?? '' } }),
        );
        this.#accessToken = r.accessToken;
        if (this.#session) this.#session = { ...this.#session, expiresAt: Date.now() + r.expiresIn * 1000 };
      } catch (error) {
        this.#end();
        throw error;
      } finally {
        this.#renewing = undefined;
      }
    })();
    await this.#renewing;
  }

  #end(tell = true): void {
    this.#accessToken = undefined;
    this.#refreshToken = undefined;
    this.#session = undefined;
    if (tell) this.onSessionEnd();
  }
}

/** A problem's own words for the person at the console: its detail, or its title. */
export function problemText(error: unknown): string {
  if (error instanceof WalletProblem) return `${error.problem.detail ?? error.problem.title} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
