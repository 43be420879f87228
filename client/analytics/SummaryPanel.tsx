import { useQuery } from '@tanstack/react-query';
import { channelLabels } from '../../shared/journey/channels';
import { useTRPC } from '../trpc';
import type { OverlayParams } from './useOverlay';

const yuan = (x: number | null) => (x === null ? '–' : `¥${x.toLocaleString('en-US', { maximumFractionDigits: 2 })}`);

/** The journey at a glance while the overlay is on: entries, who is inside now, exits, and per channel what it sent, converted and cost. */
export function SummaryPanel({ journeyId, params }: { journeyId: string; params: OverlayParams }) {
  const trpc = useTRPC();
  const s = useQuery({
    ...trpc.analytics.journeySummary.queryOptions({ journeyId, ...(params.version ? { version: params.version } : {}), ...(params.from ? { from: params.from } : {}), ...(params.to ? { to: params.to } : {}) }),
    refetchInterval: 10_000,
  });
  if (s.isPending) return <p className="panel muted">Loading…</p>;
  if (s.isError) return <p className="panel sf__errors">{s.error.message}</p>;
  const d = s.data;
  return (
    <section className="panel" aria-label="Journey summary">
      <h2 className="panel__title">Journey</h2>
      <dl className="summary__facts">
        <dt>Entered</dt>
        <dd>{d.entered.toLocaleString('en-US')}</dd>
        <dt>In the journey now</dt>
        <dd>{d.active.toLocaleString('en-US')}</dd>
        {Object.entries(d.exits).map(([reason, n]) => (
          <FragmentRow key={reason} label={`Exited: ${reason}`} value={n} />
        ))}
      </dl>
      <table className="table funnel__variants" aria-label="By channel">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col" className="num">
              Sent
            </th>
            <th scope="col" className="num">
              Converted{d.goal ? ` (${d.goal})` : ''}
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Per conversion
            </th>
          </tr>
        </thead>
        <tbody>
          {d.byChannel.map((c) => (
            <tr key={c.channel}>
              <th scope="row">{channelLabels[c.channel]}</th>
              <td className="num">{c.sent.toLocaleString('en-US')}</td>
              <td className="num">{c.converted.toLocaleString('en-US')}</td>
              <td className="num">{yuan(c.cost)}</td>
              <td className="num">{yuan(c.costPerConversion)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="sf__help">Select a node for its funnel. Conversions count per node reached, within the goal’s attribution window.</p>
    </section>
  );
}

function FragmentRow({ label, value }: { label: string; value: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value.toLocaleString('en-US')}</dd>
    </>
  );
}
