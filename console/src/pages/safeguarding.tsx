import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, type ConsoleApi, type Schemas } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorBox, Table } from '../ui.tsx';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Title);

type Reading = Schemas['SafeguardingReconciliation'];

/**
 * The readings of this tab's session, oldest first. Why not a stored series: the reconciliation
 * endpoint answers the exact figures of the moment it runs, and the 15-minute check on the server
 * (safeguardingCheck) is read-only by design and raises its alarm on any difference; a chart of what
 * this console has seen is honest about what it shows (each point is a reading with its `asOf`).
 */
const readings: Reading[] = [];
const POLL_MS = 15_000;

export function SafeguardingPage({ api }: { api: ConsoleApi }) {
  const i = useI18n();
  const { t, money, time } = i;
  const [, setCount] = useState(readings.length);
  const [error, setError] = useState<unknown>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const r = await answer(api.wallet.GET('/v1/ops/reconciliation/safeguarding'));
        if (stopped) return;
        readings.push(r);
        if (readings.length > 240) readings.shift();
        setError(undefined);
        setCount(readings.length);
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    void read();
    const timer = setInterval(read, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api]);

  useEffect(() => {
    if (!canvas.current) return;
    const data = {
      labels: readings.map((r) => time(r.asOf)),
      datasets: [
        {
          label: t('guarantee'),
          data: readings.map((r) => r.guaranteeAccountBalance),
          borderColor: '#0b5394',
          backgroundColor: '#0b5394',
        },
        {
          label: t('walletBalances'),
          data: readings.map((r) => r.walletBalances),
          borderColor: '#b45f06',
          backgroundColor: '#b45f06',
        },
        {
          label: t('walletsPlusInFlight'),
          data: readings.map((r) => r.walletBalances + r.inFlight),
          borderColor: '#38761d',
          backgroundColor: '#38761d',
          borderDash: [6, 4],
        },
      ],
    };
    if (!chart.current) {
      chart.current = new Chart(canvas.current, {
        type: 'line',
        data,
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { title: { display: true, text: t('chartTitle') } },
          scales: { y: { ticks: { callback: (v) => money(Number(v)) } } },
        },
      });
    } else {
      chart.current.data = data;
      chart.current.update();
    }
  });
  useEffect(() => () => chart.current?.destroy(), []);

  const last = readings.at(-1);
  return (
    <section aria-labelledby="safeguarding-title">
      <h1 id="safeguarding-title">{t('navSafeguarding')}</h1>
      <ErrorBox error={error} />
      {last ? (
        <dl class="facts" id="safeguarding-now">
          <dt>{t('guarantee')}</dt>
          <dd>{money(last.guaranteeAccountBalance)}</dd>
          <dt>{t('walletBalances')}</dt>
          <dd>{money(last.walletBalances)}</dd>
          <dt>{t('inFlight')}</dt>
          <dd>{money(last.inFlight)}</dd>
          <dt>{t('difference')}</dt>
          <dd>
            <span class={last.difference === 0 ? 'good' : 'bad'}>
              {money(last.difference)} ({last.difference === 0 ? t('balanced') : t('notBalanced')})
            </span>
          </dd>
          <dt>{t('asOf')}</dt>
          <dd>{time(last.asOf)}</dd>
        </dl>
      ) : (
        <p>{t('loading')}</p>
      )}
      <div class="chart">
        <canvas ref={canvas} role="img" aria-label={t('chartTitle')} />
      </div>
      <p class="hint">{t('chartNote')}</p>
      <Table
        caption={t('chartTitle')}
        head={[t('asOf'), t('guarantee'), t('walletBalances'), t('inFlight'), t('difference')]}
        rows={readings
          .slice(-10)
          .reverse()
          .map((r) => [
            time(r.asOf),
            money(r.guaranteeAccountBalance),
            money(r.walletBalances),
            money(r.inFlight),
            money(r.difference),
          ])}
      />
    </section>
  );
}
