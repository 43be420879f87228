import { useState, type SubmitEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Headset, PhoneCall } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useT } from '../i18n/useT';
import { msg } from '../i18n/messageIds';
import { LoadError, Loading } from '../components/QueryState';
import { ContactTimeline } from '../contacts/ContactTimeline';
import { callOutcomes, noteMax, type CallOutcome } from '../../shared/agentTasks/outcomes';
import { useAuth } from '../auth/AuthContext';
import { useErrorText } from '../i18n/serverText';
import { QueueTable } from './QueueTable';
import { CallCentreFiles } from './CallCentreFiles';

type Current = NonNullable<RouterOutputs['agentTasks']['desk']['current']>;

/** Each outcome's words (shared/agentTasks/outcomes.ts lists them). */
export const outcomeMessages: Record<CallOutcome, string> = {
  reached: msg('agent.outcome.reached'),
  no_answer: msg('agent.outcome.no_answer'),
  wrong_number: msg('agent.outcome.wrong_number'),
  promised_to_draw: msg('agent.outcome.promised_to_draw'),
  refused: msg('agent.outcome.refused'),
  opt_out: msg('agent.outcome.opt_out'),
};

/** How many of a timeline's entries the desk shows: the recent story is what a call needs. */
const TIMELINE_LIMIT = 30;

/**
 * The Agent page: the team queues; for an agent, the call on their desk (who,
 * their number, the script, what happened to them lately) and the outcome
 * form, or with nothing on the desk the button that claims the next call;
 * for an analyst, the outside call centre's files (export, import outcomes).
 */
export function AgentPage() {
  const t = useT();
  const trpc = useTRPC();
  const { can } = useAuth();
  const queues = useQuery({ ...trpc.agentTasks.queues.queryOptions(), refetchInterval: 30_000 });
  return (
    <main className="page agent-page">
      <h1>
        <Headset size={20} aria-hidden /> {t('agent.title')}
      </h1>
      {queues.data && <QueueTable queues={queues.data} />}
      {can('agent') && <AgentDesk />}
      {can('analyst') && queues.data && <CallCentreFiles queues={queues.data} />}
    </main>
  );
}

/** The agent's own desk: the call they hold, or the button that claims the next one. */
function AgentDesk() {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const desk = useQuery(trpc.agentTasks.desk.queryOptions());
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: trpc.agentTasks.desk.queryKey() }), qc.invalidateQueries({ queryKey: trpc.agentTasks.queues.queryKey() })]);
  const claim = useMutation(
    trpc.agentTasks.claimNext.mutationOptions({
      onSuccess: (r) => {
        setNotice(r.current ? null : r.why === 'capacity' ? t('agent.capacityReached', { claimed: r.claimedToday, capacity: r.dailyCapacity }) : t('agent.empty'));
        return refresh();
      },
    }),
  );

  return desk.isPending ? (
    <Loading what={t('agent.loading')} />
  ) : desk.isError ? (
    <LoadError error={desk.error} />
  ) : desk.data.current ? (
    <Desk key={desk.data.current.task.id} current={desk.data.current} onRecorded={(outcome) => (setNotice(t('agent.recorded', { outcome: t(outcomeMessages[outcome]) })), refresh())} />
  ) : (
    <section className="card" aria-labelledby="agent-next">
      <h2 id="agent-next">{t('agent.next')}</h2>
      {notice && (
        <p className="banner" role="status">
          {notice}
        </p>
      )}
      {claim.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(claim.error)}
        </p>
      )}
      <button type="button" className="btn btn--primary" disabled={claim.isPending} onClick={() => claim.mutate()}>
        <PhoneCall size={14} aria-hidden /> {t('agent.claimNext')}
      </button>
    </section>
  );
}

/** The call on the desk: who to call and what to say, the outcome form, and the contact's recent timeline. */
function Desk({ current, onRecorded }: { current: Current; onRecorded: (outcome: CallOutcome) => unknown }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const [outcome, setOutcome] = useState<CallOutcome | null>(null);
  const [note, setNote] = useState('');
  const record = useMutation(trpc.agentTasks.recordOutcome.mutationOptions({ onSuccess: (r) => onRecorded(r.outcome) }));
  const { task, contact } = current;
  const name = typeof contact.traits.name === 'string' ? contact.traits.name : (contact.externalId ?? contact.anonymousId ?? '');
  const limit = contact.traits.limit;
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (outcome) record.mutate({ taskId: task.id, outcome, note });
  };

  return (
    <>
      <section className="card agent-call" aria-labelledby="agent-call-title">
        <h2 id="agent-call-title">{t('agent.call.title', { name })}</h2>
        <dl className="ct-facts">
          <div className="ct-fact">
            <dt>{t('agent.phone')}</dt>
            <dd>{contact.phone ? <a href={`tel:${contact.phone}`}>{contact.phone}</a> : <span className="muted">{t('journeys.none')}</span>}</dd>
          </div>
          {(typeof limit === 'number' || typeof limit === 'string') && (
            <div className="ct-fact">
              <dt>{t('agent.limit')}</dt>
              <dd>{String(limit)}</dd>
            </div>
          )}
          <div className="ct-fact">
            <dt>{t('agent.timezone')}</dt>
            <dd>{contact.timezone}</dd>
          </div>
          <div className="ct-fact">
            <dt>{t('agent.team')}</dt>
            <dd>{task.team}</dd>
          </div>
        </dl>
        {task.script && (
          <>
            <h3>{t('agent.script')}</h3>
            <p className="agent-script">{task.script}</p>
          </>
        )}
        <form onSubmit={submit} aria-labelledby="agent-call-title">
          <fieldset className="agent-outcomes">
            <legend>{t('agent.outcome')}</legend>
            {callOutcomes.map((o) => (
              <label key={o} className="agent-outcome">
                <input type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} /> {t(outcomeMessages[o])}
              </label>
            ))}
          </fieldset>
          <label className="field">
            {t('agent.note')}
            <textarea rows={3} maxLength={noteMax} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          {record.isError && (
            <p className="banner banner--error" role="alert">
              {errorText(record.error)}
            </p>
          )}
          <button type="submit" className="btn btn--primary" disabled={!outcome || record.isPending}>
            {t('agent.record')}
          </button>
        </form>
      </section>
      <ContactTimeline timeline={current.timeline} limit={TIMELINE_LIMIT} />
    </>
  );
}
