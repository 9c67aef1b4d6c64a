export interface SmsMessage {
  phoneNumber: string;
  text: string;
  /** The OTP the message carries, kept by the sandbox outbox only. */
  otp?: string;
  /** What the message is about: a registration or challenge id. */
  reference?: string;
}

/** Sends text messages to customers: Amazon SNS in AWS, an outbox in sandbox stages. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}
