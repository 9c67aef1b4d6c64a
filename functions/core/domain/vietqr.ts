// The QR a merchant shows for one payment request: an EMVCo merchant-presented QR (EMV QRCPS-MPM)
// in the VietQR profile NAPAS publishes. Tag-length-value, two-digit ids and lengths, in this
// order:
//
//   00 payload format indicator "01"           01 point of initiation "12" (dynamic: one payment)
//   38 merchant account information (VietQR):  00 GUID "A000000727"
//                                              01 beneficiary: 00 acquirer id, 01 merchant id
//                                              02 service code "QRPUSH" (payment for goods/services)
//   52 merchant category code (ISO 18245)      53 currency "704" (VND, ISO 4217)
//   54 amount (whole VND)                      58 country "VN"
//   59 merchant name (ASCII, ≤ 25)             60 merchant city (ASCII, ≤ 15)
//   62 additional data: 01 bill number = the order reference, 05 reference label = the request id
//   63 CRC-16/CCITT-FALSE over everything before its value, "6304" included (4 hex digits, upper)
//
// The acquirer id is the provider's own code from stage configuration and the merchant id is the
// merchant's wallet id (a wallet-internal request: the payer's app reads the request id from
// 62/05 and pays it with `POST /v1/transfers { type: "PAYMENT", paymentRequestId }`).

import crc16ccittFalse from 'crc/crc16ccitt';

export const VIETQR_GUID = 'A000000727';
/** NAPAS service code for a payment for goods and services (QRIBFTTA/QRIBFTTC are bank transfers). */
export const VIETQR_SERVICE_PAYMENT = 'QRPUSH';

export interface VietQrRequest {
  /** The provider's code as acquirer (stage configuration). */
  acquirerId: string;
  /** The merchant's wallet id. */
  merchantId: string;
  mcc: string;
  amount: number;
  merchantName: string;
  merchantCity: string;
  orderRef: string;
  paymentRequestId: string;
}

/** One TLV field: id, two-digit length, value. A value longer than 99 characters is a bug. */
export function tlv(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw new Error(`EMVCo tag id ${id} is not two digits`);
  if (value.length > 99) throw new Error(`EMVCo tag ${id} holds ${value.length} characters, at most 99`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) as 4 upper-case hex digits. */
export const crc16 = (text: string): string => crc16ccittFalse(text).toString(16).toUpperCase().padStart(4, '0');

/**
 * Text the QR may carry: printable ASCII without diacritics (API.md), Vietnamese letters folded
 * to their base letters (đ → d), at most `max` characters.
 */
export function asciiText(text: string, max: number): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

/** The city of a trading address ("12 Hàng Bông, Hoàn Kiếm, Hà Nội" → "HA NOI"): its last part. */
export function cityOf(address: string | undefined): string {
  const last = address?.split(',').at(-1);
  return asciiText(last ?? '', 15).toUpperCase() || 'VIET NAM';
}

/** The payload of one dynamic payment request, CRC last (API.md `qrPayload`). */
export function vietQrPayload(r: VietQrRequest): string {
  const beneficiary = tlv('00', r.acquirerId) + tlv('01', r.merchantId);
  const account = tlv('00', VIETQR_GUID) + tlv('01', beneficiary) + tlv('02', VIETQR_SERVICE_PAYMENT);
  const additional = tlv('01', r.orderRef) + tlv('05', r.paymentRequestId);
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('38', account) +
    tlv('52', r.mcc) +
    tlv('53', '704') +
    tlv('54', String(r.amount)) +
    tlv('58', 'VN') +
    tlv('59', asciiText(r.merchantName, 25) || 'MERCHANT') +
    tlv('60', asciiText(r.merchantCity, 15) || 'VIET NAM') +
    tlv('62', additional) +
    '6304';
  return body + crc16(body);
}

/** Splits a TLV string into its fields (for tests and for reading a payload back). */
export function parseTlv(payload: string): { id: string; value: string }[] {
  const out: { id: string; value: string }[] = [];
  for (let i = 0; i < payload.length; ) {
    const id = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(id) || !Number.isInteger(length)) throw new Error(`malformed TLV at ${i}`);
    out.push({ id, value: payload.slice(i + 4, i + 4 + length) });
    i += 4 + length;
  }
  return out;
}
