import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

/** Who is signed in (`auth.me`). Without a session it fails with UNAUTHORIZED, and the tRPC client sends the browser to sign in. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
}
