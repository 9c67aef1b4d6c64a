import crc16ccitt from 'crc/crc16ccitt';
import { parse } from 'promptparse';
import { describe, expect, it } from 'vitest';
import { asciiText, cityOf, crc16, parseTlv, tlv, vietQrPayload } from '../../functions/core/domain/vietqr.ts';

// The VietQR payload of a payment request (EMVCo MPM, NAPAS VietQR profile), checked field by
// field and by an independent EMVCo parser with its own CRC (promptparse).

const request = {
  acquirerId: '971999',
  merchantId: '01JDX3N2C4W5PZ1Q8R3S6T7V9X',
  mcc: '5812',
  amount: 45_000,
  merchantName: 'Quán Thu',
  merchantCity: 'Hà Nội',
  orderRef: 'BUN-CHA-42',
  paymentRequestId: 'PR0123456789ABCDEFGHJKMN',
};

describe('CRC-16/CCITT-FALSE', () => {
  it('is the library variant with the catalogue check value ("123456789" → 0x29B1)', () => {
    expect(crc16ccitt('123456789')).toBe(0x29b1);
    expect(crc16('123456789')).toBe('29B1');
  });
});

describe('vietQrPayload', () => {
  const payload = vietQrPayload(request);
  const fields = Object.fromEntries(parseTlv(payload).map((f) => [f.id, f.value]));

  it('carries the VietQR fields in order, the CRC last', () => {
    expect(parseTlv(payload).map((f) => f.id)).toEqual([
      '00',
      '01',
      '38',
      '52',
      '53',
      '54',
      '58',
      '59',
      '60',
      '62',
      '63',
    ]);
    expect(fields).toMatchObject({
      '00': '01',
      '01': '12',
      '52': '5812',
      '53': '704',
      '54': '45000',
      '58': 'VN',
      '59': 'Quan Thu',
      '60': 'Ha Noi',
    });
    const account = Object.fromEntries(parseTlv(fields['38']!).map((f) => [f.id, f.value]));
    expect(account).toEqual({ '00': 'A000000727', '01': expect.any(String), '02': 'QRPUSH' });
    expect(parseTlv(account['01']!)).toEqual([
      { id: '00', value: '971999' },
      { id: '01', value: request.merchantId },
    ]);
    expect(parseTlv(fields['62']!)).toEqual([
      { id: '01', value: 'BUN-CHA-42' },
      { id: '05', value: request.paymentRequestId },
    ]);
    expect(fields['63']).toBe(crc16(payload.slice(0, -4)));
    expect(payload.slice(-8, -4)).toBe('6304');
  });

  it('is printable ASCII that an independent EMVCo parser reads, its CRC checked', () => {
    expect(payload).toMatch(/^[\x20-\x7e]+$/);
    const qr = parse(payload, true, true);
    expect(qr).not.toBeNull();
    expect(qr!.validate('63')).toBe(true);
    expect(qr!.getTagValue('54')).toBe('45000');
    expect(qr!.getTagValue('62', '01')).toBe('BUN-CHA-42');
    expect(qr!.getTagValue('38', '00')).toBe('A000000727');
    const broken = `${payload.slice(0, 40)}${payload[40] === '1' ? '2' : '1'}${payload.slice(41)}`;
    expect(parse(broken, true, true)?.validate('63') ?? false).toBe(false);
  });
});

describe('text in the QR', () => {
  it('folds Vietnamese to ASCII and keeps to the length of its field', () => {
    expect(asciiText('Công ty TNHH Phở Đức Hà Nội', 25)).toBe('Cong ty TNHH Pho Duc Ha N');
    expect(asciiText('  Bún   chả  ', 25)).toBe('Bun cha');
    expect(cityOf('12 Hàng Bông, Hoàn Kiếm, Hà Nội')).toBe('HA NOI');
    expect(cityOf(undefined)).toBe('VIET NAM');
  });

  it('refuses a field longer than two digits of length can say', () => {
    expect(() => tlv('62', 'x'.repeat(100))).toThrow(/at most 99/);
  });
});
