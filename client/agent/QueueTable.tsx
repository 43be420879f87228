import type { RouterOutputs } from '../trpc';
import { useT } from '../i18n/useT';

export type TeamQueue = RouterOutputs['agentTasks']['queues'][number];

/**
 * Every team's queue today: waiting, beyond today's capacity (they wait for a
 * later day's, never dropped), the calls made of the day's capacity, and the
 * agents. The agent's desk, the analyst's hand-over and the admin's staffing
 * show the same table.
 */
export function QueueTable({ queues }: { queues: readonly TeamQueue[] }) {
  const t = useT();
  if (queues.length === 0) return null;
  return (
    <table className="table agent-queues" aria-label={t('agent.queues')}>
      <thead>
        <tr>
          <th scope="col">{t('agent.queue.team')}</th>
          <th scope="col">{t('agent.queue.open')}</th>
          <th scope="col">{t('agent.queue.beyond')}</th>
          <th scope="col">{t('agent.queue.claimedToday')}</th>
          <th scope="col">{t('agent.queue.agents')}</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((q) => (
          <tr key={q.team}>
            <th scope="row">{q.team}</th>
            <td>{q.open}</td>
            <td>{q.beyondCapacity}</td>
            <td>{t('agent.queue.ofCapacity', { claimed: q.claimedToday, capacity: q.capacity })}</td>
            <td>{q.agents}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
