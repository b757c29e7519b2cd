import { COMPONENT_KINDS, type ComponentKind } from '@gantry/contracts';
import { wholeNumberSetting } from '@gantry/platform';
import { DEFAULT_SIGNED_KINDS } from './deployment-verifications';

/** How verification probes and waits: read once from the environment (see the README's configuration table). */
export interface VerificationPolicy {
  /**
   * Hosts `http-health` probes may reach (`host` or `host:port`, lower case). A probe to any other host is refused
   * without a request being sent: verification must not become a way to make the network call anywhere.
   */
  allowedProbeHosts: readonly string[];
  /** time between two probes of one criterion */
  probeIntervalMs: number;
  /** one probe's timeout, unless the criterion names its own `timeoutMs` */
  probeTimeoutMs: number;
  /** probes in a row that must succeed, unless the criterion names `consecutiveSuccesses` */
  consecutiveSuccesses: number;
  /** how long after execution the acceptance criteria may take to be met (an `http-health` may name its own) */
  evaluationDeadlineMs: number;
  /** the signing policy: component kinds whose versions must carry a signature that verifies (GANTRY_SIGNED_KINDS) */
  signedKinds: readonly ComponentKind[];
}

/** GANTRY_SIGNED_KINDS: component kinds, comma-separated; unset: software, configuration, data, workstation images and driver packages; `none`: no kind. */
function signedKindsFrom(env: NodeJS.ProcessEnv): readonly ComponentKind[] {
  const raw = env.GANTRY_SIGNED_KINDS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SIGNED_KINDS;
  if (raw === 'none') return [];
  const kinds = raw.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.find((k) => !(COMPONENT_KINDS as readonly string[]).includes(k));
  if (unknown) throw new Error(`GANTRY_SIGNED_KINDS holds component kinds (${COMPONENT_KINDS.join(', ')}) or none, got "${unknown}"`);
  return kinds as ComponentKind[];
}

/** From GANTRY_PROBE_ALLOWED_HOSTS (none), GANTRY_PROBE_INTERVAL_MS (2000), GANTRY_PROBE_TIMEOUT_MS (5000), GANTRY_PROBE_CONSECUTIVE_SUCCESSES (3), GANTRY_VERIFICATION_DEADLINE_MS (600000), GANTRY_SIGNED_KINDS (software, configuration, data, workstation-image, driver-package). */
export function verificationPolicyFromEnv(env: NodeJS.ProcessEnv): VerificationPolicy {
  const hosts = (env.GANTRY_PROBE_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const invalid = hosts.find((h) => !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/.test(h));
  if (invalid) throw new Error(`GANTRY_PROBE_ALLOWED_HOSTS holds host or host:port entries separated by commas, got "${invalid}"`);
  return {
    allowedProbeHosts: hosts,
    probeIntervalMs: wholeNumberSetting(env, 'GANTRY_PROBE_INTERVAL_MS', 2000, 10),
    probeTimeoutMs: wholeNumberSetting(env, 'GANTRY_PROBE_TIMEOUT_MS', 5000, 10),
    consecutiveSuccesses: wholeNumberSetting(env, 'GANTRY_PROBE_CONSECUTIVE_SUCCESSES', 3, 1),
    evaluationDeadlineMs: wholeNumberSetting(env, 'GANTRY_VERIFICATION_DEADLINE_MS', 600_000, 100),
    signedKinds: signedKindsFrom(env),
  };
}

/** Whether a URL's host (with its port, or without when the entry names none) is on the allow-list. */
export const probeAllowed = (url: string, policy: Pick<VerificationPolicy, 'allowedProbeHosts'>): boolean => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const host = parsed.hostname.toLowerCase();
  const withPort = parsed.port ? `${host}:${parsed.port}` : host;
  return policy.allowedProbeHosts.some((entry) => entry === withPort || entry === host);
};
