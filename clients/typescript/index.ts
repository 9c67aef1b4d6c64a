// A typed client of the wallet's HTTP API: the types are generated from docs/openapi.json by
// openapi-typescript (schema.ts, `npm run openapi`), the calls go through openapi-fetch. Nothing
// here needs Node: it runs in a browser bundle, a React Native app or Node 22+ alike.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };

/** Every named schema of the document: `Schemas['Transfer']`… */
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Transfer = Schemas['Transfer'];
export type Wallet = Schemas['Wallet'];
export type BankLink = Schemas['BankLink'];
export type StatementEntry = Schemas['StatementEntry'];
export type Authentication = Schemas['Authentication'];
export type Me = Schemas['Me'];
export type Session = Schemas['Session'];

export interface WalletClientOptions {
  /** The API's base URL, stage path included: `http://127.0.0.1:3000` for `npm start`. */
  baseUrl: string;
  /** This install's id: sent as `X-Device-Id` (customers' calls need it; device trust applies to it). */
  deviceId?: string;
  /** `<platform>/<semver>`, sent as `X-App-Version` (API.md v1.1 "App version"). */
  appVersion?: string;
  /**
   * A DPoP proof (RFC 9449) for each request, from a device bound to a key: sign it with the key
   * the app keeps (WebCrypto, the secure enclave). `htu` is the request's URL without its query.
   */
  dpop?: (request: { method: string; htu: string; accessToken?: string }) => Promise<string | undefined>;
  /** A fetch of your own (tests, retries, tracing); globalThis.fetch by default. */
  fetch?: (input: Request) => Promise<Response>;
}

/** openapi-fetch's client for the wallet's paths, and the session it signs calls with. */
export interface WalletClient extends Client<paths> {
  /** Calls from now on carry `Authorization: Bearer <accessToken>` (undefined: none). */
  useAccessToken(accessToken: string | undefined): void;
}

export function createWalletClient(options: WalletClientOptions): WalletClient {
  let accessToken: string | undefined;
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const headers: Middleware = {
    async onRequest({ request }) {
      const set = (name: string, value: string | undefined) => {
        if (value !== undefined && !request.headers.has(name)) request.headers.set(name, value);
      };
      set('authorization', accessToken ? `Bearer ${accessToken}` : undefined);
      set('x-device-id', options.deviceId);
      set('x-app-version', options.appVersion);
      if (options.dpop) {
        const htu = request.url.split('?')[0]!;
        set('dpop', await options.dpop({ method: request.method, htu, ...(accessToken ? { accessToken } : {}) }));
      }
      return request;
    },
  };
  client.use(headers);
  return Object.assign(client, {
    useAccessToken(token: string | undefined) {
      accessToken = token;
    },
  });
}

/** A problem the API answered (RFC 9457): `code` is what to branch on. */
export class WalletProblem extends Error {
  override readonly name = 'WalletProblem';
  readonly code: string;
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.code = problem.code;
  }
}

/**
 * The body of a successful answer, or a thrown `WalletProblem`:
 * `const transfer = await answer(wallet.POST('/v1/transfers', { … }))` is typed as the Transfer.
 */
export async function answer<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<NonNullable<R['data']>> {
  const result = await call;
  if (result.error !== undefined || !result.response.ok) {
    const problem = (result.error ?? {
      type: '/problems/internal-error',
      title: result.response.statusText,
      status: result.response.status,
      code: 'internal-error',
    }) as Problem;
    throw new WalletProblem(result.response.status, problem);
  }
  return result.data as NonNullable<R['data']>;
}

/** A fresh `Idempotency-Key`: keep it to retry the same request, never reuse it for another. */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();
