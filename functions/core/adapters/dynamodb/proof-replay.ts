import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProofReplayGuard } from '../../ports/proof-replay.ts';
import { conditionHolds, dynamo } from './client.ts';
import { keys } from './keys.ts';

/** One conditional put per proof: the second use of a `jti` fails its condition. TTL cleans up. */
export class DynamoProofReplayGuard implements ProofReplayGuard {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  remember(jti: string, until: Date): Promise<boolean> {
    return conditionHolds(
      this.#db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.proof(jti), ttl: Math.ceil(until.getTime() / 1000) + 60 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
