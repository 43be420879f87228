import { useState, type SubmitEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Headset } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { LoadError, Loading } from '../components/QueryState';
import { QueueTable } from './QueueTable';
import { agentSettingsProblem, capacityMax, teamMax } from './agentSettings';

export type StaffedAgent = RouterOutputs['agentTasks']['agents'][number];

/**
 * The admin's staffing of the call centre (Users page): each agent-role
 * user's team and daily capacity, and every queue today with what is beyond
 * its capacity, so the admin sees where more hands are needed.
 */
export function AgentStaffing() {
  const t = useT();
  const trpc = useTRPC();
  const agents = useQuery(trpc.agentTasks.agents.queryOptions());
  const queues = useQuery(trpc.agentTasks.queues.queryOptions());
  return (
    <section className="card agent-staffing" aria-labelledby="agent-staffing-title">
      <h2 id="agent-staffing-title">
        <Headset size={16} aria-hidden /> {t('agent.staff.title')}
      </h2>
      <p className="muted">{t('agent.staff.lede')}</p>
      {queues.data && <QueueTable queues={queues.data} />}
      {agents.isPending ? (
        <Loading what={t('agent.staff.loading')} />
      ) : agents.isError ? (
        <LoadError error={agents.error} />
      ) : agents.data.length === 0 ? (
        <p className="muted">{t('agent.staff.none')}</p>
      ) : (
        <table className="table" aria-label={t('agent.staff.title')}>
          <thead>
            <tr>
              <th scope="col">{t('signIn.login')}</th>
              <th scope="col">{t('agent.team')}</th>
              <th scope="col">{t('agent.staff.capacity')}</th>
              <th scope="col">{t('deadLetters.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.data.map((a) => (
              <AgentSettingsRow key={a.userId} agent={a} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One agent's team and daily capacity, edited in place. */
export function AgentSettingsRow({ agent: a }: { agent: StaffedAgent }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [team, setTeam] = useState(a.team);
  const [capacity, setCapacity] = useState(a.dailyCapacity);
  const problem = agentSettingsProblem(t, team, capacity);
  const save = useMutation(
    trpc.agentTasks.setAgent.mutationOptions({
      onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: trpc.agentTasks.agents.queryKey() }), qc.invalidateQueries({ queryKey: trpc.agentTasks.queues.queryKey() })]),
    }),
  );
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!problem) save.mutate({ userId: a.userId, team: team.trim(), dailyCapacity: capacity });
  };
  const form = `agent-${a.userId}`;
  return (
    <tr className={a.active ? undefined : 'user--inactive'}>
      <td>
        <code>{a.login}</code>
        {!a.active && <span className="muted"> {t('users.deactivated')}</span>}
      </td>
      <td>
        <input form={form} type="text" aria-label={t('agent.staff.teamOf', { login: a.login })} maxLength={teamMax} value={team} onChange={(e) => setTeam(e.target.value)} />
      </td>
      <td>
        <input
          form={form}
          type="number"
          aria-label={t('agent.staff.capacityOf', { login: a.login })}
          min={0}
          max={capacityMax}
          step={1}
          value={Number.isNaN(capacity) ? '' : capacity}
          onChange={(e) => setCapacity(e.target.valueAsNumber)}
        />
      </td>
      <td>
        <form id={form} aria-label={t('agent.staff.of', { login: a.login })} onSubmit={submit}>
          <button type="submit" className="btn btn--small" disabled={problem !== null || save.isPending}>
            {t('agent.staff.save')}
          </button>
        </form>
        {problem && <p className="form-error">{problem}</p>}
        {save.isSuccess && (
          <p className="user__done" role="status">
            {t('agent.staff.saved', { login: a.login })}
          </p>
        )}
        {save.isError && (
          <p className="form-error" role="alert">
            {errorText(save.error)}
          </p>
        )}
      </td>
    </tr>
  );
}
