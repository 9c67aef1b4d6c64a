import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, type Schemas } from '../api.ts';
import { toCsv } from '../csv.ts';
import { download } from '../download.ts';
import { useI18n } from '../i18n.ts';
import { Code, ErrorBox, Field, Table, useAction, useLoad } from '../ui.tsx';

type Party = Schemas['AmlParty'];

/** Today in Hanoi, `YYYY-MM-DD`: the day the reports count in (docs/money.md). */
const hanoiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

const party = (p: Party) =>
  [p.name, p.idNumber, p.walletId ?? p.accountNumber, p.institution].filter((x) => x !== undefined).join(' · ');

/** The large-value report of a Hanoi day and the suspicious-transaction reports, each exported as CSV. */
export function ReportsPage({ api }: { api: ConsoleApi }) {
  const { t, money, time } = useI18n();
  const [date, setDate] = useState(hanoiToday());
  const large = useAction((day: string) =>
    answer(api.wallet.GET('/v1/ops/reports/large-value', { params: { query: { date: day } } })),
  );
  const suspicious = useLoad(() => answer(api.wallet.GET('/v1/ops/reports/suspicious', { params: { query: {} } })), []);
  const report = large.result;
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{t('navReports')}</h1>
      <h2>{t('largeValue')}</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void large.run(date);
        }}
      >
        <Field id="report-date" label={t('date')}>
          <input id="report-date" type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={large.busy}>
          {t('show')}
        </button>
        <button
          type="button"
          disabled={!report}
          onClick={() =>
            report &&
            download(
              `large-value-${report.date}.csv`,
              toCsv(
                ['transferId', 'type', 'amount', 'status', 'completedAt', 'sender', 'receiver'],
                report.items.map((i) => [
                  i.transferId,
                  i.type,
                  i.amount,
                  i.status,
                  i.completedAt,
                  party(i.sender),
                  party(i.receiver),
                ]),
              ),
            )
          }
        >
          {t('exportCsv')}
        </button>
      </form>
      <ErrorBox error={large.error} />
      {report ? (
        <Table
          id="large-value"
          caption={`${t('largeValue')} ${report.date} (${t('threshold')} ${money(report.threshold)})`}
          head={[t('transfer'), t('type'), t('amount'), t('completedAt'), t('sender'), t('receiver')]}
          rows={report.items.map((i) => [
            <Code key="t">{i.transferId}</Code>,
            i.type,
            money(i.amount),
            time(i.completedAt),
            party(i.sender),
            party(i.receiver),
          ])}
        />
      ) : null}

      <h2>{t('suspicious')}</h2>
      <button
        type="button"
        disabled={!suspicious.data}
        onClick={() =>
          suspicious.data &&
          download(
            'suspicious-transaction-reports.csv',
            toCsv(
              [
                'reportId',
                'caseId',
                'transferId',
                'walletId',
                'customerId',
                'amount',
                'reason',
                'detectedAt',
                'dueDate',
                'status',
                'reportedBy',
              ],
              suspicious.data.items.map((r) => [
                r.reportId,
                r.caseId,
                r.transferId,
                r.walletId,
                r.customerId,
                r.amount,
                r.reason,
                r.detectedAt,
                r.dueDate,
                r.status,
                r.reportedBy,
              ]),
            ),
          )
        }
      >
        {t('exportCsv')}
      </button>
      <ErrorBox error={suspicious.error} />
      <Table
        id="suspicious"
        caption={t('suspicious')}
        head={[t('caseId'), t('transfer'), t('amount'), t('reason'), t('dueDate'), t('status')]}
        rows={(suspicious.data?.items ?? []).map((r) => [
          <Code key="c">{r.caseId}</Code>,
          <Code key="t">{r.transferId}</Code>,
          money(r.amount),
          r.reason,
          r.dueDate,
          r.status,
        ])}
      />
    </section>
  );
}
