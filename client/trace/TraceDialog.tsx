import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Route } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { errorText } from '../components/errorText';
import { ContactPicker } from './ContactPicker';
import './trace.css';

type Trace = RouterOutputs['testing']['trace'];

/** A `datetime-local` value for an instant, in the browser's zone (the input speaks no other). */
const localInput = (t: number): string => {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** "Trace one contact…" beside the backtest: the dialog that runs the draft for one contact. */
export function TraceButton({ journeyId, now }: { journeyId: string; now?: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn--small" title="Where the draft would take one contact, step by step and why; nothing is written" onClick={() => setOpen(true)}>
        <Route size={14} aria-hidden /> Trace one contact…
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
      <h2 id={titleId}>Trace one contact</h2>
      <p className="muted">The saved draft, run for one real contact from the start time with the engine’s own steps and contact policy, over their recorded events. Nothing is written or sent.</p>
      <ContactPicker label="Contact" value={contact} onChange={setContact} />
      <label className="field">
        <span>Enters at (your local time)</span>
        <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          Close
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={contact === null || !Number.isFinite(from) || trace.isFetching}
          onClick={() => contact !== null && setAsked({ externalId: contact, from })}
        >
          {trace.isFetching ? 'Tracing…' : 'Trace'}
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

const formats = new Map<string, Intl.DateTimeFormat>();
function at(t: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return f.format(t);
}

/** The trace as a list of steps: when (in the contact's zone), what, and why. Steps after now are projected (timers only). */
export function TraceSteps({ trace }: { trace: Trace }) {
  const tz = trace.contact.timezone;
  return (
    <section aria-label="Trace">
      <p className="muted">
        {trace.contact.externalId}, times in {tz}. {trace.steps.some((s) => s.projected) && 'Greyed steps lie after now: only timers move them.'}
      </p>
      <ol className="trace__steps" aria-label="Trace steps">
        {trace.steps.map((s, i) => (
          <li key={i} className={`trace__step trace__step--${s.kind}${s.projected ? ' trace__step--projected' : ''}`} data-kind={s.kind}>
            <span className="trace__when">{at(s.at, tz)}</span>
            <span className="trace__text">
              {s.node && s.kind !== 'entry' && s.kind !== 'end' ? <span className="muted">{s.node}: </span> : null}
              {s.text}
              {s.projected && <span className="muted"> (projected)</span>}
            </span>
            {s.details.length > 0 && (
              <ul className="trace__details">
                {s.details.map((d, j) => (
                  <li key={j}>{d}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
