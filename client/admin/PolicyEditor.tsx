import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useTRPC } from '../trpc';
import { channelLabels, channels, type Channel } from '../../shared/journey/channels';
import { ContactPolicy, type Cap, type QuietHours } from '../../shared/policy/policy';
import { GuardrailsFields, guardrailWords } from './GuardrailsFields';
import { GlobalControlField, globalControlWords } from '../analytics/GlobalControlField';
import './settings.css';

const windowWords = (h: number): string => (h % 24 === 0 ? `${h / 24} day${h === 24 ? '' : 's'}` : `${h} h`);
const capWords = (c: Cap): string => `at most ${c.max} ${c.channel === 'all' ? 'messages' : channelLabels[c.channel]} per ${windowWords(c.windowHours)}`;
const quietWords = (q: QuietHours): string => `no ${q.channels.map((ch) => channelLabels[ch]).join(' or ')} from ${q.from} to ${q.to}`;

/**
 * What the contact policy means for each channel, robo-calls included: the
 * caps that hold it (its own and the total), its quiet hours, and that
 * opt-outs always apply. Everyone reads it; the engine applies it to every
 * journey's every message.
 */
export function PolicyByChannel({ policy }: { policy: ContactPolicy }) {
  const total = policy.caps.filter((c) => c.channel === 'all');
  return (
    <table className="table policy__table" aria-label="Contact policy per channel">
      <thead>
        <tr>
          <th>Channel</th>
          <th>Caps (marketing)</th>
          <th>Quiet hours</th>
          <th>Opt-outs</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((ch) => {
          const caps = policy.caps.filter((c) => c.channel === ch);
          const quiet = policy.quietHours.filter((q) => q.channels.includes(ch));
          return (
            <tr key={ch}>
              <th scope="row">{channelLabels[ch]}</th>
              <td>
                {caps.length ? caps.map((c, i) => <div key={i}>{capWords(c)}</div>) : ch !== 'voice' && <span className="muted">{total.length ? 'only the total' : 'no cap'}</span>}
                {ch === 'voice' && <div>{`at most ${policy.guardrails.robocalls.maxPerWeek} per 7 days (guardrail)`}</div>}
              </td>
              <td>
                {quiet.length ? quiet.map((q, i) => <div key={i}>{`${q.from}–${q.to}`}</div>) : ch !== 'voice' && <span className="muted">none</span>}
                {ch === 'voice' && <div>{`calls only ${policy.guardrails.robocalls.from}–${policy.guardrails.robocalls.to} on calling days`}</div>}
              </td>
              <td>honoured</td>
            </tr>
          );
        })}
        {total.length > 0 && (
          <tr>
            <th scope="row">All channels together</th>
            <td>
              {total.map((c, i) => (
                <div key={i}>{capWords(c)}</div>
              ))}
            </td>
            <td />
            <td />
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** The policy as a list of rules: read-only words, or (admins) a form that saves through policy.set. */
export function PolicyRules({ policy, editable }: { policy: ContactPolicy; editable: boolean }) {
  if (!editable)
    return (
      <>
        <h3>Frequency caps (marketing messages, across all journeys)</h3>
        <ul>
          {policy.caps.map((c) => (
            <li key={`${c.channel}-${c.windowHours}-${c.max}`}>{capWords(c)}</li>
          ))}
        </ul>
        <h3>Quiet hours (in each contact's own time zone)</h3>
        <ul>
          {policy.quietHours.map((q) => (
            <li key={`${q.from}-${q.to}-${q.channels.join()}`}>{quietWords(q)}</li>
          ))}
        </ul>
        <h3>Lending guardrails</h3>
        <ul>
          {guardrailWords(policy.guardrails).map((words) => (
            <li key={words}>{words}</li>
          ))}
        </ul>
        <p>{globalControlWords(policy.globalControl)}</p>
      </>
    );
  return <PolicyForm policy={policy} />;
}

function PolicyForm({ policy }: { policy: ContactPolicy }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ContactPolicy>(policy);
  const save = useMutation(trpc.policy.set.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.policy.get.queryKey() }) }));
  const parsed = ContactPolicy.safeParse(draft);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const setCap = (i: number, c: Partial<Cap>) => setDraft({ ...draft, caps: draft.caps.map((x, k) => (k === i ? { ...x, ...c } : x)) });
  const setQuiet = (i: number, q: Partial<QuietHours>) => setDraft({ ...draft, quietHours: draft.quietHours.map((x, k) => (k === i ? { ...x, ...q } : x)) });
  const changed = JSON.stringify(draft) !== JSON.stringify(policy);

  return (
    <form
      className="policy__form"
      aria-label="Edit the contact policy"
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.success) save.mutate(parsed.data);
      }}
    >
      <h3>Frequency caps (marketing messages, across all journeys)</h3>
      {draft.caps.map((c, i) => (
        <div className="policy__row" key={i} role="group" aria-label={`Cap ${i + 1}`}>
          at most
          <input type="number" min={0} max={1000} aria-label="Messages" value={Number.isFinite(c.max) ? c.max : ''} onChange={(e) => setCap(i, { max: e.target.valueAsNumber })} />
          <select aria-label="Channel" value={c.channel} onChange={(e) => setCap(i, { channel: e.target.value as Cap['channel'] })}>
            <option value="all">messages (all channels)</option>
            {channels.map((ch) => (
              <option key={ch} value={ch}>
                {channelLabels[ch]}
              </option>
            ))}
          </select>
          per
          <input
            type="number"
            min={1}
            max={2160}
            aria-label="Window (hours)"
            value={Number.isFinite(c.windowHours) ? c.windowHours : ''}
            onChange={(e) => setCap(i, { windowHours: e.target.valueAsNumber })}
          />
          hours
          <button type="button" className="btn btn--icon" aria-label={`Remove cap ${i + 1}`} onClick={() => setDraft({ ...draft, caps: draft.caps.filter((_, k) => k !== i) })}>
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, caps: [...draft.caps, { channel: 'voice', max: 1, windowHours: 72 }] })}>
        <Plus size={14} aria-hidden /> Add a cap
      </button>
      <h3>Quiet hours (in each contact's own time zone)</h3>
      {draft.quietHours.map((q, i) => (
        <div className="policy__row" key={i} role="group" aria-label={`Quiet hours ${i + 1}`}>
          no
          {channels.map((ch: Channel) => (
            <label key={ch} className="check">
              <input type="checkbox" checked={q.channels.includes(ch)} onChange={(e) => setQuiet(i, { channels: e.target.checked ? [...q.channels, ch] : q.channels.filter((x) => x !== ch) })} />
              {channelLabels[ch]}
            </label>
          ))}
          from
          <input type="time" aria-label="From" value={q.from} onChange={(e) => setQuiet(i, { from: e.target.value })} />
          to
          <input type="time" aria-label="To" value={q.to} onChange={(e) => setQuiet(i, { to: e.target.value })} />
          <button type="button" className="btn btn--icon" aria-label={`Remove quiet hours ${i + 1}`} onClick={() => setDraft({ ...draft, quietHours: draft.quietHours.filter((_, k) => k !== i) })}>
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, quietHours: [...draft.quietHours, { channels: ['voice'], from: '20:00', to: '09:00' }] })}>
        <Plus size={14} aria-hidden /> Add quiet hours
      </button>
      <GuardrailsFields value={draft.guardrails} onChange={(guardrails) => setDraft({ ...draft, guardrails })} />
      <GlobalControlField
        value={draft.globalControl}
        onChange={(globalControl) => {
          const { globalControl: _, ...rest } = draft;
          setDraft(globalControl === undefined ? rest : { ...rest, globalControl });
        }}
      />
      {problems.length > 0 && (
        <ul className="sf__errors" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {save.isError && (
        <p className="banner banner--error" role="alert">
          {save.error.message}
        </p>
      )}
      {save.isSuccess && !changed && (
        <p className="banner banner--ok" role="status">
          Saved. Every journey's next message obeys it.
        </p>
      )}
      <div className="policy__actions">
        <button type="submit" className="btn btn--primary" disabled={!parsed.success || !changed || save.isPending}>
          Save policy
        </button>
        {changed && (
          <button type="button" className="btn" onClick={() => setDraft(policy)}>
            Undo changes
          </button>
        )}
      </div>
    </form>
  );
}

/** What a billed unit is on each channel: what the forecast and the cost figures multiply. */
const unitWords: Record<Channel, string> = { sms: 'per SMS part', push: 'per push', voice: 'per robo-call', email: 'per email', webhook: 'per webhook call', agent_call: 'per agent call' };

/** The workspace's unit prices in yuan: admins edit them, everyone reads them. */
export function UnitPricesSetting({ prices, editable }: { prices: Record<Channel, number>; editable: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Record<Channel, number>>(prices);
  const save = useMutation(trpc.workspace.setUnitPrices.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const valid = channels.every((ch) => Number.isFinite(draft[ch]) && draft[ch] >= 0 && draft[ch] <= 100);
  const changed = channels.some((ch) => draft[ch] !== prices[ch]);
  return (
    <form
      className="prices"
      aria-label="Unit prices"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) save.mutate(draft);
      }}
    >
      <dl className="settings__facts">
        {channels.map((ch) => (
          <div key={ch} className="prices__row">
            <dt>
              <label htmlFor={`price-${ch}`}>{channelLabels[ch]}</label>
            </dt>
            <dd>
              ¥{' '}
              {editable ? (
                <input
                  id={`price-${ch}`}
                  type="number"
                  min={0}
                  max={100}
                  step={0.001}
                  value={Number.isFinite(draft[ch]) ? draft[ch] : ''}
                  onChange={(e) => setDraft({ ...draft, [ch]: e.target.valueAsNumber })}
                />
              ) : (
                <span id={`price-${ch}`}>{prices[ch]}</span>
              )}{' '}
              <span className="muted">{unitWords[ch]}</span>
            </dd>
          </div>
        ))}
      </dl>
      {editable && (
        <button type="submit" className="btn" disabled={!valid || !changed || save.isPending}>
          Save prices
        </button>
      )}
      {save.isError && (
        <p className="banner banner--error" role="alert">
          {save.error.message}
        </p>
      )}
    </form>
  );
}
