import { createContext, useContext } from 'react';
import type { GantryClient } from '@gantry/client';
import type { ApiLocation } from './gantry';
import type { Session } from './session';

export interface SignedIn {
  gantry: GantryClient;
  session: Session;
  /** where the API is: for a client of its own (`gantryClient`), e.g. one that counts a download's bytes */
  location: ApiLocation;
}

export const SignedInContext = createContext<SignedIn | undefined>(undefined);

export function useSignedIn(): SignedIn {
  const signedIn = useContext(SignedInContext);
  if (!signedIn) throw new Error('useSignedIn outside a signed-in console');
  return signedIn;
}
