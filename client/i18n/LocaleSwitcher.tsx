import { useMutation } from '@tanstack/react-query';
import { Languages } from 'lucide-react';
import { locales, type Locale } from '../../shared/i18n/locales';
import { useTRPC } from '../trpc';
import { useLocale } from './I18nProvider';
import { useT } from './useT';

/** Each language named in itself, so anyone finds their own whatever is shown now. */
const names: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

/** The languages as a select's options, each named in itself (the header's switcher and the workspace default). */
export function LocaleOptions() {
  return locales.map((l) => (
    <option key={l} value={l} lang={l}>
      {names[l]}
    </option>
  ));
}

/** The header's language switcher: shows the choice at once and saves it on the account (`auth.setLocale`). */
export function LocaleSwitcher() {
  const t = useT();
  const trpc = useTRPC();
  const { locale, choose } = useLocale();
  const save = useMutation(trpc.auth.setLocale.mutationOptions());
  return (
    <label className="topbar__locale">
      <Languages size={14} aria-hidden />
      <select
        aria-label={t('locale.switcher')}
        value={locale}
        onChange={(e) => {
          const next = e.target.value as Locale;
          choose(next);
          save.mutate({ locale: next });
        }}
      >
        <LocaleOptions />
      </select>
    </label>
  );
}
