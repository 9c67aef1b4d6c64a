// The local engines, as started by test/support/engines.global.ts, behave like the cloud parts the
// handlers rely on. Every client below is built with no endpoint or region: they come from the
// environment the bootstrap returned (AWS_ENDPOINT_URL_*, AWS_REGION), as in a handler.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  environmentVariables,
  idempotencyTable,
  settlementQueue,
  userPool,
  walletTable,
} from '../../functions/resources.ts';
import { createQueue } from '../../local/bootstrap.ts';

const env = inject('engineEnv');
const must = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} missing from the engine environment`);
  return value;
};

const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});
const cognito = new CognitoIdentityProviderClient({});

afterAll(() => {
  dynamodb.destroy();
  sqs.destroy();
  cognito.destroy();
});

describe('environment', () => {
  it('is in process.env and names every resource', () => {
    for (const name of Object.values(environmentVariables)) expect(process.env[name], name).toBe(env[name]);
    expect(env[environmentVariables.stage]).toBe('local');
    expect(env[environmentVariables.sandbox]).toBe('true');
    for (const name of [
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_SQS',
      'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
    ]) {
      expect(must(name)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('makes SDK clients built with no options use the local endpoints', async () => {
    const endpoint = await dynamodb.config.endpoint?.();
    // The service-specific variable is resolved per request, not into config.endpoint.
    expect(endpoint).toBeUndefined();
    expect(await dynamodb.config.region()).toBe('ap-southeast-1');
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: must(environmentVariables.walletTable) }));
    expect(table.Table?.TableStatus).toBe('ACTIVE');
  });
});

describe('DynamoDB Local', () => {
  const TableName = (): string => must(environmentVariables.walletTable);

  it('has the tables from resources.ts, with GSIs projecting ALL and TTL enabled', async () => {
    for (const [table, variable] of [
      [walletTable, environmentVariables.walletTable],
      [idempotencyTable, environmentVariables.idempotencyTable],
    ] as const) {
      const name = must(variable);
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: table.partitionKey.name, KeyType: 'HASH' });
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = Table?.GlobalSecondaryIndexes ?? [];
      expect(indexes.map((index) => index.IndexName)).toEqual(
        table.globalSecondaryIndexes.map((index) => index.indexName),
      );
      for (const index of indexes) expect(index.Projection?.ProjectionType).toBe('ALL');
      const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: table.timeToLiveAttribute,
      });
    }
  });

  it('runs a conditional TransactWriteItems once, then cancels it with ConditionalCheckFailed', async () => {
    const pk = walletTable.partitionKey.name;
    const sk = walletTable.sortKey.name;
    const id = `TEST#${crypto.randomUUID()}`;
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: TableName(),
            Item: { [pk]: { S: id }, [sk]: { S: 'A' }, balance: { N: '100' } },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': pk },
          },
        },
        {
          Put: {
            TableName: TableName(),
            Item: { [pk]: { S: id }, [sk]: { S: 'B' }, balance: { N: '0' } },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': pk },
          },
        },
      ],
    });
    await dynamodb.send(transaction);

    const error = await dynamodb.send(transaction).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'ConditionalCheckFailed']);
  });
});

describe('fauxqs (SQS)', () => {
  const queueUrl = (): string => must(environmentVariables.settlementQueueUrl);
  const dlqUrl = (): string => must('SETTLEMENT_DLQ_URL');

  it('has the settlement queue with the settings from resources.ts and a redrive policy to its DLQ', async () => {
    expect(queueUrl()).toBe(`${must('AWS_ENDPOINT_URL_SQS')}/000000000000/${settlementQueue.name}`);
    const [{ Attributes: queue }, { Attributes: dlq }] = await Promise.all([
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl(), AttributeNames: ['All'] })),
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl(), AttributeNames: ['QueueArn'] })),
    ]);
    expect(queue?.VisibilityTimeout).toBe(String(settlementQueue.visibilityTimeoutSeconds));
    expect(JSON.parse(queue?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq?.QueueArn,
      maxReceiveCount: String(settlementQueue.maxReceiveCount),
    });
    expect(dlq?.QueueArn).toMatch(new RegExp(`:${settlementQueue.name}-dlq$`));
  });

  // The message tests use a queue of their own, built from the same definition: other suites
  // send to the settlement queue at the same time.
  let own: { url: string; dlqUrl: string } | undefined;
  const ownQueue = () => own!.url;
  const ownDlq = () => own!.dlqUrl;
  beforeAll(async () => {
    own = await createQueue(sqs, { ...settlementQueue, name: `engines-test-${crypto.randomUUID().slice(0, 8)}` });
  });

  it('sends, receives and deletes a message', async () => {
    const body = JSON.stringify({ test: crypto.randomUUID() });
    await sqs.send(new SendMessageCommand({ QueueUrl: ownQueue(), MessageBody: body }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: ownQueue(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const message = received.Messages?.find((candidate) => candidate.Body === body);
    expect(message).toBeDefined();
    await sqs.send(new DeleteMessageCommand({ QueueUrl: ownQueue(), ReceiptHandle: message!.ReceiptHandle! }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ownQueue(), VisibilityTimeout: 0 }));
    expect(again.Messages?.find((candidate) => candidate.Body === body)).toBeUndefined();
  });

  it(`moves a message received ${settlementQueue.maxReceiveCount} times without delete to the DLQ`, async () => {
    const body = JSON.stringify({ poison: crypto.randomUUID() });
    await sqs.send(new SendMessageCommand({ QueueUrl: ownQueue(), MessageBody: body }));
    const counts: string[] = [];
    // VisibilityTimeout=0 makes the message visible again at once, as if the consumer had failed.
    for (let attempt = 0; attempt < settlementQueue.maxReceiveCount; attempt++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: ownQueue(),
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const message = Messages?.find((candidate) => candidate.Body === body);
      expect(message, `receive #${attempt + 1}`).toBeDefined();
      counts.push(message!.Attributes!.ApproximateReceiveCount!);
    }
    expect(counts).toEqual(Array.from({ length: settlementQueue.maxReceiveCount }, (_, index) => String(index + 1)));

    // The next receive finds it over maxReceiveCount and moves it to the DLQ instead of delivering it.
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ownQueue(), VisibilityTimeout: 0 }));
    expect(after.Messages?.find((candidate) => candidate.Body === body)).toBeUndefined();
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: ownDlq(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const moved = dead.Messages?.find((candidate) => candidate.Body === body);
    expect(moved).toBeDefined();
    await sqs.send(new DeleteMessageCommand({ QueueUrl: ownDlq(), ReceiptHandle: moved!.ReceiptHandle! }));
  });
});

describe('cognito-local', () => {
  it('signs in an E.164 phone user with USER_PASSWORD_AUTH and issues tokens verifiable with the JWKS', async () => {
    const UserPoolId = must(environmentVariables.userPoolId);
    const clientId = must(environmentVariables.userPoolClientId);
    const phone = `+8490${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const password = 'Local-Passw0rd!';

    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: phone,
        UserAttributes: [
          { Name: 'phone_number', Value: phone },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId, Username: phone, Password: password, Permanent: true }),
    );
    const [group] = userPool.groups;
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: phone, GroupName: group }));

    const { AuthenticationResult: tokens } = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: phone, PASSWORD: password },
      }),
    );
    expect(tokens?.AccessToken).toBeDefined();
    expect(tokens?.IdToken).toBeDefined();

    const issuer = must('COGNITO_ISSUER');
    expect(issuer).toBe(`${must('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER')}/${UserPoolId}`);
    const jwks = createRemoteJWKSet(new URL(must('COGNITO_JWKS_URL')));

    const access = await jwtVerify(tokens!.AccessToken!, jwks, { issuer, algorithms: ['RS256'] });
    expect(access.payload.iss).toBe(issuer);
    expect(access.payload.token_use).toBe('access');
    expect(access.payload.client_id).toBe(clientId);
    expect(access.payload['cognito:groups']).toEqual([group]);
    // Divergence from AWS: with phone_number as username attribute, Cognito gives the user a
    // generated UUID username (the `username` claim); cognito-local keeps the phone number. `sub`
    // is the stable user id in both.
    expect(access.payload.username).toBe(phone);
    expect(access.payload.sub).toMatch(/^[0-9a-f-]{36}$/);

    const id = await jwtVerify(tokens!.IdToken!, jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
    expect(id.payload.token_use).toBe('id');
  });
});

describe('binding', () => {
  it('has every engine listening on 127.0.0.1 only', (context) => {
    const ports = [
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_SQS',
      'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
    ].map((name) => Number(new URL(must(name)).port));
    const listeners = listeningSockets();
    if (!listeners) {
      context.skip('neither `ss` nor /proc/net/tcp is available: cannot inspect listening sockets on this OS');
      return;
    }
    for (const port of ports) {
      const addresses = listeners.filter((socket) => socket.port === port).map((socket) => socket.address);
      expect(addresses.length, `a listener on port ${port}`).toBeGreaterThan(0);
      for (const address of addresses) expect(['127.0.0.1', '::ffff:127.0.0.1'], `port ${port}`).toContain(address);
    }
  });
});

interface Listener {
  readonly address: string;
  readonly port: number;
}

/** Listening TCP sockets from `ss -ltnH`, else /proc/net/tcp{,6}; undefined if neither exists. */
function listeningSockets(): Listener[] | undefined {
  try {
    const output = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
    return output
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        // State Recv-Q Send-Q Local:Port Peer:Port ...; Local is `127.0.0.1:80`, `[::]:80`, `*:80`.
        const local = line.trim().split(/\s+/)[3] ?? '';
        const separator = local.lastIndexOf(':');
        return {
          address: local
            .slice(0, separator)
            .replace(/^\[|\]$/g, '')
            .replace(/%.*$/, ''),
          port: Number(local.slice(separator + 1)),
        };
      });
  } catch {
    // fall through to /proc
  }
  const listeners: Listener[] = [];
  let readAny = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue; // LISTEN
      const [hex, portHex] = (fields[1] ?? '').split(':');
      listeners.push({ address: procAddress(hex ?? ''), port: Number.parseInt(portHex ?? '', 16) });
    }
  }
  return readAny ? listeners : undefined;
}

/** /proc/net/tcp addresses are little-endian hex words. */
function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  if (bytes.every((byte) => byte === 0)) return '::';
  return words.join(':');
}
