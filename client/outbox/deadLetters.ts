import { channelLabels, type Channel } from '../../shared/journey/channels';
import { formatPercent } from '../format';

/** A dead-letter group as the page shows it and the procedures select it. */
export interface DeadLetterGroup {
  channel: Channel;
  error: string | null;
  count: number;
}

/** The error as a person reads it; a message that died without one says so. */
export const errorLabel = (error: string | null): string => error ?? '(no error recorded)';

/** "3 SMS messages failing with HTTP 503": one group in a sentence (confirmations, results). */
export function describeGroup(g: DeadLetterGroup): string {
  return `${g.count.toLocaleString('en-US')} ${channelLabels[g.channel] ?? g.channel} message${g.count === 1 ? '' : 's'} failing with ${errorLabel(g.error)}`;
}

/** The group a page's URL names (`?channel=sms&error=HTTP%20503`; `error` absent: all errors, `error=` empty: none recorded). */
export function selectedGroup(params: URLSearchParams): { channel: Channel; error: string | null } | null {
  const channel = params.get('channel');
  if (!channel || !(channel in channelLabels)) return null;
  const error = params.get('error');
  return { channel: channel as Channel, error: error === null || error === '' ? null : error };
}

/** What a re-drive or discard did, in a line. */
export function resultLine(kind: 'redriven' | 'discarded', n: number): string {
  const what = `${n.toLocaleString('en-US')} message${n === 1 ? '' : 's'}`;
  if (n === 0) return 'Nothing changed: those messages are no longer dead letters.';
  return kind === 'redriven' ? `${what} back in the queue; they go on the next tick, under the same key.` : `${what} discarded: marked failed, never sent.`;
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
export function failingLine(h: ChannelHealthRow, formatTime: (ms: number) => string): string {
  const rate = h.attempts > 0 ? `${formatPercent(h.errorRate)} of the last ${h.attempts.toLocaleString('en-US')} attempts failed` : 'no answer lately';
  return `${channelLabels[h.channel] ?? h.channel} is failing since ${formatTime(h.since)}: ${rate}${h.lastError ? ` (last error: ${h.lastError})` : ''}. Messages are retried; those still failing after the retry horizon become dead letters.`;
}
