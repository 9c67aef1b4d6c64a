import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../dynamodb/keys.ts';

/**
 * The root key of the key ring, wrapped by the stage's KMS key and kept in the table. The first
 * cold start of the stage creates it (a conditional put decides between racing functions);
 * every later cold start unwraps it once with kms:Decrypt.
 */
export async function kmsRootKey(db: DynamoDBDocumentClient, table: string, kmsKeyId: string): Promise<Uint8Array> {
  const kms = new KMSClient({});
  const key = keys.dataKey();
  const existing = await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  let wrapped = existing.Item?.wrapped as string | undefined;
  if (!wrapped) {
    const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: kmsKeyId, KeySpec: 'AES_256' }));
    const candidate = Buffer.from(generated.CiphertextBlob!).toString('base64');
    try {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...key, wrapped: candidate, kmsKeyId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      wrapped = candidate;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const winner = await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      wrapped = winner.Item?.wrapped as string;
    }
  }
  const plain = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped!, 'base64') }));
  return plain.Plaintext!;
}
