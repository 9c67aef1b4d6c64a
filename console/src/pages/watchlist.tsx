import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, newIdempotencyKey } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorBox, Field, Notice, Table, useAction } from '../ui.tsx';
import { type Entry, previewCsv, type Row } from '../watchlist-csv.ts';

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
