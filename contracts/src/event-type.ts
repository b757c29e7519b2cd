import type { Service } from './topics';

/** CloudEvents `type` of an event: `gantry.<service>.<EventName>.v<version>`. */
export const eventType = <S extends Service, N extends string, V extends number = 1>(
  service: S,
  name: N,
  version: V = 1 as V,
): `gantry.${S}.${N}.v${V}` => `gantry.${service}.${name}.v${version}`;
