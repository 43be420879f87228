import type { JourneyStatus } from '../trpc';

/** What the journeys list can be narrowed to, besides the archived/active split. */
export const statusFilters = ['all', 'draft', 'live', 'paused', 'errored'] as const;
export type StatusFilter = (typeof statusFilters)[number];

/** The list's filters as the URL keeps them (`?q=&status=&view=archived`), so a view survives a reload and can be shared. */
export interface JourneyFilter {
  search: string;
  status: StatusFilter;
  /** archived journeys are listed apart: this view shows only them, the default view never */
  archived: boolean;
}

export function readJourneyFilter(params: URLSearchParams): JourneyFilter {
  const status = params.get('status') ?? 'all';
  return { search: params.get('q') ?? '', status: (statusFilters as readonly string[]).includes(status) ? (status as StatusFilter) : 'all', archived: params.get('view') === 'archived' };
}

/** `params` with the filter written in (defaults are left out of the URL). */
export function writeJourneyFilter(params: URLSearchParams, f: JourneyFilter): URLSearchParams {
  const next = new URLSearchParams(params);
  const put = (k: string, v: string, dflt: string) => (v === dflt ? next.delete(k) : next.set(k, v));
  put('q', f.search, '');
  put('status', f.status, 'all');
  put('view', f.archived ? 'archived' : '', '');
  return next;
}

interface Listed {
  name: string;
  description: string;
  status: JourneyStatus;
  error: string | null;
}

/** Lower case, accents folded: "Réactivation" is found by "reactivation". */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** True when every word of the search appears in the journey's name or description. */
export function matchesSearch(j: Pick<Listed, 'name' | 'description'>, search: string): boolean {
  const hay = fold(`${j.name}\n${j.description}`);
  return fold(search)
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

const matchesStatus = (j: Listed, status: StatusFilter): boolean => {
  if (status === 'all') return true;
  // errored is over a status (a live journey the engine stopped working), as the badge shows it
  if (status === 'errored') return j.error !== null;
  return j.status === status && j.error === null;
};

/** The journeys the list shows for a filter, in the order given. */
export function filterJourneys<J extends Listed>(journeys: readonly J[], f: JourneyFilter): J[] {
  return journeys.filter((j) => (j.status === 'archived') === f.archived && (f.archived || matchesStatus(j, f.status)) && matchesSearch(j, f.search));
}

/** How many journeys each view holds (the tab counts), search and status aside. */
export function countByView(journeys: readonly Pick<Listed, 'status'>[]): { active: number; archived: number } {
  const archived = journeys.filter((j) => j.status === 'archived').length;
  return { active: journeys.length - archived, archived };
}
