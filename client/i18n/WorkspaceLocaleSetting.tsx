import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Locale } from '../../shared/i18n/locales';
import { LocaleOptions } from './LocaleSwitcher';
import { useTRPC } from '../trpc';
import { useT } from './useT';
import { useErrorText } from './serverText';

/** The workspace's default language (for users who chose none and whose browser speaks neither); admins change it. */
export function WorkspaceLocaleSetting({ locale, editable }: { locale: Locale; editable: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const set = useMutation(trpc.workspace.setLocale.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  return (
    <div>
      <label className="field">
        {t('settings.locale')}
        <select value={set.isPending ? set.variables.locale : locale} disabled={!editable || set.isPending} onChange={(e) => set.mutate({ locale: e.target.value as Locale })}>
          <LocaleOptions />
        </select>
      </label>
      <p className="sf__help">{t('settings.locale.help')}</p>
      {set.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(set.error)}
        </p>
      )}
    </div>
  );
}
