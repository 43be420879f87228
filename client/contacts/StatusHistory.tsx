import { useT } from '../i18n/useT';
import { usePolicyWords } from '../i18n/policyReason';
import { messageStatusMessages } from '../i18n/registryMessages';
import type { MessageStatus } from '../../shared/outbox/status';
import { useState } from 'react';
import type { TimelineMessage } from './timelineModel';
import { timeNear } from './zonedFormat';

type Change = TimelineMessage['history'][number];

/** Longer histories (retries) fold; the last changes and every decision stay in view. */
const FOLD_OVER = 6;
const KEEP_LAST = 3;

/**
 * A message's status changes, each policy decision in words in place of its bare status
 * ("deferred by quiet hours until 09:00 Asia/Shanghai"), and each provider error.
 */
export function StatusHistory({ message: m, tz }: { message: TimelineMessage; tz: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const folds = m.history.length > FOLD_OVER && !open;
  const rows = m.history.map((h, i) => ({ h, i })).filter(({ h, i }) => !folds || h.decision || i >= m.history.length - KEEP_LAST);
  const hidden = m.history.length - rows.length;
  const failures = m.history.filter((h) => h.status === 'failed').length;

  return (
    <ol className="ct-history" aria-label={t('history.label')}>
      {rows.map(({ h, i }) => (
        <Row key={i} change={h} createdAt={m.created_at} tz={tz} />
      ))}
      {(folds || open) && m.history.length > FOLD_OVER && (
        <li>
          <button type="button" className="linkbtn ct-fold" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t('history.fewer') : t('history.all', { n: m.history.length, hidden, failures })}
          </button>
        </li>
      )}
    </ol>
  );
}

function Row({ change: h, createdAt, tz }: { change: Change; createdAt: number; tz: string }) {
  const t = useT();
  const words = usePolicyWords();
  // the decision by its reason code, in the reader's language; the server's English when it sent no code
  const decision = h.decision && h.reason && (h.status === 'deferred' || h.status === 'suppressed') ? words.decision({ status: h.status, reason: h.reason, until: h.until }, tz) : h.decision;
  return (
    <li>
      <time dateTime={new Date(h.at).toISOString()}>{timeNear(h.at, createdAt, tz)}</time>
      {decision ? (
        <span className={`ct-decision ct-decision--${h.status}`}>{decision}</span>
      ) : (
        <span className={`status status--${h.status}`}>{h.status in messageStatusMessages ? t(messageStatusMessages[h.status as MessageStatus]) : h.status}</span>
      )}
      {h.error && <span className="ct-error">{t('history.error', { error: h.error })}</span>}
    </li>
  );
}
