import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, newIdempotencyKey, type Schemas } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Code, ErrorBox, Field, Notice, Table, useAction } from '../ui.tsx';

type OpsWallet = Schemas['OpsWallet'];

/** Look a wallet up, then freeze or unfreeze it with a reason and a reference. */
export function WalletsPage({ api }: { api: ConsoleApi }) {
  const { t, money, time } = useI18n();
  const [walletId, setWalletId] = useState('');
  const [wallet, setWallet] = useState<OpsWallet | undefined>();
  const lookUp = useAction((id: string) =>
    answer(api.wallet.GET('/v1/ops/wallets/{walletId}', { params: { path: { walletId: id } } })),
  );
  const show = async (id: string) => {
    const found = await lookUp.run(id);
    setWallet(found);
  };
  return (
    <section aria-labelledby="wallets-title">
      <h1 id="wallets-title">{t('navWallets')}</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void show(walletId.trim());
        }}
      >
        <Field id="wallet-id" label={t('walletId')}>
          <input
            id="wallet-id"
            required
            maxLength={64}
            autocomplete="off"
            value={walletId}
            onInput={(e) => setWalletId(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={lookUp.busy}>
          {t('lookUp')}
        </button>
      </form>
      <ErrorBox error={lookUp.error} />
      {wallet ? (
        <>
          <dl class="facts" aria-label={t('walletNow')}>
            <dt>{t('walletId')}</dt>
            <dd>
              <Code>{wallet.walletId}</Code>
            </dd>
            <dt>{t('status')}</dt>
            <dd>
              <span class={`status status-${wallet.status}`} id="wallet-status">
                {wallet.status}
              </span>
            </dd>
            <dt>{t('balance')}</dt>
            <dd>{money(wallet.balance)}</dd>
            <dt>{t('owner')}</dt>
            <dd>
              <Code>{wallet.ownerId}</Code> ({wallet.ownerKind}
              {wallet.merchant ? ', merchant' : ''})
            </dd>
            <dt>{t('createdAt')}</dt>
            <dd>{time(wallet.createdAt)}</dd>
          </dl>
          <FreezeForm api={api} wallet={wallet} onDone={() => show(wallet.walletId)} />
          <Table
            caption={t('orders')}
            head={[t('at'), t('action'), t('authority'), t('reason'), t('reference'), t('actor'), t('status')]}
            rows={wallet.orders.map((o) => [
              time(o.at),
              o.action,
              o.authority,
              o.reason,
              o.reference,
              <Code key="a">{o.actor}</Code>,
              `${o.previousStatus} → ${o.status}`,
            ])}
          />
        </>
      ) : null}
    </section>
  );
}

function FreezeForm({ api, wallet, onDone }: { api: ConsoleApi; wallet: OpsWallet; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const frozen = wallet.status === 'FROZEN';
  const change = useAction(() => {
    const params = { path: { walletId: wallet.walletId }, header: { 'Idempotency-Key': newIdempotencyKey() } };
    const body = { reason, reference };
    return frozen
      ? answer(api.wallet.POST('/v1/ops/wallets/{walletId}/unfreeze', { params, body }))
      : answer(api.wallet.POST('/v1/ops/wallets/{walletId}/freeze', { params, body }));
  });
  return (
    <form
      class="panel"
      aria-labelledby="freeze-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await change.run()) {
          setReason('');
          setReference('');
          onDone();
        }
      }}
    >
      <h2 id="freeze-title">{t('freezeTitle')}</h2>
      <Field id="freeze-reason" label={t('reason')}>
        <input
          id="freeze-reason"
          required
          maxLength={500}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <Field id="freeze-reference" label={t('reference')}>
        <input
          id="freeze-reference"
          required
          maxLength={100}
          value={reference}
          onInput={(e) => setReference(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" class={frozen ? '' : 'danger'} disabled={change.busy || wallet.status === 'CLOSED'}>
        {frozen ? t('unfreeze') : t('freeze')}
      </button>
      <ErrorBox error={change.error} />
      {change.result ? (
        <Notice>
          {t('done')}: {change.result.status}
        </Notice>
      ) : null}
    </form>
  );
}
