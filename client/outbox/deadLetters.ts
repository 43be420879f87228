import { channelLabels, type Channel } from '../../shared/journey/channels';
import { formatPercent } from '../format';
import { channelMessages } from '../i18n/registryMessages';
import type { Translate } from '../i18n/useT';

const channelName = (t: Translate, c: Channel): string => (c in channelMessages ? t(channelMessages[c]) : c);

/** A dead-letter group as the page shows it and the procedures select it. */
export interface DeadLetterGroup {
  channel: Channel;
  error: string | null;
  count: number;
}

/** The error as a person reads it; a message that died without one says so. */
export const errorLabel = (t: Translate, error: string | null): string => error ?? t('deadLetters.noError');

/** "3 SMS messages failing with HTTP 503": one group in a sentence (confirmations, results). */
export function describeGroup(t: Translate, g: DeadLetterGroup): string {
  return t('deadLetters.group', { n: g.count, channel: channelName(t, g.channel), error: errorLabel(t, g.error) });
}

/** The group a page's URL names (`?channel=sms&error=HTTP%20503`; `error` absent: all errors, `error=` empty: none recorded). */
export function selectedGroup(params: URLSearchParams): { channel: Channel; error: string | null } | null {
  const channel = params.get('channel');
  if (!channel || !(channel in channelLabels)) return null;
  const error = params.get('error');
  return { channel: channel as Channel, error: error === null || error === '' ? null : error };
}

/** What a re-drive or discard did, in a line. */
export function resultLine(t: Translate, kind: 'redriven' | 'discarded', n: number): string {
  if (n === 0) return t('deadLetters.nothing');
  return kind === 'redriven' ? t('deadLetters.redriven', { n }) : t('deadLetters.discarded', { n });
}

export interface ChannelHealthRow {
  channel: Channel;
  state: 'healthy' | 'failing';
  attempts: number;
  failures: number;
  errorRate: number;
  lastError: string | null;
  since: number;
}

/** The banner's sentence for a failing channel: which, how badly, since when, why. */
export function failingLine(t: Translate, h: ChannelHealthRow, formatTime: (ms: number) => string): string {
  const rate = h.attempts > 0 ? t('health.rate', { rate: formatPercent(h.errorRate), n: h.attempts }) : t('health.noAnswer');
  const values = { channel: channelName(t, h.channel), since: formatTime(h.since), rate };
  return h.lastError ? t('health.failing.withError', { ...values, error: h.lastError }) : t('health.failing', values);
}
