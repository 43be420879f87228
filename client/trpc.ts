import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../server/trpc/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type JourneySummary = RouterOutputs['journeys']['list'][number];
export type JourneyDetail = RouterOutputs['journeys']['get'];
export type JourneyStatus = JourneySummary['status'];

/** Plain-JSON tRPC over HTTP, same origin (Vite proxies /trpc to the server in dev). */
export function makeTrpcClient(baseUrl = '') {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc` })] });
}
