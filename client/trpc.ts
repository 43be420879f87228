import { createTRPCClient, httpBatchLink, type TRPCLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '../server/trpc/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type JourneySummary = RouterOutputs['journeys']['list'][number];
export type JourneyDetail = RouterOutputs['journeys']['get'];
export type JourneyStatus = JourneySummary['status'];

/** The tRPC error code of a failed call, if it came from the server (`UNAUTHORIZED`, `FORBIDDEN`, …). */
export function trpcErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data = (error as { data?: { code?: unknown } | null }).data;
  return typeof data?.code === 'string' ? data.code : undefined;
}

/**
 * Watches every call, queries, mutations and direct `client.x.mutate()` alike
 * (the journey autosave bypasses React Query), and reports a lost session once
 * per failing call, then passes the error on unchanged.
 */
function unauthorizedLink(onUnauthorized: () => void): TRPCLink<AppRouter> {
  return () =>
    ({ next, op }) =>
      observable((observer) => {
        const sub = next(op).subscribe({
          next: (value) => observer.next(value),
          error: (err) => {
            if (trpcErrorCode(err) === 'UNAUTHORIZED') onUnauthorized();
            observer.error(err);
          },
          complete: () => observer.complete(),
        });
        return () => sub.unsubscribe();
      });
}

export interface TrpcClientOptions {
  /** called when the server answers UNAUTHORIZED (no or expired session) */
  onUnauthorized?: () => void;
}

/**
 * Plain-JSON tRPC over HTTP, same origin (Vite proxies /trpc to the server in
 * dev). Every request carries `x-journeys-client: web`: the server refuses a
 * mutation without it, which a cross-site form or fetch cannot add (CSRF).
 */
export function makeTrpcClient(baseUrl = '', options: TrpcClientOptions = {}) {
  // maxItems: the server refuses a batch of more than 20 calls (server/http/trpcGuard.ts), so a busy page splits its batches
  const http = httpBatchLink({ url: `${baseUrl}/trpc`, headers: { 'x-journeys-client': 'web' }, maxItems: 20 });
  const { onUnauthorized } = options;
  return createTRPCClient<AppRouter>({ links: onUnauthorized ? [unauthorizedLink(onUnauthorized), http] : [http] });
}
