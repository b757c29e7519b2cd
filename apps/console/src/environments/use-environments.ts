import { useQuery } from '@tanstack/react-query';
import type { Freeze, WeeklyWindow } from '../schedule/calendar';
import { useSignedIn } from '../context';

/** `GET /environments`' environments, as far as the console reads them (planning's README, "Environments"). */
export interface EnvironmentView {
  name: string;
  status: string;
  definition: { kind: string; position: number; timeZone: string; deploymentWindows: WeeklyWindow[]; freezes: Freeze[] };
}

/** Every environment, with its definition (one query, shared by the views that name environments). */
export function useEnvironments() {
  const { gantry } = useSignedIn();
  return useQuery({ queryKey: ['environments'], queryFn: async () => (await gantry.get('/environments')).data.environments as EnvironmentView[] });
}
