import { createIntl } from 'react-intl';
import type { Locale } from '../../shared/i18n/locales';
import { catalogues } from './catalogues';
import { translator, type Translate } from './useT';

/** A `t` over the real catalogue of a locale, for tests of pure helpers that take one. */
export function translatorFor(locale: Locale): Translate {
  return translator(createIntl({ locale, messages: catalogues[locale] }));
}
