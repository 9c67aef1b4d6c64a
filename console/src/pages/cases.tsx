import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, newIdempotencyKey, type Schemas } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Code, ErrorBox, Field, Notice, Table, useAction, useLoad } from '../ui.tsx';

type Case = Schemas['Case'];

/** Held transfers and screening cases with their rule hits, and the decision form (RELEASE / REJECT). */
export function CasesPage({ api }: { api: ConsoleApi }) {
  const { t, money, time } = useI18n();
  const cases = useLoad(
    () => answer(api.wallet.GET('/v1/ops/cases', { params: { query: { status: 'OPEN', kind: 'ALL' } } })),
    [],
  );
  const [chosen, setChosen] = useState<Case | undefined>();
  const [decided, setDecided] = useState<string | undefined>();
  const items = cases.data?.items ?? [];
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">{t('navCases')}</h1>
      <button type="button" onClick={cases.reload}>
        {t('refresh')}
      </button>
      <ErrorBox error={cases.error} />
      {decided ? (
        <Notice>
          {t('caseDecided')}: <Code>{decided}</Code>
        </Notice>
      ) : null}
      {cases.loading && !cases.data ? <p>{t('loading')}</p> : null}
      <Table
        id="cases"
        caption={t('navCases')}
        head={[t('caseId'), t('kind'), t('amount'), t('ruleHits'), t('createdAt'), t('decision')]}
        rows={items.map((c) => [
          <Code key="id">{c.caseId}</Code>,
          c.kind === 'TRANSFER' ? (
            <span key="k">
              {t('transfer')} <Code>{c.transferId}</Code>
            </span>
          ) : (
            <span key="k">
              {t('entry')}: {c.entry.kind} {c.entry.severity} ({c.entry.source}) · {t('customer')}{' '}
              <Code>{c.customerId}</Code>
            </span>
          ),
          c.kind === 'TRANSFER' ? money(c.amount) : '—',
          <ul key="h" class="hits">
            {c.ruleHits.map((h) => (
              <li key={h.rule}>
                <strong>{h.rule}</strong> ({h.score}): {h.reason}
              </li>
            ))}
          </ul>,
          time(c.createdAt),
          <button key="d" type="button" onClick={() => setChosen(c)} aria-label={`${t('decideCase')} ${c.caseId}`}>
            {t('decideCase')}
          </button>,
        ])}
      />
      {chosen ? (
        <DecisionForm
          api={api}
          chosen={chosen}
          onDone={(status) => {
            setDecided(`${chosen.caseId} → ${status}`);
            setChosen(undefined);
            cases.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function DecisionForm({ api, chosen, onDone }: { api: ConsoleApi; chosen: Case; onDone: (status: string) => void }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<'RELEASE' | 'REJECT'>('RELEASE');
  const [note, setNote] = useState('');
  const decide = useAction(() =>
    answer(
      api.wallet.POST('/v1/ops/cases/{caseId}/decision', {
        params: { path: { caseId: chosen.caseId }, header: { 'Idempotency-Key': newIdempotencyKey() } },
        body: { decision, note },
      }),
    ),
  );
  return (
    <form
      class="panel"
      aria-labelledby="decision-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const done = await decide.run();
        if (done) onDone(done.case.status);
      }}
    >
      <h2 id="decision-title">
        {t('decideCase')} <Code>{chosen.caseId}</Code>
      </h2>
      <fieldset>
        <legend>{t('decision')}</legend>
        {(['RELEASE', 'REJECT'] as const).map((d) => (
          <label key={d} class="choice">
            <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />{' '}
            {d === 'RELEASE' ? t('release') : t('reject')}
          </label>
        ))}
      </fieldset>
      <Field id="decision-note" label={t('note')}>
        <textarea
          id="decision-note"
          required
          maxLength={1000}
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" disabled={decide.busy}>
        {t('decide')}
      </button>
      <ErrorBox error={decide.error} />
    </form>
  );
}
