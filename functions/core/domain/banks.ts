// Vietnamese banks by their short code in the NAPAS/VietQR list (API.md "Banks"), with the card
// BIN NAPAS assigned to each. A configuration list: add a bank here, nothing else changes.
export interface Bank {
  code: string;
  bin: string;
  name: string;
}

export const banks: readonly Bank[] = [
  { code: 'VCB', bin: '970436', name: 'Vietcombank' },
  { code: 'BIDV', bin: '970418', name: 'BIDV' },
  { code: 'CTG', bin: '970415', name: 'VietinBank' },
  { code: 'VBA', bin: '970405', name: 'Agribank' },
  { code: 'TCB', bin: '970407', name: 'Techcombank' },
  { code: 'ACB', bin: '970416', name: 'ACB' },
  { code: 'MB', bin: '970422', name: 'MB Bank' },
  { code: 'VPB', bin: '970432', name: 'VPBank' },
  { code: 'TPB', bin: '970423', name: 'TPBank' },
  { code: 'STB', bin: '970403', name: 'Sacombank' },
  { code: 'VIB', bin: '970441', name: 'VIB' },
  { code: 'HDB', bin: '970437', name: 'HDBank' },
  { code: 'SHB', bin: '970443', name: 'SHB' },
  { code: 'EIB', bin: '970431', name: 'Eximbank' },
  { code: 'MSB', bin: '970426', name: 'MSB' },
  { code: 'OCB', bin: '970448', name: 'OCB' },
  { code: 'SCB', bin: '970429', name: 'SCB' },
  { code: 'SEAB', bin: '970440', name: 'SeABank' },
  { code: 'LPB', bin: '970449', name: 'LPBank' },
  { code: 'NAB', bin: '970428', name: 'Nam A Bank' },
];

export const isKnownBank = (code: string): boolean => banks.some((b) => b.code === code);

/** ISO/IEC 7812 check digit. */
export function passesLuhn(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** PCI DSS display: the BIN and the last four, e.g. 970436******1234. Card numbers are never stored. */
export const maskCardNumber = (card: string): string =>
  `${card.slice(0, 6)}${'*'.repeat(card.length - 10)}${card.slice(-4)}`;

/** Account numbers are shown by their last four digits only. */
export const maskAccountNumber = (account: string): string =>
  `${'*'.repeat(Math.max(account.length - 4, 4))}${account.slice(-4)}`;
