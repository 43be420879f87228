import { weekdays, type Weekday } from '../../shared/util/time';
import type { Guardrails } from '../../shared/policy/guardrails';

const dayLabels: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** The lending guardrails in words, one line each. */
export function guardrailWords(g: Guardrails): string[] {
  const { rejectionCooldown: c, overdue: o, robocalls: r, sleeping: z } = g;
  return [
    c.enabled ? `no marketing for ${c.days} days after "${c.event}" (journeys entered by that event are exempt)` : 'no cooldown after a credit rejection',
    o.enabled ? `no marketing while the trait "${o.trait}" is "${o.value}" (transactional messages still go)` : 'no suppression for overdue repayments',
    `at most ${r.maxPerWeek} marketing robo-calls per contact per 7 days`,
    `robo-calls only ${weekdays
      .filter((d) => r.days.includes(d))
      .map((d) => dayLabels[d])
      .join(', ')} from ${r.from} to ${r.to} in the contact's time zone (reminders too)`,
    z.enabled
      ? `sleeping: ${z.journeys} journeys finished or ${z.reminders} marketing messages in ${z.days} days with no event since; no marketing to them unless a journey includes sleeping contacts`
      : 'no contact is marked sleeping',
  ];
}

/** The guardrails as form fields (admins); the policy form validates and saves them with the rest. */
export function GuardrailsFields({ value, onChange }: { value: Guardrails; onChange: (g: Guardrails) => void }) {
  const { rejectionCooldown: c, overdue: o, robocalls: r, sleeping: z } = value;
  const setCooldown = (x: Partial<Guardrails['rejectionCooldown']>) => onChange({ ...value, rejectionCooldown: { ...c, ...x } });
  const setOverdue = (x: Partial<Guardrails['overdue']>) => onChange({ ...value, overdue: { ...o, ...x } });
  const setCalls = (x: Partial<Guardrails['robocalls']>) => onChange({ ...value, robocalls: { ...r, ...x } });
  const setSleeping = (x: Partial<Guardrails['sleeping']>) => onChange({ ...value, sleeping: { ...z, ...x } });
  return (
    <>
      <h3>Lending guardrails</h3>
      <div className="policy__row" role="group" aria-label="Cooldown after a credit rejection">
        <label className="check">
          <input type="checkbox" checked={c.enabled} onChange={(e) => setCooldown({ enabled: e.target.checked })} />
          No marketing for
        </label>
        <input type="number" min={1} max={365} aria-label="Cooldown (days)" value={Number.isFinite(c.days) ? c.days : ''} onChange={(e) => setCooldown({ days: e.target.valueAsNumber })} />
        days after the event
        <input type="text" aria-label="Rejection event" value={c.event} onChange={(e) => setCooldown({ event: e.target.value })} />
      </div>
      <div className="policy__row" role="group" aria-label="Suppression while a repayment is overdue">
        <label className="check">
          <input type="checkbox" checked={o.enabled} onChange={(e) => setOverdue({ enabled: e.target.checked })} />
          No marketing while the trait
        </label>
        <input type="text" aria-label="Overdue trait" value={o.trait} onChange={(e) => setOverdue({ trait: e.target.value })} />
        is
        <input type="text" aria-label="Overdue value" value={o.value} onChange={(e) => setOverdue({ value: e.target.value })} />
        (transactional messages still go)
      </div>
      <div className="policy__row" role="group" aria-label="Robo-call cap">
        at most
        <input
          type="number"
          min={0}
          max={50}
          aria-label="Robo-calls per week"
          value={Number.isFinite(r.maxPerWeek) ? r.maxPerWeek : ''}
          onChange={(e) => setCalls({ maxPerWeek: e.target.valueAsNumber })}
        />
        marketing robo-calls per contact per 7 days
      </div>
      <div className="policy__row" role="group" aria-label="Calling hours">
        robo-calls only on
        {weekdays.map((d) => (
          <label key={d} className="check">
            <input
              type="checkbox"
              checked={r.days.includes(d)}
              onChange={(e) => setCalls({ days: e.target.checked ? weekdays.filter((x) => x === d || r.days.includes(x)) : r.days.filter((x) => x !== d) })}
            />
            {dayLabels[d]}
          </label>
        ))}
        from
        <input type="time" aria-label="Calling from" value={r.from} onChange={(e) => setCalls({ from: e.target.value })} />
        to
        <input type="time" aria-label="Calling to" value={r.to} onChange={(e) => setCalls({ to: e.target.value })} />
      </div>
      <div className="policy__row" role="group" aria-label="Sleeping contacts">
        <label className="check">
          <input type="checkbox" checked={z.enabled} onChange={(e) => setSleeping({ enabled: e.target.checked })} />
          Mark a contact sleeping after
        </label>
        <input
          type="number"
          min={1}
          max={100}
          aria-label="Journeys finished"
          value={Number.isFinite(z.journeys) ? z.journeys : ''}
          onChange={(e) => setSleeping({ journeys: e.target.valueAsNumber })}
        />
        journeys finished or
        <input
          type="number"
          min={1}
          max={1000}
          aria-label="Marketing messages"
          value={Number.isFinite(z.reminders) ? z.reminders : ''}
          onChange={(e) => setSleeping({ reminders: e.target.valueAsNumber })}
        />
        marketing messages in the last
        <input type="number" min={1} max={365} aria-label="Sleeping window (days)" value={Number.isFinite(z.days) ? z.days : ''} onChange={(e) => setSleeping({ days: e.target.valueAsNumber })} />
        days with no event since (any event wakes them)
      </div>
    </>
  );
}
