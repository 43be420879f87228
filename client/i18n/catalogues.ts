import type { Locale } from '../../shared/i18n/locales';
import en from './messages/en.json';
import zhCN from './messages/zh-CN.json';

/** A catalogue: message id → ICU message. */
export type Messages = Record<string, string>;

/** The message catalogues, one per locale (client/i18n/catalogue.test.ts keeps them complete and in step with the code). */
export const catalogues: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
