import { useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { Decorator } from '@storybook/react-vite';
import { TRPCProvider } from '../trpc';
import { CatalogueContext, type Catalogue } from '../inspector/catalogue';
import { createMockTrpcClient, type MockServerOptions } from './mockTrpc';
import { storyCatalogue } from './library';

export interface StoryProvidersProps extends MockServerOptions {
  /** what the pickers offer; default: the shipped library */
  catalogue?: Catalogue;
  children: ReactNode;
}

/**
 * What the app gives a journey page, for one story: a QueryClient, the tRPC
 * context over an in-memory server (client/stories/mockTrpc.ts) and the
 * catalogue of templates and segments. Fresh per mount, so one story's cache
 * or saved segment never leaks into the next.
 */
export function StoryProviders({ catalogue = storyCatalogue, children, ...server }: StoryProvidersProps) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } }));
  const [trpcClient] = useState(() => createMockTrpcClient(server));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <CatalogueContext.Provider value={catalogue}>{children}</CatalogueContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** Storybook decorator: `decorators: [withStoryProviders]`. */
export const withStoryProviders: Decorator = (Story) => (
  <StoryProviders>
    <Story />
  </StoryProviders>
);

/** The decorator with server options, e.g. a slow server to show loading states. */
export const withMockServer =
  (options: MockServerOptions): Decorator =>
  (Story) => (
    <StoryProviders {...options}>
      <Story />
    </StoryProviders>
  );
