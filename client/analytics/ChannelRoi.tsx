import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { channelMessages } from '../i18n/registryMessages';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RoiSettings } from '../../shared/analytics/roi';
import { formatCount, formatPercent, formatYuan } from '../format';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import './analytics.css';

type Row = RouterOutputs['analytics']['journeySummary']['byChannel'][number];

/** "3.0×" back on top of the spend, or "−45%" when a channel does not pay for itself; "–" without one. */
export const formatRoi = (roi: number | null): string => (roi === null ? '–' : roi >= 0 ? `+${formatPercent(roi)}` : `−${formatPercent(-roi)}`);

/**
 * Per channel, so ops can reorder SMS and robo-call: sends and goal
 * conversions, cost and cost per conversion, drawn loans and, with the
 * workspace's average first loan and margin, revenue and ROI. Loans are
 * attributed (a contact the channel reached within the window), not
 * incremental: the uplift says what the journey caused.
 */
export function ChannelRoi({ rows, goal, roi }: { rows: Row[]; goal: string | null; roi: RoiSettings | null }) {
  const t = useT();
  return (
    <section aria-label={t('roi.label')}>
      <ChannelTable rows={rows} goal={goal} />
      <RoiAssumptions roi={roi} />
    </section>
  );
}

/** The table alone: one row per channel. */
export function ChannelTable({ rows, goal }: { rows: Row[]; goal: string | null }) {
  const t = useT();
  return (
    <table className="table funnel__variants channel-roi" aria-label={t('roi.byChannel')}>
      <thead>
        <tr>
          <th scope="col">{t('field.channel')}</th>
          <th scope="col" className="num">
            {goal ? t('roi.sentConvertedGoal', { goal }) : t('roi.sentConverted')}
          </th>
          <th scope="col" className="num">
            {t('roi.cost')}
          </th>
          <th scope="col" className="num">
            {t('roi.loans')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.channel} data-channel={c.channel}>
            <th scope="row">{t(channelMessages[c.channel])}</th>
            <td className="num">
              {formatCount(c.sent)} · {formatCount(c.converted)}
            </td>
            <td className="num">
              {formatYuan(c.cost)} · {formatYuan(c.costPerConversion)}
            </td>
            <td className="num" data-testid="roi">
              {c.loans === null ? '–' : formatCount(c.loans)} · {formatYuan(c.revenue)} · {formatRoi(c.roi)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The assumptions ROI rests on, named under the table; an admin can set them here. */
function RoiAssumptions({ roi }: { roi: RoiSettings | null }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const admin = useAuth().can('admin');
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(String(roi?.firstLoanValue ?? ''));
  const [margin, setMargin] = useState(roi ? String(roi.margin * 100) : '');
  const save = useMutation(
    trpc.analytics.setRoiSettings.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        return qc.invalidateQueries({ queryKey: trpc.analytics.pathKey() });
      },
    }),
  );
  return (
    <div className="sf__help">
      {roi ? t('roi.assumptions', { loan: formatYuan(roi.firstLoanValue), margin: formatPercent(roi.margin) }) : t('roi.unset')}{' '}
      {admin && !editing && (
        <button type="button" className="btn btn--small" onClick={() => setEditing(true)}>
          {roi ? t('roi.change') : t('roi.set')}
        </button>
      )}
      {editing && (
        <form
          className="channel-roi__form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ firstLoanValue: Number(value), margin: Number(margin) / 100 });
          }}
        >
          <label>
            {t('roi.firstLoan')} <input type="number" min={0} step={100} value={value} onChange={(e) => setValue(e.target.value)} required />
          </label>
          <label>
            {t('roi.margin')} <input type="number" min={0} max={100} step={0.1} value={margin} onChange={(e) => setMargin(e.target.value)} required />
          </label>
          <button type="submit" className="btn btn--primary btn--small" disabled={save.isPending}>
            {t('common.save')}
          </button>
          {save.isError && <span className="sf__errors">{errorText(save.error)}</span>}
        </form>
      )}
    </div>
  );
}
