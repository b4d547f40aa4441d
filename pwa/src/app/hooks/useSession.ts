import { createContext, useContext } from 'react';
import type { Session } from '../../net/session.ts';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext>');
  return session;
}
