import { seededRng } from '../../shared/util/hash';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { ledgerDate, ledgerDay, ledgerDayStart, scheduleOf, type Instalment, type Loan } from './loans';
import {
  acquisitionChannels,
  applicationSteps,
  cities,
  dailyRates,
  deviceOs,
  englishFirst,
  englishLast,
  givenNames,
  lenders,
  offeredLimits,
  phonePrefixes,
  pick,
  pickWeighted,
  riskReasons,
  surnames,
  timeZones,
} from './pools';

/**
 * The funnel of DOMAIN.md, per registered contact: of 8,000 who register,
 * 6,400 start an application, 3,200 pass the app's risk check and 640 are
 * approved by the lender; some of those draw, repay, and borrow again.
 * Rates here are conditional on the previous stage unless said otherwise.
 */
export const funnelRates = {
  /** of registered: ever open the app (the rest registered on H5 and stop there) */
  login: 0.86,
  /** of registered: start an application (only users who logged in can) */
  apply: 0.8,
  /** per verification step: drop out there… */
  stepAbandon: 0.07,
  /** …and come back a few days later */
  stepResume: 0.2,
  /** of submitted applications (0.8 × 0.944⁴ × 0.63 ≈ 0.40 of registered) */
  riskPass: 0.63,
  /** of risk-passed (≈ 0.08 of registered) */
  lenderApprove: 0.2,
  /** of approved: draw the first loan */
  draw: 0.6,
  /** per loan: every instalment on time / some late / stop paying */
  repayOnTime: 0.88,
  repayLate: 0.09,
  /** after settling a loan: borrow again */
  reborrow: 0.45,
  /** of logged in who never apply: tap "borrow now" once */
  borrowClick: 0.35,
  smsOptOut: 0.015,
  english: 0.06,
  email: 0.15,
} as const;

export type Happening = { at: number; kind: 'track'; event: string; properties: Record<string, unknown> } | { at: number; kind: 'identify'; traits: Record<string, unknown> };

export interface ContactStory {
  index: number;
  externalId: string;
  registeredAt: number;
  phone: string;
  email: string | null;
  timezone: string;
  /** traits as the H5 sign-up sent them (registered_at, phone and time zone included) */
  traits: Record<string, unknown>;
  /** what the contact does after registering, in time order, up to the population's `until` */
  happenings: Happening[];
  /** loans drawn, with every instalment's repayment (the loan system's view; see loans.ts) */
  loans: Loan[];
}

export interface PopulationOptions {
  /** contacts registered in the `spanDays` before `anchor` */
  contacts: number;
  seed: number;
  /** "now" of the population: registrations spread over the `spanDays` before it */
  anchor: number;
  spanDays?: number;
  /** generate activity (and new registrations at the same pace) up to here; default `anchor` */
  until?: number;
}

export interface Population {
  options: Required<PopulationOptions>;
  /** ordered by registration (ids follow sign-up time, as in a real workspace) */
  stories: ContactStory[];
}

/** Sign-ups grow over the year: density ∝ 1 + GROWTH·x for x ∈ [0, 1] (x = 1 is the anchor). */
const GROWTH = 1;
const densityAtEnd = (1 + GROWTH) / (1 + GROWTH / 2);
const inverseCdf = (u: number): number => (-1 + Math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2))) / GROWTH;

const externalIdOf = (i: number): string => `u${String(i).padStart(6, '0')}`;

/** Generate the population: pure and deterministic in (contacts, seed, anchor, spanDays, until). */
export function generatePopulation(o: PopulationOptions): Population {
  const options = withDefaults(o);
  return { options, stories: [...populationStories(options)] };
}

const withDefaults = (o: PopulationOptions): Required<PopulationOptions> => ({ spanDays: 365, until: o.anchor, ...o });

/**
 * The population's stories one by one, in registration order, without
 * holding them all: a million-contact seed streams through this.
 */
export function* populationStories(o: PopulationOptions): Generator<ContactStory> {
  const options = withDefaults(o);
  const rng = seededRng(options.seed);
  const span = options.spanDays * DAY;
  // after the anchor, sign-ups go on at the year's final pace
  const gap = span / (options.contacts * densityAtEnd);
  const extra = options.until > options.anchor ? Math.floor((options.until - options.anchor) / gap) : 0;
  for (let i = 0; i < options.contacts + extra; i++) {
    const r = (k: string) => rng(`${i}:${k}`);
    const past = i < options.contacts;
    const base = past ? options.anchor - span * (1 - inverseCdf((i + r('reg')) / options.contacts)) : options.anchor + (i - options.contacts + r('reg')) * gap;
    const s = storyOf(i, base, past ? options.anchor : options.until, r, options.until);
    if (s.registeredAt <= options.until) yield s;
  }
}

/** Move `t` into local waking hours (08:00–23:00 at UTC offset `offsetH`), never backwards. */
function daytime(t: number, offsetH: number, u: number): number {
  const h = ((((t + offsetH * HOUR) % DAY) + DAY) % DAY) / HOUR;
  if (h < 8) return t + (8 - h + u * 4) * HOUR;
  if (h >= 23) return t + (32 - h + u * 4) * HOUR;
  return t;
}

const expDelay = (u: number, mean: number, cap: number): number => Math.min(cap, -mean * Math.log(1 - u));
const between = (u: number, a: number, b: number): number => a + u * (b - a);

function storyOf(i: number, registeredRaw: number, latest: number, r: (k: string) => number, until: number): ContactStory {
  const f = funnelRates;
  const { zone, offset } = pickWeighted(timeZones, r('tz'));
  const day = (t: number, k: string) => daytime(t, offset, r(k));
  // sign-ups happen in the daytime, but never after `latest` (the population's "now")
  const daytimeSignUp = day(registeredRaw, 'regday');
  const registeredAt = Math.round(daytimeSignUp <= latest ? daytimeSignUp : registeredRaw);
  const externalId = externalIdOf(i);
  const english = r('en') < f.english;
  const name = english ? `${pick(englishFirst, r('n1'))} ${pick(englishLast, r('n2'))}` : `${pick(surnames, r('n1'))}${pick(givenNames, r('n2'))}`;
  const phone = `+86${pick(phonePrefixes, r('p1'))}${String(Math.floor(r('p2') * 1e8)).padStart(8, '0')}`;
  const email = r('email') < f.email ? `${externalId}@mail.example.com` : null;
  const os = pickWeighted(deviceOs, r('os'));
  let limit = pickWeighted(offeredLimits, r('limit'));
  const dailyRate = pickWeighted(dailyRates, r('rate'));
  const traits: Record<string, unknown> = {
    name,
    phone,
    ...(email ? { email } : {}),
    device_os: os,
    acquisition_channel: pickWeighted(acquisitionChannels, r('acq')),
    city: pickWeighted(cities, r('city')),
    timezone: zone,
    locale: english ? 'en' : 'zh-CN',
    limit,
    daily_rate: dailyRate,
    registered_at: new Date(registeredAt).toISOString(),
  };
  const h: Happening[] = [];
  const track = (at: number, event: string, properties: Record<string, unknown> = {}) => h.push({ at: Math.round(at), kind: 'track', event, properties });
  const identify = (at: number, t: Record<string, unknown>) => h.push({ at: Math.round(at), kind: 'identify', traits: t });
  const loans: Loan[] = [];

  if (r('optout') < f.smsOptOut) track(day(registeredAt + expDelay(r('optoutT'), 20 * DAY, 200 * DAY), 'optoutD'), 'unsubscribed', { channel: 'sms' });

  if (r('login') < f.login) {
    const firstLogin = r('l0') < 0.97 ? registeredAt + between(r('l0t'), 1, 20) * MINUTE : day(registeredAt + expDelay(r('l0t'), 2 * DAY, 30 * DAY), 'l0d');
    track(firstLogin, 'app_login', { os, first: true });
    let busyUntil = firstLogin;
    let approvedAt: number | null = null;
    if (r('apply') < f.apply / f.login) {
      let t = r('a0') < 0.85 ? firstLogin + between(r('a0t'), 1, 20) * MINUTE : day(firstLogin + expDelay(r('a0t'), 5 * DAY, 45 * DAY), 'a0d');
      if (t > firstLogin + HOUR) track(t - MINUTE, 'app_login', { os });
      track(t, 'credit_application_started');
      let submitted = true;
      for (let k = 0; k < applicationSteps.length; k++) {
        const step = applicationSteps[k]!;
        t += between(r(`st${k}`), 1, 12) * MINUTE;
        if (r(`ab${k}`) < f.stepAbandon) {
          track(t, 'credit_step_abandoned', { step, index: k + 1 });
          identify(t, { application_step: step, application_progress: k });
          if (r(`re${k}`) >= f.stepResume) {
            submitted = false;
            break;
          }
          t = day(t + between(r(`ret${k}`), 0.5, 5) * DAY, `red${k}`);
          track(t - MINUTE, 'app_login', { os });
          t += between(r(`st${k}b`), 1, 10) * MINUTE;
        }
        track(t, 'credit_step_completed', { step, index: k + 1 });
      }
      if (submitted) {
        identify(t, { application_step: 'submitted', application_progress: applicationSteps.length });
        t += between(r('riskT'), 1, 30) * MINUTE;
        if (r('risk') >= f.riskPass) {
          track(t, 'credit_rejected', { by: 'risk', reason: pick(riskReasons, r('reason')) });
          identify(t, { credit_status: 'rejected' });
        } else {
          const lender = pick(lenders, r('lender'));
          t = day(t + between(r('lenderT'), 1, 40) * HOUR, 'lenderD');
          if (r('approve') < f.lenderApprove) {
            limit = Math.max(1000, Math.round((limit * between(r('granted'), 0.5, 1.2)) / 500) * 500);
            track(t, 'credit_granted', { limit, lender });
            identify(t, { credit_status: 'approved', limit, lender });
            approvedAt = t;
          } else {
            track(t, 'credit_rejected', { by: 'lender', lender });
            identify(t, { credit_status: 'rejected' });
          }
        }
      }
      busyUntil = t;
    } else if (r('bc') < f.borrowClick) {
      track(firstLogin + between(r('bct'), 1, 8) * MINUTE, 'borrow_clicked', { source: pick(['home_banner', 'limit_card', 'push_landing'], r('bcs')) });
    }
    if (approvedAt !== null && r('draw') < f.draw) {
      let drawnAt = r('d0') < 0.4 ? approvedAt + between(r('d0t'), 5, 240) * MINUTE : day(approvedAt + expDelay(r('d0t'), 4 * DAY, 30 * DAY), 'd0d');
      for (let n = 0; n < 4 && drawnAt <= until; n++) {
        const loan = loanOf(`${externalId}-L${n + 1}`, drawnAt, limit, dailyRate, (k) => r(`L${n}${k}`));
        loans.push(loan);
        track(drawnAt - MINUTE, 'app_login', { os });
        track(drawnAt, 'loan_drawn', { loan_id: loan.id, amount: loan.amount, term_months: loan.termMonths });
        identify(drawnAt, { loans_count: n + 1 });
        for (const inst of loan.instalments) {
          const due = { loan_id: loan.id, instalment: inst.n, amount: inst.amount, due_date: ledgerDate(inst.dueDay) };
          track(ledgerDayStart(inst.dueDay - 3) + 8 * HOUR, 'repayment_due', due);
          if (inst.repaidAt !== null) {
            track(inst.repaidAt - MINUTE, 'app_login', { os });
            track(inst.repaidAt, 'loan_repaid', { loan_id: loan.id, instalment: inst.n, amount: inst.amount, late_days: Math.max(0, ledgerDay(inst.repaidAt) - inst.dueDay) });
          }
        }
        const last = loan.instalments[loan.instalments.length - 1]!;
        busyUntil = Math.max(busyUntil, last.repaidAt ?? ledgerDayStart(last.dueDay));
        if (last.repaidAt === null || r(`rb${n}`) >= f.reborrow) break;
        drawnAt = day(last.repaidAt + expDelay(r(`rbt${n}`), 15 * DAY, 90 * DAY), `rbd${n}`);
      }
    }
    sessions(firstLogin, busyUntil, until, os, r, day, track);
  }
  h.sort((a, b) => a.at - b.at);
  return { index: i, externalId, registeredAt, phone, email, timezone: zone, traits, happenings: h.filter((x) => x.at <= until), loans };
}

/** A loan and its repayments: every instalment on time, some late, or paid until it stops (default). */
function loanOf(id: string, drawnAt: number, limit: number, dailyRate: number, r: (k: string) => number): Loan {
  const amount = Math.max(1000, Math.round((limit * between(r('amt'), 0.3, 1)) / 500) * 500);
  const termMonths = r('term') < 0.6 ? 3 : 6;
  const kind = r('kind');
  const defaultsAt = kind >= funnelRates.repayOnTime + funnelRates.repayLate ? 1 + Math.floor(r('defN') * termMonths) : Number.POSITIVE_INFINITY;
  const late = kind >= funnelRates.repayOnTime;
  let prev = drawnAt;
  const instalments: Instalment[] = scheduleOf(drawnAt, amount, termMonths, dailyRate).map((s) => {
    if (s.n >= defaultsAt) return { ...s, repaidAt: null };
    // on time: mostly on the due day or the day before; late: 1–10 days after
    const offset = late ? 1 + Math.floor(r(`lt${s.n}`) * 10) : -[0, 0, 0, 1, 1, 1, 2, 3][Math.floor(r(`ot${s.n}`) * 8)]!;
    const at = Math.max(prev + HOUR, ledgerDayStart(s.dueDay + offset) + between(r(`h${s.n}`), 9, 22) * HOUR);
    prev = at;
    return { ...s, repaidAt: Math.round(at) };
  });
  return { id, drawnAt, amount, termMonths, instalments };
}

/**
 * App sessions after the first login: frequent at first, fading (each gap
 * 1.4× the last, 12% churn per session), but weekly while a loan is open.
 */
function sessions(
  first: number,
  busyUntil: number,
  until: number,
  os: string,
  r: (k: string) => number,
  day: (t: number, k: string) => number,
  track: (at: number, event: string, p: Record<string, unknown>) => void,
): void {
  let t = first;
  let mean = 2.5 * DAY;
  for (let k = 0; k < 80; k++) {
    const borrowing = t < busyUntil;
    t = day(t + expDelay(r(`s${k}`), borrowing ? 7 * DAY : mean, 120 * DAY), `sd${k}`);
    if (t > until) return;
    if (!borrowing) {
      if (r(`sc${k}`) < 0.12) return;
      mean *= 1.4;
    }
    track(t, 'app_login', { os });
  }
}
