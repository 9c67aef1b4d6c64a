import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { environmentVariables } from '../functions/resources.ts';
import { type CapabilityName, capabilities, idempotencyTableActions, walletTableActions } from '../functions/routes.ts';

// DynamoDB Local enforces no IAM. In AWS each function may take only the DynamoDB actions its
// `needs` in functions/routes.ts declare (lib/constructs/wallet-function.ts grants exactly those),
// and an action it was not granted is an AccessDenied: an outage. This watches every DynamoDB call
// a handler makes, whatever client makes it (the wallet's document client, Powertools' own), and
// holds it against that capability's grants: recorded (integration tests), or refused as AWS
// would (`LOCAL_IAM=enforce npm start`, and so the e2e suite run with it).

const scope = new AsyncLocalStorage<CapabilityName>();
const seen = new Map<CapabilityName, Map<string, Set<string>>>();

/** Runs `work` as the function of `capability`: its DynamoDB calls are checked against its grants. */
export const runAs = <T>(capability: CapabilityName, work: () => Promise<T>): Promise<T> => scope.run(capability, work);

/** What lib/constructs/wallet-function.ts grants a capability, table by table (and index by index). */
export function grantedTableActions(capability: CapabilityName, sandboxEnabled = true): Record<string, string[]> {
  const { needs } = capabilities[capability];
  const granted: Record<string, string[]> = {};
  const wallet = walletTableActions(needs, sandboxEnabled);
  if (wallet.length) granted.wallet = wallet;
  for (const index of needs.walletIndexes ?? []) granted[`wallet/index/${index}`] = ['Query'];
  if (needs.idempotencyTable) granted.idempotency = [...idempotencyTableActions];
  if (needs.sandboxBank && sandboxEnabled) granted['sandbox-bank'] = [...needs.sandboxBank];
  if (needs.auditLog) granted.audit = needs.auditLog === 'read' ? ['PutItem', 'Query', 'GetItem'] : ['PutItem'];
  return granted;
}

const logicalTable = (name: string | undefined): string => {
  const byName: Record<string, string> = {
    [process.env[environmentVariables.walletTable] ?? '-']: 'wallet',
    [process.env[environmentVariables.idempotencyTable] ?? '-']: 'idempotency',
    [process.env[environmentVariables.sandboxBankTable] ?? '-']: 'sandbox-bank',
    [process.env[environmentVariables.auditTable] ?? '-']: 'audit',
  };
  return byName[name ?? ''] ?? `unknown:${name}`;
};

const itemActions: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
};

interface Command {
  constructor: { name: string };
  input?: {
    TableName?: string;
    IndexName?: string;
    RequestItems?: Record<string, unknown>;
    TransactItems?: Record<string, { TableName?: string }>[];
  };
}

/** The (table, action) pairs IAM authorizes one command by: a transaction item by item. */
export function tableActionsOf(command: Command): [string, string][] {
  const name = command.constructor.name.replace(/Command$/, '').replace(/Items?$/, '');
  const input = command.input ?? {};
  switch (name) {
    case 'TransactWrite':
      return (input.TransactItems ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, body]): [string, string] => [
          logicalTable(body.TableName),
          itemActions[kind] ?? kind,
        ]),
      );
    case 'TransactGet':
      return (input.TransactItems ?? []).map((item): [string, string] => [
        logicalTable(item.Get?.TableName),
        'GetItem',
      ]);
    case 'BatchGet':
    case 'BatchWrite':
      return Object.keys(input.RequestItems ?? {}).map((table) => [logicalTable(table), itemActions[name]!]);
    case 'Query':
    case 'Scan': {
      const table = logicalTable(input.TableName);
      return [[input.IndexName ? `${table}/index/${input.IndexName}` : table, name]];
    }
    default:
      return [[logicalTable(input.TableName), itemActions[name] ?? command.constructor.name.replace(/Command$/, '')]];
  }
}

let installed: (() => void) | undefined;

/**
 * Starts watching the DynamoDB calls made inside `runAs` (once per process): `record` keeps them
 * for `recordedTableAccess`/`ungrantedTableAccess`; `enforce` also refuses an action the
 * capability is not granted with the AccessDeniedException AWS would answer. Returns the undo.
 */
export function watchTableAccess(mode: 'record' | 'enforce'): () => void {
  if (installed) return installed;
  const patch = (prototype: { send: (command: Command, ...rest: unknown[]) => unknown }) => {
    const original = prototype.send;
    prototype.send = function (this: unknown, command: Command, ...rest: unknown[]) {
      const capability = scope.getStore();
      if (capability && command?.input) {
        const byTable = seen.get(capability) ?? new Map<string, Set<string>>();
        seen.set(capability, byTable);
        const granted = grantedTableActions(capability);
        for (const [table, action] of tableActionsOf(command)) {
          byTable.set(table, (byTable.get(table) ?? new Set<string>()).add(action));
          if (mode === 'enforce' && !granted[table]?.includes(action)) {
            const denied = new Error(
              `local-${capability} is not authorized to perform: dynamodb:${action} on ${table} (functions/routes.ts needs)`,
            );
            return Promise.reject(Object.assign(denied, { name: 'AccessDeniedException' }));
          }
        }
      }
      return original.call(this, command, ...rest);
    };
    return () => {
      prototype.send = original;
    };
  };
  const undo = [patch(DynamoDBClient.prototype as never), patch(DynamoDBDocumentClient.prototype as never)];
  installed = () => {
    for (const u of undo.reverse()) u();
    installed = undefined;
  };
  return installed;
}

/** Everything watched so far, by capability and table. */
export function recordedTableAccess(): Record<string, Record<string, string[]>> {
  return Object.fromEntries(
    [...seen].map(([capability, byTable]) => [
      capability,
      Object.fromEntries([...byTable].map(([table, actions]) => [table, [...actions].sort()])),
    ]),
  );
}

/** Each action watched that its capability is not granted: `capability table action`. */
export function ungrantedTableAccess(): string[] {
  const missing: string[] = [];
  for (const [capability, byTable] of seen) {
    const granted = grantedTableActions(capability);
    for (const [table, actions] of byTable) {
      for (const action of actions)
        if (!granted[table]?.includes(action)) missing.push(`${capability} ${table} ${action}`);
    }
  }
  return missing.sort();
}
