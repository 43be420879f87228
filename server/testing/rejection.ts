import { expect } from 'vitest';
import { TRPCError } from '@trpc/server';

/** The TRPCError a procedure call rejected with (the test fails if it resolved or threw something else). */
export async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError;
}
