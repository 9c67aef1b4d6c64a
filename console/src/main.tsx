import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ConsoleApi, loadConfig, type StaffGroup, type StaffSession } from './api.ts';
import type { ConsoleConfig } from './config.ts';
import { type I18n, I18nContext, i18n, type Key, type Lang, useI18n } from './i18n.ts';
import { AuditPageView } from './pages/audit.tsx';
import { CasesPage } from './pages/cases.tsx';
import { LawEnforcementPage } from './pages/law-enforcement.tsx';
import { ReportsPage } from './pages/reports.tsx';
import { SafeguardingPage } from './pages/safeguarding.tsx';
import { WalletsPage } from './pages/wallets.tsx';
import { WatchlistPage } from './pages/watchlist.tsx';
import { ErrorBox, Field, Notice, useAction } from './ui.tsx';

// The operations console: one page per task, shown to the group whose routes it calls
// (functions/routes.ts `access`). Navigation is the URL's fragment (#/cases…).

interface Page {
  path: string;
  label: Key;
  groups: StaffGroup[];
  view: (props: { api: ConsoleApi }) => preact.JSX.Element;
}

const pages: Page[] = [
  { path: 'cases', label: 'navCases', groups: ['operators'], view: CasesPage },
  { path: 'wallets', label: 'navWallets', groups: ['operators'], view: WalletsPage },
  { path: 'watchlist', label: 'navWatchlist', groups: ['operators'], view: WatchlistPage },
  { path: 'safeguarding', label: 'navSafeguarding', groups: ['operators'], view: SafeguardingPage },
  { path: 'law-enforcement', label: 'navLaw', groups: ['compliance'], view: LawEnforcementPage },
  { path: 'reports', label: 'navReports', groups: ['compliance'], view: ReportsPage },
  { path: 'audit', label: 'navAudit', groups: ['operators', 'compliance'], view: AuditPageView },
];

const currentPath = () => location.hash.replace(/^#\/?/, '');

function App({ config }: { config: ConsoleConfig }) {
  const [lang, setLang] = useState<Lang>(navigator.language.toLowerCase().startsWith('en') ? 'en' : 'vi');
  const [session, setSession] = useState<StaffSession | undefined>();
  const [ended, setEnded] = useState(false);
  const [path, setPath] = useState(currentPath());
  const api = useMemo(
    () =>
      new ConsoleApi(config, () => {
        setSession(undefined);
        setEnded(true);
      }),
    [config],
  );
  const text: I18n = useMemo(() => i18n(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = text.t('appTitle');
  }, [lang, text]);
  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const mine = pages.filter((p) => p.groups.some((g) => session?.groups.includes(g)));
  const page = mine.find((p) => p.path === path) ?? mine[0];
  useEffect(() => {
    if (page && page.path !== path) history.replaceState(null, '', `#/${page.path}`);
  }, [page, path]);

  return (
    <I18nContext.Provider value={text}>
      <a class="skip" href="#main">
        {text.t('skipToContent')}
      </a>
      <header class="top">
        <p class="brand">{text.t('appTitle')}</p>
        <div class="who">
          {session ? (
            <span id="signed-in">
              {text.t('signedInAs')} · {text.t('groups')}: {session.groups.join(', ')}
            </span>
          ) : null}
          <button type="button" lang={lang === 'vi' ? 'en' : 'vi'} onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
            {text.t('switchLanguage')}
          </button>
          {session ? (
            <button
              type="button"
              onClick={async () => {
                await api.signOut();
                setSession(undefined);
              }}
            >
              {text.t('signOut')}
            </button>
          ) : null}
        </div>
      </header>
      {session && page ? (
        <div class="layout">
          <nav aria-label={text.t('appTitle')}>
            <ul>
              {mine.map((p) => (
                <li key={p.path}>
                  <a href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>
                    {text.t(p.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main" tabIndex={-1}>
            <page.view api={api} key={page.path} />
          </main>
        </div>
      ) : (
        <main id="main" tabIndex={-1}>
          <SignIn
            api={api}
            ended={ended}
            onSignedIn={(s) => {
              setEnded(false);
              setSession(s);
            }}
          />
        </main>
      )}
    </I18nContext.Provider>
  );
}

function SignIn({
  api,
  ended,
  onSignedIn,
}: {
  api: ConsoleApi;
  ended: boolean;
  onSignedIn: (s: StaffSession) => void;
}) {
  const { t } = useI18n();
  const [phoneNumber, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction(() => api.signIn(phoneNumber, password));
  return (
    <form
      class="panel sign-in"
      aria-labelledby="sign-in-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const s = await signIn.run();
        if (s) {
          setPassword('');
          onSignedIn(s);
        }
      }}
    >
      <h1 id="sign-in-title">{t('signInTitle')}</h1>
      <p class="hint">{t('signInHint')}</p>
      {ended ? <Notice>{t('sessionEnded')}</Notice> : null}
      <Field id="phone" label={t('phoneNumber')}>
        <input
          id="phone"
          type="tel"
          autocomplete="username"
          required
          maxLength={20}
          value={phoneNumber}
          onInput={(e) => setPhone(e.currentTarget.value)}
        />
      </Field>
      <Field id="password" label={t('password')}>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          required
          maxLength={256}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" disabled={signIn.busy}>
        {t('signIn')}
      </button>
      <ErrorBox error={signIn.error} />
    </form>
  );
}

const root = document.getElementById('app')!;
loadConfig().then(
  (config) => render(<App config={config} />, root),
  (error: Error) => {
    root.textContent = `config.json: ${error.message}`;
  },
);
