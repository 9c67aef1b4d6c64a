import { parseCsv } from './csv.ts';

// A watch-list file as the console previews it: pure, so the unit suite checks it too.

const kinds = ['WALLET', 'PHONE', 'BANK_ACCOUNT', 'ID_NUMBER'] as const;
const severities = ['WARN', 'BLOCK'] as const;
const sources = ['MPS_WARNING_DB', 'SBV_SIMO', 'INTERNAL'] as const;
export type Entry = {
  kind: (typeof kinds)[number];
  value: string;
  severity: (typeof severities)[number];
  source: (typeof sources)[number];
  reason: string;
};
export interface Row {
  line: number;
  cells: string[];
  problems: string[];
  entry?: Entry;
}

const columns = ['kind', 'value', 'severity', 'source', 'reason'] as const;
const oneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/**
 * Reads the file in the browser: a header row naming the five columns (any order), then one entry
 * a row. What the server would refuse is shown before anything is sent; the server checks again
 * (identifiers are normalised there, docs/operations.md).
 */
export function previewCsv(text: string): Row[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const index = columns.map((c) => header.findIndex((h) => h.trim().toLowerCase() === c));
  const missing = columns.filter((_, i) => index[i] === -1);
  if (missing.length) return [{ line: 1, cells: header, problems: [`missing column(s): ${missing.join(', ')}`] }];
  return rows.slice(0, 1001).map((cells, i) => {
    const [kind, value, severity, source, reason] = index.map((j) => (cells[j] ?? '').trim()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const problems: string[] = [];
    if (!oneOf(kinds, kind)) problems.push(`kind: ${kinds.join('|')}`);
    if (!value || value.length > 64) problems.push('value: 1-64 characters');
    if (!oneOf(severities, severity)) problems.push(`severity: ${severities.join('|')}`);
    if (!oneOf(sources, source)) problems.push(`source: ${sources.join('|')}`);
    if (!reason || reason.length > 500) problems.push('reason: 1-500 characters');
    if (i >= 1000) problems.push('at most 1,000 entries a file');
    const ok = problems.length === 0 && oneOf(kinds, kind) && oneOf(severities, severity) && oneOf(sources, source);
    return { line: i + 2, cells, problems, ...(ok ? { entry: { kind, value, severity, source, reason } } : {}) };
  });
}
