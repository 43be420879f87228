import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { matchLocale, type Locale } from '../../shared/i18n/locales';
import { useTRPC } from '../trpc';
import { useLocale } from './I18nProvider';

/**
 * Tells the I18nProvider what only a signed-in frame knows: the account's
 * saved language (`auth.me`), the workspace's default language and its time
 * zone (`workspace.get`).
 */
export function useLearnLocale(saved: Locale | null | undefined): void {
  const trpc = useTRPC();
  const { learn } = useLocale();
  const ws = useQuery({ ...trpc.workspace.get.queryOptions(), enabled: saved !== undefined });
  const workspace = ws.data ? matchLocale(ws.data.locale) : undefined;
  const timeZone = ws.data?.timezone;
  useEffect(() => {
    if (saved !== undefined) learn({ saved });
  }, [saved, learn]);
  useEffect(() => {
    if (workspace !== undefined) learn({ workspace, ...(timeZone ? { timeZone } : {}) });
  }, [workspace, timeZone, learn]);
}
