/** A value or a list of errors; the core returns these instead of throwing. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; errors: E[] };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(errors: E[]): { ok: false; errors: E[] } => ({ ok: false, errors });
