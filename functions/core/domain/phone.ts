// Vietnamese mobile numbers: accepted as `0xxxxxxxxx` or `+84xxxxxxxxx`, stored as E.164.
// Mobile prefixes after the trunk 0 are 3, 5, 7, 8 and 9 (the 2018 renumbering).
const NATIONAL = /^0([35789]\d{8})$/;
const INTERNATIONAL = /^\+84([35789]\d{8})$/;

export type PhoneNumber = string & { readonly __brand: 'PhoneNumber' };

/** E.164 form of a Vietnamese mobile number, or undefined when it is not one. */
export function normalizePhone(input: string): PhoneNumber | undefined {
  const compact = input.replace(/[\s.-]/g, '');
  const match = NATIONAL.exec(compact) ?? INTERNATIONAL.exec(compact);
  return match ? (`+84${match[1]}` as PhoneNumber) : undefined;
}
