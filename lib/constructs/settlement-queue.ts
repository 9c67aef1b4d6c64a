// The settlement queue from its plain-data definition: a KMS-encrypted, TLS-only queue with a
// dead-letter queue, and an alarm as soon as one message lands there.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type QueueDefinition, queueName } from '#functions/resources.ts';

export interface SettlementQueueProps {
  readonly definition: QueueDefinition;
  readonly stage: string;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Where the dead-letter alarm is sent. */
  readonly alarmTopic: sns.ITopic;
  /** What the alarm says (the runbook to follow); a settlement message's by default. */
  readonly alarmDescription?: string;
}

/** Messages in the DLQ are kept as long as SQS allows, so nobody loses a poison message. */
const deadLetterRetention = Duration.days(14);

export class SettlementQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SettlementQueueProps) {
    super(scope, id);
    const { definition, stage } = props;

    // A FIFO queue's dead letters must go to a FIFO queue too (its name ends in .fifo).
    const fifo = definition.fifo ? { fifo: true } : {};
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: queueName(definition, `${stage}-${definition.name}-dlq`),
      ...fifo,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
      removalPolicy: props.removalPolicy,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: queueName(definition, `${stage}-${definition.name}`),
      ...fifo,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: `${stage}-${definition.name}-dlq-not-empty`,
      alarmDescription:
        props.alarmDescription ??
        `A ${definition.name} message failed ${definition.maxReceiveCount} times and waits in the dead-letter queue: see docs/deployment.md`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
