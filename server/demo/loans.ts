import { DAY, HOUR } from '../../shared/util/time';

/**
 * The loan system of the synthetic population. Loans run on Beijing time
 * (UTC+8, no DST) whatever the borrower's zone, as a lender's ledger does:
 * a due date is a Beijing calendar day, and the daily refresh of the
 * `days_to_due` / `amount_due` traits happens at 08:00 Beijing, before the
 * "due in 3 days" segment enrols at 09:00.
 */
const LEDGER_OFFSET = 8 * HOUR;

/** Beijing day number of instant `t` (days since 1970-01-01 in UTC+8). */
export const ledgerDay = (t: number): number => Math.floor((t + LEDGER_OFFSET) / DAY);
/** The instant a Beijing day starts. */
export const ledgerDayStart = (day: number): number => day * DAY - LEDGER_OFFSET;
/** `YYYY-MM-DD` of a Beijing day. */
export const ledgerDate = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
/** The refresh instant of a Beijing day: 08:00 there (00:00 UTC). */
export const refreshAt = (day: number): number => ledgerDayStart(day) + 8 * HOUR;

export interface Instalment {
  /** 1-based */
  n: number;
  dueDay: number;
  amount: number;
  /** when it was repaid, or null (defaulted, or not yet) */
  repaidAt: number | null;
}

export interface Loan {
  id: string;
  drawnAt: number;
  amount: number;
  termMonths: number;
  instalments: Instalment[];
}

export interface LoanState {
  amount_due: number;
  days_to_due: number | null;
  due_date: string | null;
  loan_status: 'active' | 'overdue' | 'repaid';
}

/** Instalments of a loan: one every 30 days, principal in equal parts plus the month's interest. */
export function scheduleOf(drawnAt: number, amount: number, termMonths: number, dailyRatePer1000: number): Omit<Instalment, 'repaidAt'>[] {
  const first = ledgerDay(drawnAt);
  const each = Math.round((amount / termMonths + (amount * dailyRatePer1000 * 30) / 1000) * 100) / 100;
  return Array.from({ length: termMonths }, (_, k) => ({ n: k + 1, dueDay: first + 30 * (k + 1), amount: each }));
}

/**
 * What the loan system says about a borrower at `t`: the instalment due next
 * (the first not repaid by `t`, of loans drawn by `t`), or "repaid" once every
 * loan is settled; null before the first loan.
 */
export function loanStateAt(loans: readonly Loan[], t: number): LoanState | null {
  let any = false;
  for (const loan of loans) {
    if (loan.drawnAt > t) break;
    any = true;
    const open = loan.instalments.find((i) => i.repaidAt === null || i.repaidAt > t);
    if (!open) continue;
    const days = open.dueDay - ledgerDay(t);
    return { amount_due: open.amount, days_to_due: days, due_date: ledgerDate(open.dueDay), loan_status: days < 0 ? 'overdue' : 'active' };
  }
  return any ? { amount_due: 0, days_to_due: null, due_date: null, loan_status: 'repaid' } : null;
}

/** When the instalment now open at `t` became the one to pay: its loan's draw, or the previous instalment's repayment. */
export function cycleStartAt(loans: readonly Loan[], t: number): number | null {
  for (const loan of loans) {
    if (loan.drawnAt > t) break;
    let start = loan.drawnAt;
    for (const i of loan.instalments) {
      if (i.repaidAt === null || i.repaidAt > t) return start;
      start = i.repaidAt;
    }
  }
  return null;
}

export const sameLoanState = (a: LoanState | null, b: LoanState | null): boolean =>
  a === b || (a !== null && b !== null && a.amount_due === b.amount_due && a.days_to_due === b.days_to_due && a.due_date === b.due_date && a.loan_status === b.loan_status);
