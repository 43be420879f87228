import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { resolveLocale, type Locale } from '../../shared/i18n/locales';
import { setActiveFormat } from '../format';
import { catalogues } from './catalogues';

/** What the language is chosen from: the account's saved setting, the browser's languages, the workspace's default. */
export interface LocaleSources {
  saved?: Locale | null;
  browser?: readonly string[];
  workspace?: Locale | null;
  /** the workspace's time zone: dates and times are shown in it */
  timeZone?: string;
}

interface LocaleState {
  locale: Locale;
  timeZone: string;
  /** what the signed-in frame learnt from `auth.me` and `workspace.get` */
  learn: (sources: Omit<LocaleSources, 'browser'>) => void;
  /** the switcher's choice, shown at once (the caller saves it on the account) */
  choose: (locale: Locale) => void;
}

const LocaleContext = createContext<LocaleState | null>(null);

/** The chosen locale and the workspace's zone, or English and Shanghai outside an I18nProvider (as useIntlOrEnglish). */
export function useLocaleOrEnglish(): Pick<LocaleState, 'locale' | 'timeZone'> {
  return useContext(LocaleContext) ?? { locale: 'en', timeZone: 'Asia/Shanghai' };
}

/** The chosen locale and the workspace's time zone, and how to change them. */
export function useLocale(): LocaleState {
  const s = useContext(LocaleContext);
  if (!s) throw new Error('useLocale needs an <I18nProvider> above it');
  return s;
}

const browserLanguages = (): readonly string[] => (typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);

/**
 * The app's language: react-intl's IntlProvider over the catalogue of the
 * locale chosen by `resolveLocale` (saved → browser → workspace default).
 * `locale` pins one (tests, Storybook's toolbar).
 */
export function I18nProvider({ locale: pinned, timeZone: pinnedZone, children }: { locale?: Locale; timeZone?: string; children: ReactNode }) {
  const [sources, setSources] = useState<LocaleSources>(() => ({ browser: browserLanguages() }));
  const locale = pinned ?? resolveLocale(sources);
  const timeZone = pinnedZone ?? sources.timeZone ?? 'Asia/Shanghai';
  // before the children render, so the plain formatting functions they call already speak this locale
  setActiveFormat({ locale, timeZone });
  const learn = useCallback((s: Omit<LocaleSources, 'browser'>) => setSources((prev) => (sameSources(prev, s) ? prev : { ...prev, ...s })), []);
  const choose = useCallback((l: Locale) => setSources((prev) => ({ ...prev, saved: l })), []);
  const state = useMemo(() => ({ locale, timeZone, learn, choose }), [locale, timeZone, learn, choose]);
  // the page's language, for screen readers, hyphenation and the browser's choice of CJK glyphs
  useEffect(() => {
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }, [locale]);
  return (
    <LocaleContext.Provider value={state}>
      <IntlProvider locale={locale} messages={catalogues[locale]} defaultLocale="en" timeZone={timeZone}>
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

function sameSources(a: LocaleSources, b: Omit<LocaleSources, 'browser'>): boolean {
  return (b.saved === undefined || a.saved === b.saved) && (b.workspace === undefined || a.workspace === b.workspace) && (b.timeZone === undefined || a.timeZone === b.timeZone);
}
