import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, newIdempotencyKey, type Schemas } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Code, ErrorBox, Field, Table, useAction } from '../ui.tsx';

type LawRequest = Schemas['LawEnforcementRequest'];

/** Requests recorded in this tab (the API has no list of them): opened again by id. */
const recorded: { requestId: string; authority: string; reference: string }[] = [];

/** Record an authority's request (INFORMATION or FREEZE), read its answer package, print it. */
export function LawEnforcementPage({ api }: { api: ConsoleApi }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<LawRequest | undefined>();
  const [openId, setOpenId] = useState('');
  const open = useAction((requestId: string) =>
    answer(api.wallet.GET('/v1/ops/law-enforcement-requests/{requestId}', { params: { path: { requestId } } })),
  );
  const show = async (requestId: string) => setShown(await open.run(requestId));
  return (
    <section aria-labelledby="law-title">
      <h1 id="law-title">{t('navLaw')}</h1>
      <div class="no-print">
        <NewRequestForm
          api={api}
          onRecorded={(r) => {
            recorded.unshift({ requestId: r.requestId, authority: r.authority, reference: r.reference });
            setShown(r);
          }}
        />
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void show(openId.trim());
          }}
        >
          <Field id="open-request" label={t('requestId')}>
            <input id="open-request" required value={openId} onInput={(e) => setOpenId(e.currentTarget.value)} />
          </Field>
          <button type="submit" disabled={open.busy}>
            {t('open')}
          </button>
        </form>
        <ErrorBox error={open.error} />
        {recorded.length ? (
          <Table
            caption={t('requestsThisSession')}
            head={[t('requestId'), t('authority'), t('reference'), '']}
            rows={recorded.map((r) => [
              <Code key="id">{r.requestId}</Code>,
              r.authority,
              r.reference,
              <button
                key="o"
                type="button"
                onClick={() => show(r.requestId)}
                aria-label={`${t('open')} ${r.requestId}`}
              >
                {t('open')}
              </button>,
            ])}
          />
        ) : null}
      </div>
      {shown ? <AnswerPackage request={shown} /> : null}
    </section>
  );
}

function NewRequestForm({ api, onRecorded }: { api: ConsoleApi; onRecorded: (r: LawRequest) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({
    authority: '',
    reference: '',
    kind: 'INFORMATION' as 'INFORMATION' | 'FREEZE',
    walletId: '',
    phoneNumber: '',
    idNumber: '',
    from: '',
    to: '',
  });
  const set = (name: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [name]: e.currentTarget.value });
  const submit = useAction(() => {
    const subject = Object.fromEntries(
      (['walletId', 'phoneNumber', 'idNumber'] as const).filter((k) => form[k].trim()).map((k) => [k, form[k].trim()]),
    );
    return answer(
      api.wallet.POST('/v1/ops/law-enforcement-requests', {
        params: { header: { 'Idempotency-Key': newIdempotencyKey() } },
        body: {
          authority: form.authority,
          reference: form.reference,
          kind: form.kind,
          subject,
          ...(form.from && form.to ? { period: { from: form.from, to: form.to } } : {}),
        },
      }),
    );
  });
  return (
    <form
      class="panel"
      aria-labelledby="new-request-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await submit.run();
        if (r) onRecorded(r);
      }}
    >
      <h2 id="new-request-title">{t('newRequest')}</h2>
      <div class="grid">
        <Field id="le-authority" label={t('authority')}>
          <input id="le-authority" required maxLength={200} value={form.authority} onInput={set('authority')} />
        </Field>
        <Field id="le-reference" label={t('reference')}>
          <input id="le-reference" required maxLength={100} value={form.reference} onInput={set('reference')} />
        </Field>
        <Field id="le-kind" label={t('requestKind')}>
          <select id="le-kind" value={form.kind} onChange={set('kind')}>
            <option value="INFORMATION">{t('information')}</option>
            <option value="FREEZE">{t('freezeOrder')}</option>
          </select>
        </Field>
        <Field id="le-wallet" label={t('subjectWallet')}>
          <input id="le-wallet" maxLength={64} value={form.walletId} onInput={set('walletId')} />
        </Field>
        <Field id="le-phone" label={t('subjectPhone')}>
          <input id="le-phone" type="tel" maxLength={20} value={form.phoneNumber} onInput={set('phoneNumber')} />
        </Field>
        <Field id="le-id" label={t('subjectId')}>
          <input id="le-id" inputMode="numeric" maxLength={12} value={form.idNumber} onInput={set('idNumber')} />
        </Field>
        <Field id="le-from" label={t('periodFrom')}>
          <input id="le-from" type="date" value={form.from} onInput={set('from')} />
        </Field>
        <Field id="le-to" label={t('periodTo')}>
          <input id="le-to" type="date" value={form.to} onInput={set('to')} />
        </Field>
      </div>
      <button type="submit" disabled={submit.busy}>
        {t('record')}
      </button>
      <ErrorBox error={submit.error} />
    </form>
  );
}

function AnswerPackage({ request }: { request: LawRequest }) {
  const { t, money, time } = useI18n();
  const a = request.answer;
  return (
    <article class="package" aria-labelledby="package-title">
      <h2 id="package-title">
        {t('answerPackage')} · <Code>{request.requestId}</Code>
      </h2>
      <button type="button" class="no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
      <dl class="facts">
        <dt>{t('authority')}</dt>
        <dd>{request.authority}</dd>
        <dt>{t('reference')}</dt>
        <dd>{request.reference}</dd>
        <dt>{t('requestKind')}</dt>
        <dd>{request.kind}</dd>
        <dt>{t('status')}</dt>
        <dd id="request-status">{request.status}</dd>
        <dt>{t('customer')}</dt>
        <dd>
          <Code>{request.customerId}</Code>
        </dd>
        <dt>{t('receivedAt')}</dt>
        <dd>{time(request.receivedAt)}</dd>
        <dt>{t('receivedBy')}</dt>
        <dd>
          <Code>{request.receivedBy}</Code>
        </dd>
      </dl>
      {request.frozenWallets?.length ? (
        <Table
          caption={t('frozenWallets')}
          head={[t('walletId'), t('status')]}
          rows={request.frozenWallets.map((w) => [
            <Code key="w">{w.walletId}</Code>,
            `${w.previousStatus} → ${w.status}`,
          ])}
        />
      ) : null}
      {a ? (
        <>
          <h3>{t('profile')}</h3>
          <dl class="facts">
            {Object.entries(a.customer).map(([k, v]) => [
              <dt key={`t${k}`}>{k}</dt>,
              <dd key={`d${k}`}>{String(v)}</dd>,
            ])}
          </dl>
          <Table
            caption={t('navWallets')}
            head={[t('walletId'), t('status'), t('balance'), t('createdAt')]}
            rows={a.wallets.map((w) => [
              <Code key="w">{w.walletId}</Code>,
              w.status,
              money(w.balance),
              time(w.createdAt),
            ])}
          />
          <Table
            caption={t('bankLinks')}
            head={['Bank', t('kind'), 'No.', t('status')]}
            rows={a.bankLinks.map((l) => [l.bankCode, l.kind, l.maskedNumber, l.status])}
          />
          <Table
            caption={t('statement')}
            head={[t('at'), t('type'), t('amount'), t('balanceAfter'), t('counterparty'), t('walletId')]}
            rows={a.statement.entries.map((e) => [
              time(e.createdAt),
              e.type,
              money(e.amount),
              money(e.balanceAfter),
              e.counterparty ?? '',
              <Code key="w">{e.walletId}</Code>,
            ])}
          />
        </>
      ) : null}
    </article>
  );
}
