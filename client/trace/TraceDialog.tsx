import { useT } from '../i18n/useT';
import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Route } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useErrorText } from '../i18n/serverText';
import { ContactPicker } from './ContactPicker';
import { useTraceWords } from './traceText';
import './trace.css';

type Trace = RouterOutputs['testing']['trace'];

/** A `datetime-local` value for an instant, in the browser's zone (the input speaks no other). */
const localInput = (t: number): string => {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** "Trace one contact…" beside the backtest: the dialog that runs the draft for one contact. */
export function TraceButton({ journeyId, now }: { journeyId: string; now?: number }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn--small" title={t('trace.button.title')} onClick={() => setOpen(true)}>
        <Route size={14} aria-hidden /> {t('trace.button')}
      </button>
      {open && <TraceDialog journeyId={journeyId} now={now ?? Date.now()} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Trace one contact through the draft: pick a real contact and a start time,
 * and read where the draft would take them and why, step by step (the branch
 * conditions with the values they saw, the contact policy's verdicts, the
 * waits and what ended them). The server writes nothing.
 */
export function TraceDialog({ journeyId, now, onClose }: { journeyId: string; now: number; onClose: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [contact, setContact] = useState<string | null>(null);
  const [start, setStart] = useState(() => localInput(now));
  const [asked, setAsked] = useState<{ externalId: string; from: number } | null>(null);
  const trace = useQuery({
    ...trpc.testing.trace.queryOptions({ journeyId, externalId: asked?.externalId ?? '', from: asked?.from ?? 0 }),
    enabled: asked !== null,
    retry: false,
    staleTime: Infinity,
  });
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  const from = new Date(start).getTime();

  return (
    <dialog ref={dialog} className="dialog trace-dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{t('trace.title')}</h2>
      <p className="muted">{t('trace.lede')}</p>
      <ContactPicker label={t('outbox.contact')} value={contact} onChange={setContact} />
      <label className="field">
        <span>{t('trace.entersAt')}</span>
        <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {t('common.close')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={contact === null || !Number.isFinite(from) || trace.isFetching}
          onClick={() => contact !== null && setAsked({ externalId: contact, from })}
        >
          {trace.isFetching ? t('trace.tracing') : t('trace.run')}
        </button>
      </div>
      {trace.isError && (
        <p className="form-error" role="alert">
          {errorText(trace.error)}
        </p>
      )}
      {trace.data && <TraceSteps trace={trace.data} />}
    </dialog>
  );
}

/** The trace as a list of steps: when (in the contact's zone), what, and why. Steps after now are projected (timers only). */
export function TraceSteps({ trace }: { trace: Trace }) {
  const t = useT();
  const tz = trace.contact.timezone;
  const words = useTraceWords(tz);
  return (
    <section aria-label={t('trace.label')}>
      <p className="muted">
        {t('trace.header', { contact: trace.contact.externalId ?? '', tz })} {trace.steps.some((s) => s.projected) && t('trace.projected.help')}
      </p>
      <ol className="trace__steps" aria-label={t('trace.steps')}>
        {trace.steps.map((s, i) => (
          <li key={i} className={`trace__step trace__step--${s.kind}${s.projected ? ' trace__step--projected' : ''}`} data-kind={s.kind}>
            <span className="trace__when">{words.time(s.at)}</span>
            <span className="trace__text">
              {s.node && s.kind !== 'entry' && s.kind !== 'end' ? <span className="muted">{s.node}: </span> : null}
              {words.say(s.say)}
              {s.projected && <span className="muted"> {t('trace.projected')}</span>}
            </span>
            {s.why.length > 0 && (
              <ul className="trace__details">
                {s.why.map((d, j) => (
                  <li key={j} className={'indent' in d && d.indent ? 'trace__detail--case' : undefined}>
                    {words.why(d)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
