import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RiskProfile } from '../../domain/risk/profile.ts';
import type { RiskProfiles } from '../../ports/risk-profiles.ts';
import { batchGet, conditionHolds, dynamo } from './client.ts';
import { keys } from './keys.ts';

/** Profiles live beside their wallet (`WALLET#<id>` / `RISK`) and are replaced whole, conditionally. */
export class DynamoRiskProfiles implements RiskProfiles {
  readonly #db = dynamo();
  constructor(private readonly table: string) {}

  async load(walletIds: string[]): Promise<Record<string, RiskProfile | undefined>> {
    const ids = [...new Set(walletIds)];
    const found: Record<string, RiskProfile | undefined> = {};
    for (let i = 0; i < ids.length; i += 100) {
      const items = await batchGet(
        this.table,
        ids.slice(i, i + 100).map((id) => keys.riskProfile(id)),
      );
      for (const { pk, sk: _sk, ...profile } of items.values()) {
        // A profile written before versions were kept has none: version 0.
        found[String(pk).slice('WALLET#'.length)] = { appliedVersion: 0, ...profile } as RiskProfile;
      }
    }
    return found;
  }

  save(walletId: string, profile: RiskProfile, readVersion: number | undefined): Promise<boolean> {
    const condition =
      readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            // A profile written before versions were kept has none: version 0.
            ConditionExpression:
              readVersion === 0 ? 'attribute_not_exists(appliedVersion) OR appliedVersion = :v' : 'appliedVersion = :v',
            ExpressionAttributeValues: { ':v': readVersion },
          };
    return conditionHolds(
      this.#db.send(
        new PutCommand({ TableName: this.table, Item: { ...keys.riskProfile(walletId), ...profile }, ...condition }),
      ),
    );
  }
}
