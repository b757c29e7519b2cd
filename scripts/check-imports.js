#!/usr/bin/env node
// The lint step's import rules, which ESLint's rules do not cover (`npm run lint` runs this after ESLint):
//   1. no import loop between files (libs, services, contracts), type-only imports included;
//   2. no loop between units: a service's slices (the folders of services/<service>/src/), each file directly in a
//      service's src/, each library, the contracts;
//   3. a slice is reached through its public face only: from outside, `../<slice>` (its index.ts), never a file inside
//      it. Tests (*.spec.ts) may reach inside the slice they test, not into others.
// Prints each violation with the files involved and exits 1 when there is one.
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');
const ts = require('typescript');

function* sources(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const asFile = (path) => [`${path}.ts`, join(path, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());

/** Strongly connected components of more than one node, or of one with an edge to itself (Tarjan). */
function cycles(nodes, edgesOf) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of edgesOf(node)) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edgesOf(node).includes(node)) found.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

/** The violations of the three rules in the repository at `root`. */
function checkImports(root) {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  const aliases = Object.fromEntries(Object.entries(compilerOptions.paths ?? {}).map(([alias, [path]]) => [alias, join(root, path)]));
  const target = (from, specifier) => (aliases[specifier] ? aliases[specifier] : specifier.startsWith('.') ? asFile(resolve(dirname(from), specifier)) : undefined);
  /** `services/planning/src/deployments`, `services/planning/src/planning.module.ts`, `libs/auth`, `contracts` */
  const unitOf = (file) => {
    const parts = relative(root, file).split(sep);
    if (parts[0] === 'services' && parts[2] === 'src') return parts.slice(0, 4).join('/');
    if (parts[0] === 'libs') return parts.slice(0, 2).join('/');
    return parts[0];
  };
  const isSlice = (unit) => /^services\/[^/]+\/src\/[^/]+$/.test(unit) && !unit.endsWith('.ts');
  const show = (file) => relative(root, file).split(sep).join('/');

  const files = ['libs', 'services', 'contracts'].flatMap((dir) => [...sources(join(root, dir))]);
  const known = new Set(files);
  const imports = new Map(
    files.map((file) => [
      file,
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map(({ fileName }) => ({ specifier: fileName, file: target(file, fileName) }))
        .filter((i) => known.has(i.file)),
    ]),
  );
  const violations = [];

  for (const component of cycles(files, (file) => imports.get(file).map((i) => i.file))) {
    violations.push(`import loop between files:\n    ${component.map(show).join('\n    ')}`);
  }

  const unitEdges = new Map();
  for (const [file, list] of imports) {
    if (file.endsWith('.spec.ts')) continue;
    for (const { file: to } of list) {
      const [from, into] = [unitOf(file), unitOf(to)];
      if (from === into) continue;
      if (!unitEdges.has(from)) unitEdges.set(from, new Map());
      if (!unitEdges.get(from).has(into)) unitEdges.get(from).set(into, `${show(file)} → ${show(to)}`);
    }
  }
  const units = [...new Set(files.map(unitOf))];
  for (const component of cycles(units, (unit) => [...(unitEdges.get(unit)?.keys() ?? [])])) {
    const inside = new Set(component);
    const witnesses = component.flatMap((unit) => [...(unitEdges.get(unit) ?? [])].filter(([to]) => inside.has(to)).map(([, witness]) => witness));
    violations.push(`import loop between ${component.join(', ')}:\n    ${witnesses.join('\n    ')}`);
  }

  for (const [file, list] of imports) {
    for (const { specifier, file: to } of list) {
      const [from, into] = [unitOf(file), unitOf(to)];
      if (from !== into && isSlice(into) && to !== join(root, into, 'index.ts')) {
        violations.push(`${show(file)} reaches into slice ${into} ('${specifier}'): import its index.ts`);
      }
    }
  }
  return { files: files.length, units: units.length, violations };
}

module.exports = { checkImports };
if (require.main === module) {
  const { files, units, violations } = checkImports(join(__dirname, '..'));
  if (violations.length > 0) {
    process.stderr.write(`${violations.join('\n')}\n\n${violations.length} import rule violation(s); see scripts/check-imports.js\n`);
    process.exit(1);
  }
  process.stdout.write(`imports: ${files} files in ${units} units, no loops, every slice reached through its index.ts\n`);
}
