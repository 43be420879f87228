import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { TRPCProvider, makeTrpcClient, trpcErrorCode } from './trpc';
import { redirectToSignIn } from './auth/session';
import { router } from './router';
import { I18nProvider } from './i18n/I18nProvider';

/** A refusal (no session, missing role) answers the same the second time: do not retry it. */
const final = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: (failures, error) => failures < 1 && !final.has(trpcErrorCode(error) ?? '') },
    },
  });
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  // every call that finds the session gone (query, mutation or the autosave's direct call) goes to /sign-in?next=…
  const [trpcClient] = useState(() => makeTrpcClient('', { onUnauthorized: redirectToSignIn }));
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <RouterProvider router={router} />
        </TRPCProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
