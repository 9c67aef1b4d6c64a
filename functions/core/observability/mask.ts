// Personal data never reaches the logs in clear (RULES.md §9, Law 91/2025; Circular 50 Art. 19).
// Applied to every log record by the logger's JSON replacer, so no call site can forget it.

const SECRET_KEYS =
  /^(password|otp|softotp|secret|accesstoken|idtoken|refreshtoken|authorization|ekycassertion|biometricassertion|assertion|cardnumber)$/i;
const PHONE = /(?<!\d)(?:\+?84|0)(\d{6})(\d{3})(?!\d)/g;
const ID_NUMBER = /(?<!\d)\d{9}(\d{3})(?!\d)/g;
const CARD = /(?<!\d)(\d{6})\d{3,9}(\d{4})(?!\d)/g;

/** Keeps the last digits only: enough for support staff to match a ticket, useless to a thief. */
export function maskText(text: string): string {
  return text
    .replace(PHONE, (_m, _mid: string, last: string) => `***${last}`)
    .replace(ID_NUMBER, (_m, last: string) => `*********${last}`)
    .replace(CARD, (_m, bin: string, last: string) => `${bin}******${last}`);
}

export function maskValue(key: string, value: unknown): unknown {
  if (SECRET_KEYS.test(key) && value !== undefined && value !== null && value !== '') return '[redacted]';
  if (typeof value === 'string') return maskText(value);
  return value;
}
