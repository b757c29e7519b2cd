import { createContext, useContext } from 'react';
import type { GantryClient } from '@gantry/client';
import type { Session } from './session';

export interface SignedIn {
  gantry: GantryClient;
  session: Session;
}

export const SignedInContext = createContext<SignedIn | undefined>(undefined);

export function useSignedIn(): SignedIn {
  const signedIn = useContext(SignedInContext);
  if (!signedIn) throw new Error('useSignedIn outside a signed-in console');
  return signedIn;
}
