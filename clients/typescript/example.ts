import { answer, createWalletClient, newIdempotencyKey, type Transfer, type WalletClientOptions } from './index.ts';

/** What the app asks of its user, the phone and the eKYC SDK. */
export interface App {
  otpFromSms(registrationId: string): Promise<string>;
  /** The chip ID card read over NFC and the face check of the eKYC provider's SDK. */
  chipIdCard(): Promise<{
    fullName: string;
    dateOfBirth: string;
    idNumber: string;
    idExpiryDate: string;
    ekycAssertion: string;
  }>;
  /** The factors a step-up names: the SMS OTP, the soft OTP, a biometric assertion. */
  factors(authentication: NonNullable<Transfer['authentication']>): Promise<{
    otp?: string;
    softOtp?: string;
    biometricAssertion?: string;
  }>;
}

export interface FirstPayment {
  phoneNumber: string;
  password: string;
  /** The customer's own account at their bank (the bank confirms the owner). */
  bank: { bankCode: string; accountNumber: string };
  merchantId: string;
}

/** Register, sign in, open a wallet and pay a merchant: the journey of a new customer. */
export async function firstPayment(app: App, options: WalletClientOptions, p: FirstPayment): Promise<Transfer> {
  const deviceId = options.deviceId ?? 'my-phone';
  const wallet = createWalletClient({ ...options, deviceId });
  const key = () => ({ header: { 'Idempotency-Key': newIdempotencyKey() } });

  // 1. Register the phone number: the OTP comes by SMS; confirming it creates the customer.
  const { registrationId } = await answer(wallet.POST('/v1/registrations', { body: { phoneNumber: p.phoneNumber } }));
  await answer(
    wallet.POST('/v1/registrations/{registrationId}/confirm', {
      params: { path: { registrationId } },
      body: { otp: await app.otpFromSms(registrationId), password: p.password, deviceId },
    }),
  );

  // 2. Sign in: the client sends the access token (and X-Device-Id) from now on.
  const session = await answer(
    wallet.POST('/v1/sessions', { body: { phoneNumber: p.phoneNumber, password: p.password, deviceId } }),
  );
  wallet.useAccessToken(session.accessToken);

  // 3. eKYC with the chip ID card (it also trusts this device), then a wallet linked to the bank.
  const card = await app.chipIdCard();
  const kyc = await answer(
    wallet.POST('/v1/me/kyc', {
      body: { kind: 'INDIVIDUAL', nationality: 'VN', idDocumentType: 'CCCD_CHIP', ...card },
    }),
  );
  if (kyc.status !== 'VERIFIED') throw new Error(`eKYC rejected: ${kyc.reasons.join(', ')}`);
  const { walletId } = await answer(wallet.POST('/v1/wallets', { params: key(), body: {} }));
  const { linkId } = await answer(
    wallet.POST('/v1/wallets/{walletId}/links', { params: { path: { walletId }, ...key() }, body: p.bank }),
  );

  // 4. Top up from the bank (the bank answers asynchronously), then pay the merchant.
  let topUp = await answer(
    wallet.POST('/v1/transfers', { params: key(), body: { type: 'TOPUP', walletId, linkId, amount: 500_000 } }),
  );
  while (topUp.status === 'PROCESSING') {
    await new Promise((next) => setTimeout(next, 200));
    topUp = await answer(
      wallet.GET('/v1/transfers/{transferId}', { params: { path: { transferId: topUp.transferId } } }),
    );
  }
  let payment = await answer(
    wallet.POST('/v1/transfers', {
      params: key(),
      body: { type: 'PAYMENT', walletId, merchantId: p.merchantId, amount: 150_000, description: 'Pho bo' },
    }),
  );
  // 5. A step-up (Circular 50) names its factors; bring them until the payment goes through.
  while (payment.status === 'REQUIRES_AUTHENTICATION' && payment.authentication) {
    payment = await answer(
      wallet.POST('/v1/transfers/{transferId}/authorize', {
        params: { path: { transferId: payment.transferId } },
        body: await app.factors(payment.authentication),
      }),
    );
  }
  return payment;
}
