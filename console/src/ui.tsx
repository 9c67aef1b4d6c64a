import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { problemText, WalletProblem } from './api.ts';
import { useI18n } from './i18n.ts';

/** A labelled form control: the label names the control for screen readers. */
export function Field(props: { id: string; label: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t, problem } = useI18n();
  if (!error) return null;
  const known = error instanceof WalletProblem ? problem(error.code) : undefined;
  return (
    <p class="error" role="alert">
      <strong>{t('error')}:</strong> {known ? `${known} (${(error as WalletProblem).code})` : problemText(error)}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

/** A table with a caption and column headers; `rows` of cells, or "nothing here". */
export function Table(props: { caption: string; head: string[]; rows: ComponentChildren[][]; id?: string }) {
  const { t } = useI18n();
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.head.length}>{t('none')}</td>
            </tr>
          ) : (
            props.rows.map((cells, i) => (
              <tr key={i}>
                {cells.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Loads once and on `reload()`: `{ data, error, loading }`. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => setState({ error, loading: false }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** Runs a submitted form's action: `busy` while it runs, its `error` or its `result`. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [state, setState] = useState<{ busy: boolean; error?: unknown; result?: T }>({ busy: false });
  const run = async (...args: A) => {
    setState({ busy: true });
    try {
      const result = await action(...args);
      setState({ busy: false, result });
      return result;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  };
  return { ...state, run, reset: () => setState({ busy: false }) };
}

export const short = (id: string): string => (id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id);

export function Code({ children }: { children: string }) {
  return (
    <code class="id" title={children}>
      {children}
    </code>
  );
}
