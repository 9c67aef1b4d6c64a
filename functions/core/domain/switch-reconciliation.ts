// The daily reconciliation with the switch (API.md "Interoperable transfers"; Circular 40 Art. 27
// asks the provider to keep its books matching the money it moves): the switch's settlement report
// for one of its business days against what the ledger recorded as moved over it that day,
// reference by reference. Pure: the caller reads both sides.

export interface SwitchLine {
  reference: string;
  direction: 'OUT' | 'IN';
  amount: number;
}

export type MismatchKind = 'MISSING_HERE' | 'MISSING_THERE' | 'AMOUNT_DIFFERS';

export interface SwitchMismatch {
  reference: string;
  kind: MismatchKind;
  ours?: { direction: 'OUT' | 'IN'; amount: number };
  theirs?: { direction: 'OUT' | 'IN'; amount: number };
}

const keyOf = (l: SwitchLine) => `${l.direction}#${l.reference}`;
const side = (l: SwitchLine) => ({ direction: l.direction, amount: l.amount });

/**
 * `MISSING_HERE`: the switch moved money the ledger does not show that day (an answer lost and not
 * yet learnt, a credit we never booked); `MISSING_THERE`: the ledger shows money the switch did not
 * move; `AMOUNT_DIFFERS`: both, not for the same amount. A movement is its direction and reference.
 */
export function reconcileSwitchDay(
  ours: readonly SwitchLine[],
  theirs: readonly SwitchLine[],
): { matched: number; mismatches: SwitchMismatch[] } {
  const mine = new Map(ours.map((l) => [keyOf(l), l]));
  const mismatches: SwitchMismatch[] = [];
  let matched = 0;
  for (const t of theirs) {
    const o = mine.get(keyOf(t));
    mine.delete(keyOf(t));
    if (!o) mismatches.push({ reference: t.reference, kind: 'MISSING_HERE', theirs: side(t) });
    else if (o.amount !== t.amount)
      mismatches.push({ reference: t.reference, kind: 'AMOUNT_DIFFERS', ours: side(o), theirs: side(t) });
    else matched++;
  }
  for (const o of mine.values()) mismatches.push({ reference: o.reference, kind: 'MISSING_THERE', ours: side(o) });
  mismatches.sort((a, b) => a.reference.localeCompare(b.reference));
  return { matched, mismatches };
}
