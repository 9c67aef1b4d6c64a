import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SmsMessage, SmsSender } from '../../ports/sms.ts';

/** Production SMS through Amazon SNS, sent as transactional (OTP) messages. */
export class SnsSmsSender implements SmsSender {
  readonly #sns = new SNSClient({});

  async send({ phoneNumber, text }: SmsMessage): Promise<void> {
    await this.#sns.send(
      new PublishCommand({
        PhoneNumber: phoneNumber,
        Message: text,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
  }
}
