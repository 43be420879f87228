import { weekdays, type Weekday } from '../../shared/util/time';
import type { Guardrails } from '../../shared/policy/guardrails';
import { useT, type Translate } from '../i18n/useT';
import { useFormat } from '../i18n/useFormat';

/**
 * The lending guardrails in words, one line each, in the reader's language;
 * `weekday` names a day of the week (useFormat's, through Intl).
 */
export function guardrailWords(t: Translate, g: Guardrails, weekday: (d: Weekday) => string): string[] {
  const { rejectionCooldown: c, overdue: o, robocalls: r, sleeping: z } = g;
  return [
    c.enabled ? t('guardrails.cooldown.on', { days: c.days, event: c.event }) : t('guardrails.cooldown.off'),
    o.enabled ? t('guardrails.overdue.on', { trait: o.trait, value: o.value }) : t('guardrails.overdue.off'),
    t('guardrails.robocalls.cap', { n: r.maxPerWeek }),
    t('guardrails.robocalls.hours', {
      days: weekdays
        .filter((d) => r.days.includes(d))
        .map(weekday)
        .join(t('guardrails.listSeparator')),
      from: r.from,
      to: r.to,
    }),
    z.enabled ? t('guardrails.sleeping.on', { journeys: z.journeys, reminders: z.reminders, days: z.days }) : t('guardrails.sleeping.off'),
  ];
}

/** The guardrails as form fields (admins); the policy form validates and saves them with the rest. */
export function GuardrailsFields({ value, onChange }: { value: Guardrails; onChange: (g: Guardrails) => void }) {
  const t = useT();
  const f = useFormat();
  const { rejectionCooldown: c, overdue: o, robocalls: r, sleeping: z } = value;
  const setCooldown = (x: Partial<Guardrails['rejectionCooldown']>) => onChange({ ...value, rejectionCooldown: { ...c, ...x } });
  const setOverdue = (x: Partial<Guardrails['overdue']>) => onChange({ ...value, overdue: { ...o, ...x } });
  const setCalls = (x: Partial<Guardrails['robocalls']>) => onChange({ ...value, robocalls: { ...r, ...x } });
  const setSleeping = (x: Partial<Guardrails['sleeping']>) => onChange({ ...value, sleeping: { ...z, ...x } });
  return (
    <>
      <h3>{t('guardrails.title')}</h3>
      <div className="policy__row" role="group" aria-label={t('guardrails.cooldown.group')}>
        <label className="check">
          <input type="checkbox" checked={c.enabled} onChange={(e) => setCooldown({ enabled: e.target.checked })} />
          {t('guardrails.cooldown.before')}
        </label>
        <input
          type="number"
          min={1}
          max={365}
          aria-label={t('guardrails.cooldown.days')}
          value={Number.isFinite(c.days) ? c.days : ''}
          onChange={(e) => setCooldown({ days: e.target.valueAsNumber })}
        />
        {t('guardrails.cooldown.after')}
        <input type="text" aria-label={t('guardrails.cooldown.event')} value={c.event} onChange={(e) => setCooldown({ event: e.target.value })} />
      </div>
      <div className="policy__row" role="group" aria-label={t('guardrails.overdue.group')}>
        <label className="check">
          <input type="checkbox" checked={o.enabled} onChange={(e) => setOverdue({ enabled: e.target.checked })} />
          {t('guardrails.overdue.before')}
        </label>
        <input type="text" aria-label={t('guardrails.overdue.trait')} value={o.trait} onChange={(e) => setOverdue({ trait: e.target.value })} />
        {t('guardrails.overdue.is')}
        <input type="text" aria-label={t('guardrails.overdue.value')} value={o.value} onChange={(e) => setOverdue({ value: e.target.value })} />
        {t('guardrails.overdue.after')}
      </div>
      <div className="policy__row" role="group" aria-label={t('guardrails.robocalls.group')}>
        {t('guardrails.robocalls.before')}
        <input
          type="number"
          min={0}
          max={50}
          aria-label={t('guardrails.robocalls.perWeek')}
          value={Number.isFinite(r.maxPerWeek) ? r.maxPerWeek : ''}
          onChange={(e) => setCalls({ maxPerWeek: e.target.valueAsNumber })}
        />
        {t('guardrails.robocalls.after')}
      </div>
      <div className="policy__row" role="group" aria-label={t('guardrails.hours.group')}>
        {t('guardrails.hours.on')}
        {weekdays.map((d) => (
          <label key={d} className="check">
            <input
              type="checkbox"
              checked={r.days.includes(d)}
              onChange={(e) => setCalls({ days: e.target.checked ? weekdays.filter((x) => x === d || r.days.includes(x)) : r.days.filter((x) => x !== d) })}
            />
            {f.weekday(d)}
          </label>
        ))}
        {t('guardrails.hours.from')}
        <input type="time" aria-label={t('guardrails.hours.fromLabel')} value={r.from} onChange={(e) => setCalls({ from: e.target.value })} />
        {t('guardrails.hours.to')}
        <input type="time" aria-label={t('guardrails.hours.toLabel')} value={r.to} onChange={(e) => setCalls({ to: e.target.value })} />
      </div>
      <div className="policy__row" role="group" aria-label={t('guardrails.sleeping.group')}>
        <label className="check">
          <input type="checkbox" checked={z.enabled} onChange={(e) => setSleeping({ enabled: e.target.checked })} />
          {t('guardrails.sleeping.before')}
        </label>
        <input
          type="number"
          min={1}
          max={100}
          aria-label={t('guardrails.sleeping.journeys')}
          value={Number.isFinite(z.journeys) ? z.journeys : ''}
          onChange={(e) => setSleeping({ journeys: e.target.valueAsNumber })}
        />
        {t('guardrails.sleeping.or')}
        <input
          type="number"
          min={1}
          max={1000}
          aria-label={t('guardrails.sleeping.reminders')}
          value={Number.isFinite(z.reminders) ? z.reminders : ''}
          onChange={(e) => setSleeping({ reminders: e.target.valueAsNumber })}
        />
        {t('guardrails.sleeping.inLast')}
        <input
          type="number"
          min={1}
          max={365}
          aria-label={t('guardrails.sleeping.days')}
          value={Number.isFinite(z.days) ? z.days : ''}
          onChange={(e) => setSleeping({ days: e.target.valueAsNumber })}
        />
        {t('guardrails.sleeping.after')}
      </div>
    </>
  );
}
