import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useTRPC } from '../trpc';
import { channels, type Channel } from '../../shared/journey/channels';
import { channelMessages } from '../i18n/registryMessages';
import { ContactPolicy, type Cap, type QuietHours } from '../../shared/policy/policy';
import { GuardrailsFields, guardrailWords } from './GuardrailsFields';
import { GlobalControlField, globalControlWords } from '../analytics/GlobalControlField';
import { useT, type Translate } from '../i18n/useT';
import { useFormat } from '../i18n/useFormat';
import { useErrorText, zodIssueText } from '../i18n/serverText';
import { msg } from '../i18n/messageIds';
import './settings.css';

const windowWords = (t: Translate, h: number): string => (h % 24 === 0 ? t('policy.window.days', { days: h / 24 }) : t('policy.window.hours', { hours: h }));
const capWords = (t: Translate, c: Cap): string =>
  t('policy.cap', { max: c.max, channel: c.channel === 'all' ? t('policy.cap.allMessages') : t(channelMessages[c.channel]), window: windowWords(t, c.windowHours) });
const quietWords = (t: Translate, q: QuietHours): string => t('policy.quiet', { channels: q.channels.map((ch) => t(channelMessages[ch])).join(t('policy.quiet.or')), from: q.from, to: q.to });

/**
 * What the contact policy means for each channel, robo-calls included: the
 * caps that hold it (its own and the total), its quiet hours, and that
 * opt-outs always apply. Everyone reads it; the engine applies it to every
 * journey's every message.
 */
export function PolicyByChannel({ policy }: { policy: ContactPolicy }) {
  const t = useT();
  const total = policy.caps.filter((c) => c.channel === 'all');
  return (
    <table className="table policy__table" aria-label={t('policy.byChannel')}>
      <thead>
        <tr>
          <th>{t('policy.col.channel')}</th>
          <th>{t('policy.col.caps')}</th>
          <th>{t('policy.col.quiet')}</th>
          <th>{t('policy.col.optOuts')}</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((ch) => {
          const caps = policy.caps.filter((c) => c.channel === ch);
          const quiet = policy.quietHours.filter((q) => q.channels.includes(ch));
          return (
            <tr key={ch}>
              <th scope="row">{t(channelMessages[ch])}</th>
              <td>
                {caps.length ? caps.map((c, i) => <div key={i}>{capWords(t, c)}</div>) : ch !== 'voice' && <span className="muted">{total.length ? t('policy.onlyTotal') : t('policy.noCap')}</span>}
                {ch === 'voice' && <div>{t('policy.voiceCap', { n: policy.guardrails.robocalls.maxPerWeek })}</div>}
              </td>
              <td>
                {quiet.length ? quiet.map((q, i) => <div key={i}>{`${q.from}–${q.to}`}</div>) : ch !== 'voice' && <span className="muted">{t('policy.none')}</span>}
                {ch === 'voice' && <div>{t('policy.voiceHours', { from: policy.guardrails.robocalls.from, to: policy.guardrails.robocalls.to })}</div>}
              </td>
              <td>{t('policy.honoured')}</td>
            </tr>
          );
        })}
        {total.length > 0 && (
          <tr>
            <th scope="row">{t('policy.allChannels')}</th>
            <td>
              {total.map((c, i) => (
                <div key={i}>{capWords(t, c)}</div>
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
  const t = useT();
  const f = useFormat();
  if (!editable)
    return (
      <>
        <h3>{t('policy.caps.title')}</h3>
        <ul>
          {policy.caps.map((c) => (
            <li key={`${c.channel}-${c.windowHours}-${c.max}`}>{capWords(t, c)}</li>
          ))}
        </ul>
        <h3>{t('policy.quiet.title')}</h3>
        <ul>
          {policy.quietHours.map((q) => (
            <li key={`${q.from}-${q.to}-${q.channels.join()}`}>{quietWords(t, q)}</li>
          ))}
        </ul>
        <h3>{t('guardrails.title')}</h3>
        <ul>
          {guardrailWords(t, policy.guardrails, f.weekday).map((words) => (
            <li key={words}>{words}</li>
          ))}
        </ul>
        <p>{globalControlWords(t, policy.globalControl)}</p>
      </>
    );
  return <PolicyForm policy={policy} />;
}

function PolicyForm({ policy }: { policy: ContactPolicy }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ContactPolicy>(policy);
  const save = useMutation(trpc.policy.set.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.policy.get.queryKey() }) }));
  const parsed = ContactPolicy.safeParse(draft);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${zodIssueText(t, i)}`);
  const setCap = (i: number, c: Partial<Cap>) => setDraft({ ...draft, caps: draft.caps.map((x, k) => (k === i ? { ...x, ...c } : x)) });
  const setQuiet = (i: number, q: Partial<QuietHours>) => setDraft({ ...draft, quietHours: draft.quietHours.map((x, k) => (k === i ? { ...x, ...q } : x)) });
  const changed = JSON.stringify(draft) !== JSON.stringify(policy);

  return (
    <form
      className="policy__form"
      aria-label={t('policy.edit')}
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.success) save.mutate(parsed.data);
      }}
    >
      <h3>{t('policy.caps.title')}</h3>
      {draft.caps.map((c, i) => (
        <div className="policy__row" key={i} role="group" aria-label={t('policy.capN', { n: i + 1 })}>
          {t('policy.form.atMost')}
          <input type="number" min={0} max={1000} aria-label={t('policy.form.messages')} value={Number.isFinite(c.max) ? c.max : ''} onChange={(e) => setCap(i, { max: e.target.valueAsNumber })} />
          <select aria-label={t('policy.col.channel')} value={c.channel} onChange={(e) => setCap(i, { channel: e.target.value as Cap['channel'] })}>
            <option value="all">{t('policy.form.allChannels')}</option>
            {channels.map((ch) => (
              <option key={ch} value={ch}>
                {t(channelMessages[ch])}
              </option>
            ))}
          </select>
          {t('policy.form.per')}
          <input
            type="number"
            min={1}
            max={2160}
            aria-label={t('policy.form.window')}
            value={Number.isFinite(c.windowHours) ? c.windowHours : ''}
            onChange={(e) => setCap(i, { windowHours: e.target.valueAsNumber })}
          />
          {t('policy.form.hours')}
          <button type="button" className="btn btn--icon" aria-label={t('policy.removeCap', { n: i + 1 })} onClick={() => setDraft({ ...draft, caps: draft.caps.filter((_, k) => k !== i) })}>
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, caps: [...draft.caps, { channel: 'voice', max: 1, windowHours: 72 }] })}>
        <Plus size={14} aria-hidden /> {t('policy.addCap')}
      </button>
      <h3>{t('policy.quiet.title')}</h3>
      {draft.quietHours.map((q, i) => (
        <div className="policy__row" key={i} role="group" aria-label={t('policy.quietN', { n: i + 1 })}>
          {t('policy.form.no')}
          {channels.map((ch: Channel) => (
            <label key={ch} className="check">
              <input type="checkbox" checked={q.channels.includes(ch)} onChange={(e) => setQuiet(i, { channels: e.target.checked ? [...q.channels, ch] : q.channels.filter((x) => x !== ch) })} />
              {t(channelMessages[ch])}
            </label>
          ))}
          {t('policy.form.from')}
          <input type="time" aria-label={t('policy.form.fromLabel')} value={q.from} onChange={(e) => setQuiet(i, { from: e.target.value })} />
          {t('policy.form.to')}
          <input type="time" aria-label={t('policy.form.toLabel')} value={q.to} onChange={(e) => setQuiet(i, { to: e.target.value })} />
          <button
            type="button"
            className="btn btn--icon"
            aria-label={t('policy.removeQuiet', { n: i + 1 })}
            onClick={() => setDraft({ ...draft, quietHours: draft.quietHours.filter((_, k) => k !== i) })}
          >
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => setDraft({ ...draft, quietHours: [...draft.quietHours, { channels: ['voice'], from: '20:00', to: '09:00' }] })}>
        <Plus size={14} aria-hidden /> {t('policy.addQuiet')}
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
          {errorText(save.error)}
        </p>
      )}
      {save.isSuccess && !changed && (
        <p className="banner banner--ok" role="status">
          {t('policy.saved')}
        </p>
      )}
      <div className="policy__actions">
        <button type="submit" className="btn btn--primary" disabled={!parsed.success || !changed || save.isPending}>
          {t('policy.save')}
        </button>
        {changed && (
          <button type="button" className="btn" onClick={() => setDraft(policy)}>
            {t('policy.undo')}
          </button>
        )}
      </div>
    </form>
  );
}

/** What a billed unit is on each channel: what the forecast and the cost figures multiply. */
const unitWords: Record<Channel, string> = {
  sms: msg('policy.unit.sms'),
  push: msg('policy.unit.push'),
  voice: msg('policy.unit.voice'),
  email: msg('policy.unit.email'),
  webhook: msg('policy.unit.webhook'),
  agent_call: msg('policy.unit.agent_call'),
};

/** The workspace's unit prices in yuan: admins edit them, everyone reads them. */
export function UnitPricesSetting({ prices, editable }: { prices: Record<Channel, number>; editable: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Record<Channel, number>>(prices);
  const save = useMutation(trpc.workspace.setUnitPrices.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.workspace.get.queryKey() }) }));
  const valid = channels.every((ch) => Number.isFinite(draft[ch]) && draft[ch] >= 0 && draft[ch] <= 100);
  const changed = channels.some((ch) => draft[ch] !== prices[ch]);
  return (
    <form
      className="prices"
      aria-label={t('settings.unitPrices')}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) save.mutate(draft);
      }}
    >
      <dl className="settings__facts">
        {channels.map((ch) => (
          <div key={ch} className="prices__row">
            <dt>
              <label htmlFor={`price-${ch}`}>{t(channelMessages[ch])}</label>
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
              <span className="muted">{t(unitWords[ch])}</span>
            </dd>
          </div>
        ))}
      </dl>
      {editable && (
        <button type="submit" className="btn" disabled={!valid || !changed || save.isPending}>
          {t('policy.savePrices')}
        </button>
      )}
      {save.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(save.error)}
        </p>
      )}
    </form>
  );
}
