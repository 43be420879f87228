import { createContext, useContext } from 'react';

/**
 * The journey an editor shows, for pieces deep inside it that call the API
 * about it (a send node's "Send test…"). Absent in stories and other editors:
 * those pieces then render nothing.
 */
export const JourneyContext = createContext<{ journeyId: string } | null>(null);

export const useJourneyId = (): string | null => useContext(JourneyContext)?.journeyId ?? null;
