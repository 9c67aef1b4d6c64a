import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantedTableActions, runAs, tableActionsOf, watchTableAccess } from '../../local/table-grants.ts';

// The local runtime's stand-in for IAM on DynamoDB (LOCAL_IAM=enforce): a call is authorized by
// the actions the capability's needs in functions/routes.ts grant, item by item in a transaction.

const env = { WALLET_TABLE_NAME: 'u-wallet', IDEMPOTENCY_TABLE_NAME: 'u-idempotency', AUDIT_TABLE_NAME: 'u-audit' };
const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
let stop: () => void;

beforeAll(() => {
  Object.assign(process.env, env);
  stop = watchTableAccess('enforce');
});
afterAll(() => {
  stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const key = { pk: 'p', sk: 's' };

describe('tableActionsOf', () => {
  it('names the IAM actions of each command, a transaction item by item and a query by its index', () => {
    expect(tableActionsOf(new GetCommand({ TableName: 'u-wallet', Key: key }))).toEqual([['wallet', 'GetItem']]);
    expect(tableActionsOf(new GetItemCommand({ TableName: 'u-idempotency', Key: {} }))).toEqual([
      ['idempotency', 'GetItem'],
    ]);
    expect(
      tableActionsOf(new QueryCommand({ TableName: 'u-wallet', IndexName: 'gsi2', KeyConditionExpression: 'x' })),
    ).toEqual([['wallet/index/gsi2', 'Query']]);
    expect(tableActionsOf(new ScanCommand({ TableName: 'u-wallet' }))).toEqual([['wallet', 'Scan']]);
    expect(
      tableActionsOf(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'u-wallet', Item: key } },
            { Update: { TableName: 'u-wallet', Key: key, UpdateExpression: 'SET a = :a' } },
            { ConditionCheck: { TableName: 'u-wallet', Key: key, ConditionExpression: 'x' } },
            { Delete: { TableName: 'u-wallet', Key: key } },
            { Put: { TableName: 'u-audit', Item: key } },
          ],
        }),
      ),
    ).toEqual([
      ['wallet', 'PutItem'],
      ['wallet', 'UpdateItem'],
      ['wallet', 'ConditionCheckItem'],
      ['wallet', 'DeleteItem'],
      ['audit', 'PutItem'],
    ]);
    expect(tableActionsOf(new BatchGetCommand({ RequestItems: { 'u-wallet': { Keys: [key] } } }))).toEqual([
      ['wallet', 'BatchGetItem'],
    ]);
    expect(
      tableActionsOf(new BatchWriteCommand({ RequestItems: { 'u-wallet': [{ PutRequest: { Item: key } }] } })),
    ).toEqual([['wallet', 'BatchWriteItem']]);
  });
});

describe('LOCAL_IAM=enforce', () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', endpoint: 'http://127.0.0.1:9' }));

  it('refuses what a capability is not granted, as AWS would, before anything is sent', async () => {
    await expect(
      runAs('platform', () => db.send(new GetCommand({ TableName: 'u-wallet', Key: key }))),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(/local-platform .* dynamodb:GetItem on wallet/),
    });
    await expect(
      runAs('safeguardingCheck', () => db.send(new PutCommand({ TableName: 'u-wallet', Item: key }))),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // A read-only function may query gsi1, not the table itself nor another index.
    await expect(
      runAs('settlementSweeper', () =>
        db.send(new QueryCommand({ TableName: 'u-wallet', IndexName: 'gsi2', KeyConditionExpression: 'x' })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // No function may scan; only the watch-list import writes in batches; audit entries never change.
    for (const capability of ['onboarding', 'operations', 'compliance', 'sandbox'] as const) {
      await expect(runAs(capability, () => db.send(new ScanCommand({ TableName: 'u-wallet' })))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
    }
    await expect(
      runAs('transfers', () =>
        db.send(new BatchWriteCommand({ RequestItems: { 'u-wallet': [{ PutRequest: { Item: key } }] } })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      runAs('compliance', () =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: 'u-wallet', Key: key, UpdateExpression: 'SET a = :a' } },
              { Update: { TableName: 'u-audit', Key: key, UpdateExpression: 'SET a = :a' } },
            ],
          }),
        ),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/UpdateItem on audit/) });
  });

  it('lets a granted call through to DynamoDB (here: nothing listens, so the network fails instead)', async () => {
    const sent = runAs('settlementSweeper', () =>
      db.send(new QueryCommand({ TableName: 'u-wallet', IndexName: 'gsi1', KeyConditionExpression: 'x' })),
    );
    await expect(sent).rejects.not.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('grants what functions/routes.ts declares, with the sandbox outbox only where SMS are the sandbox', () => {
    expect(grantedTableActions('settlementSweeper')).toEqual({ wallet: ['GetItem'], 'wallet/index/gsi1': ['Query'] });
    expect(grantedTableActions('idExpiry', false).wallet).not.toContain('PutItem');
    expect(grantedTableActions('idExpiry', true).wallet).toContain('PutItem');
    expect(grantedTableActions('onboarding').idempotency).toEqual(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
  });
});
