import { useState } from 'preact/hooks';
import { answer, type ConsoleApi, type Schemas } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Code, ErrorBox, Field, Table, useAction } from '../ui.tsx';

type AuditPage = Schemas['AuditPage'];

/** Who read or changed what about a subject, newest first (the search is itself audited). */
export function AuditPageView({ api }: { api: ConsoleApi }) {
  const { t, time } = useI18n();
  const [subject, setSubject] = useState('');
  const [page, setPage] = useState<{ subject: string; items: AuditPage['items']; nextCursor?: string } | undefined>();
  const search = useAction(async (s: string, cursor?: string) => {
    const r = await answer(
      api.wallet.GET('/v1/ops/audit', { params: { query: { subject: s, limit: 50, ...(cursor ? { cursor } : {}) } } }),
    );
    setPage({
      subject: s,
      items: cursor && page ? [...page.items, ...r.items] : r.items,
      ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}),
    });
    return r;
  });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('navAudit')}</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void search.run(subject.trim());
        }}
      >
        <Field id="audit-subject" label={t('subject')}>
          <input
            id="audit-subject"
            required
            maxLength={200}
            value={subject}
            onInput={(e) => setSubject(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={search.busy}>
          {t('search')}
        </button>
      </form>
      <ErrorBox error={search.error} />
      {page ? (
        <>
          <Table
            id="audit"
            caption={`${t('navAudit')}: ${page.subject}`}
            head={[t('at'), t('action'), t('actor'), t('groups'), t('route'), t('reason'), t('reference')]}
            rows={page.items.map((e) => [
              time(e.at),
              e.action,
              <Code key="a">{e.actor}</Code>,
              e.actorGroups.join(', '),
              e.purpose.route,
              e.purpose.reason ?? '',
              e.purpose.reference ?? '',
            ])}
          />
          {page.nextCursor ? (
            <button type="button" onClick={() => search.run(page.subject, page.nextCursor)}>
              {t('more')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
