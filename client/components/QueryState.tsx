import type { ReactNode } from 'react';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';

/** Loading and error placeholders shared by pages; `what` is already in the reader's language. */
export function Loading({ what }: { what: string }) {
  const t = useT();
  return (
    <div className="placeholder" role="status">
      {t('common.loading', { what })}
    </div>
  );
}

export function LoadError({ error, children }: { error: { message: string }; children?: ReactNode }) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <div className="placeholder placeholder--error" role="alert">
      <strong>{t('common.loadError')}</strong> {errorText(error)}
      {children}
    </div>
  );
}
