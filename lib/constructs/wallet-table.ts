// A DynamoDB table built from a plain-data definition in functions/resources.ts, so the cloud
// table and the local bootstrap share one schema.
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { type KeyAttribute, type TableDefinition, tables } from '#functions/resources.ts';

export type TableName = (typeof tables)[number]['name'];

/** The tables a stage deploys: sandbox-only tables only where the sandbox is enabled. */
export const deployedTables = (stage: { readonly sandboxEnabled: boolean }): readonly TableDefinition[] =>
  tables.filter((definition: TableDefinition) => !definition.sandboxOnly || stage.sandboxEnabled);

export interface WalletTableProps {
  readonly definition: TableDefinition;
  readonly stage: string;
  /** Customer-managed key for encryption at rest. */
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/** The physical table name: `${stage}-${name}` (functions/resources.ts). */
export const tablePhysicalName = (stage: string, definition: TableDefinition): string => `${stage}-${definition.name}`;

export interface TableReferenceProps {
  readonly definition: TableDefinition;
  readonly stage: string;
  readonly encryptionKey: kms.IKey;
  /** The table's stream, for consumers in the referencing stack (its ARN carries a creation label). */
  readonly streamArn?: string;
}

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
});

export class WalletTable extends Construct {
  /**
   * The table seen from another stack (create it in the consuming stack), by its physical name:
   * IAM statements and environment variables then name the table (`table/<stage>-wallet` and its
   * indexes) instead of an exported token, so a reviewer and the cdk-nag acknowledgements can read
   * which table a function may touch.
   */
  static reference(scope: Construct, id: string, props: TableReferenceProps): dynamodb.ITable {
    return dynamodb.Table.fromTableAttributes(scope, id, {
      tableName: tablePhysicalName(props.stage, props.definition),
      encryptionKey: props.encryptionKey,
      globalIndexes: props.definition.globalSecondaryIndexes.map((index) => index.indexName),
      ...(props.streamArn ? { tableStreamArn: props.streamArn } : {}),
    });
  }

  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: WalletTableProps) {
    super(scope, id);
    const { definition } = props;

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: tablePhysicalName(props.stage, definition),
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      ...(definition.stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    for (const index of definition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
