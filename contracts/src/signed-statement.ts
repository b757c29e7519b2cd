/**
 * The signed statement: what a signature of a component version covers. Its exact bytes are the UTF-8 encoding of
 *
 *     gantry.component-version.v1\n<name>\n<version>\n<digest>\n
 *
 * (four lines, each ending in a line feed; `digest` as registered, `sha256:` and 64 lower-case hex digits). Names
 * and versions cannot hold line breaks, so the statement is unambiguous. A vendor signs it with
 * `printf 'gantry.component-version.v1\n%s\n%s\n%s\n' "$NAME" "$VERSION" "$DIGEST" | openssl pkeyutl -sign …`
 * (see services/verification/README.md).
 */
export const signedStatement = (component: { name: string; version: string; digest: string }): string =>
  `gantry.component-version.v1\n${component.name}\n${component.version}\n${component.digest}\n`;
