import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let documentClient: DynamoDBDocumentClient | undefined;

/** One client per process. The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB locally. */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 4 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' && /ConditionalCheckFailed/.test(error.message)));

/** Runs a conditional write: false when its condition did not hold, any other failure thrown. */
export async function conditionHolds(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

type BatchRequest = Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }>;

/**
 * Strongly consistent BatchGetItem of up to 100 keys of one table, by `pk|sk`; keys DynamoDB
 * leaves unprocessed (throttling) are asked again with backoff.
 */
export async function batchGet(
  table: string,
  wanted: readonly { pk: string; sk: string }[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(wanted.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  if (unique.length > 100) throw new Error(`BatchGetItem takes 100 keys, not ${unique.length}`);
  let request: BatchRequest | undefined = unique.length
    ? { [table]: { Keys: unique, ConsistentRead: true } }
    : undefined;
  for (let attempt = 0; request; attempt++) {
    if (attempt === 5) throw new Error('BatchGetItem kept leaving keys unprocessed');
    const out = await dynamo().send(new BatchGetCommand({ RequestItems: request }));
    for (const item of out.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
    const left = out.UnprocessedKeys?.[table]?.Keys;
    request = left?.length ? { [table]: { Keys: left, ConsistentRead: true } } : undefined;
    if (request) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
  }
  return found;
}
