import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, newIdempotencyKey } from '../api.ts';
import { parseCsv } from '../csv.ts';
import { useI18n } from '../i18n.ts';
import { ErrorBox, Field, Notice, Table, useAction } from '../ui.tsx';

const kinds = ['WALLET', 'PHONE', 'BANK_ACCOUNT', 'ID_NUMBER'] as const;
const severities = ['WARN', 'BLOCK'] as const;
const sources = ['MPS_WARNING_DB', 'SBV_SIMO', 'INTERNAL'] as const;
type Entry = {
  kind: (typeof kinds)[number];
  value: string;
  severity: (typeof severities)[number];
  source: (typeof sources)[number];
  reason: string;
};
interface Row {
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

export function WatchlistPage({ api }: { api: ConsoleApi }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<Row[] | undefined>();
  const [fileName, setFileName] = useState('');
  const invalid = rows?.filter((r) => !r.entry).length ?? 0;
  const importing = useAction((entries: Entry[]) =>
    answer(
      api.wallet.POST('/v1/ops/watchlist', {
        params: { header: { 'Idempotency-Key': newIdempotencyKey() } },
        body: { entries },
      }),
    ),
  );
  return (
    <section aria-labelledby="watchlist-title">
      <h1 id="watchlist-title">{t('navWatchlist')}</h1>
      <Field id="watchlist-file" label={t('csvFile')} hint={t('csvHint')}>
        <input
          id="watchlist-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="watchlist-file-hint"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            importing.reset();
            if (!file) return setRows(undefined);
            setFileName(file.name);
            setRows(previewCsv(await file.text()));
          }}
        />
      </Field>
      {rows ? (
        <>
          <Table
            id="watchlist-preview"
            caption={`${t('preview')}: ${fileName} (${rows.length})`}
            head={[t('row'), t('kind'), t('value'), t('severity'), t('source'), t('reason'), t('problems')]}
            rows={rows.map((r) => [
              r.line,
              ...(r.entry
                ? [r.entry.kind, r.entry.value, r.entry.severity, r.entry.source, r.entry.reason]
                : [r.cells.join(', '), '', '', '', '']),
              r.problems.length ? (
                <span class="bad">{r.problems.join('; ')}</span>
              ) : (
                <span class="good">{t('valid')}</span>
              ),
            ])}
          />
          {invalid ? (
            <p class="error" role="alert">
              {invalid} {t('rowsInvalid')}
            </p>
          ) : null}
          <button
            type="button"
            class="danger"
            disabled={importing.busy || invalid > 0 || rows.length === 0 || importing.result !== undefined}
            onClick={() => importing.run(rows.flatMap((r) => (r.entry ? [r.entry] : [])))}
          >
            {t('importEntries')} ({rows.length - invalid})
          </button>
        </>
      ) : null}
      <ErrorBox error={importing.error} />
      {importing.result ? (
        <Notice>
          <span id="watchlist-result">
            {t('imported')}: {importing.result.imported} · {t('screenedCases')}: {importing.result.screened.cases} ·{' '}
            {t('frozen')}: {importing.result.screened.frozen} · {t('review')}: {importing.result.screened.review}
          </span>
        </Notice>
      ) : null}
    </section>
  );
}
