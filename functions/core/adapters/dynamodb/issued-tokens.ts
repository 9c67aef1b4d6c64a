import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tokenClaims } from '../../domain/staff.ts';
import type { IssuedTokens } from '../../ports/issued-tokens.ts';
import { dynamo } from './client.ts';
import { keys } from './keys.ts';

/** Tokens known to be issued, in this process: a `jti` once issued stays so (bounded, expired ones dropped). */
const MAX_REMEMBERED = 10_000;

/**
 * One item per access token the wallet obtained (`TOKEN#<jti>`, TTL at its expiry). A check reads
 * it once per token and process: a token seen issued stays issued, so later requests with it cost
 * no read.
 */
export class DynamoIssuedTokens implements IssuedTokens {
  readonly #db = dynamo();
  readonly #known = new Map<string, number>();
  constructor(private readonly table: string) {}

  async record(accessToken: string): Promise<void> {
    const claims = tokenClaims(accessToken);
    const jti = claims?.jti;
    const exp = claims?.exp;
    if (typeof jti !== 'string' || typeof exp !== 'number') throw new Error('an access token without jti or exp');
    await this.#db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.issuedToken(jti), subject: claims?.sub, ttl: exp + 60 },
      }),
    );
  }

  async wasIssued(jti: string): Promise<boolean> {
    const now = Date.now() / 1000;
    const known = this.#known.get(jti);
    if (known !== undefined && known > now) return true;
    const out = await this.#db.send(
      new GetCommand({ TableName: this.table, Key: keys.issuedToken(jti), ConsistentRead: true }),
    );
    const ttl = out.Item?.ttl as number | undefined;
    if (!ttl || ttl <= now) return false;
    this.#remember(jti, ttl, now);
    return true;
  }

  #remember(jti: string, until: number, now: number): void {
    if (this.#known.size >= MAX_REMEMBERED) {
      for (const [id, at] of this.#known) if (at <= now) this.#known.delete(id);
      if (this.#known.size >= MAX_REMEMBERED) this.#known.clear();
    }
    this.#known.set(jti, until);
  }
}
