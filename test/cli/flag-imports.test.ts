/**
 * `streamflow --help`, `<command> --help` and every flag error answer before a command's
 * dependencies load (DuckDB, the AWS SDK, kafkajs, Powertools, the Snowflake driver, ECharts,
 * faker): importing them costs 1–1.5 s, more than the answer. Checked on the source itself: the
 * static imports reachable from the launcher, which loads a command module only by `import()`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Packages a flag error must not wait for. */
const HEAVY = ['@duckdb/node-api', '@aws-sdk/', '@aws-lambda-powertools/', 'kafkajs', 'snowflake-sdk', 'echarts', '@faker-js/faker', '@middy/', 'aws-msk-iam-sasl-signer-js'];

/** Value imports (not `import type`, not `import()`) of one module: relative paths and packages. */
const staticImportsOf = (file: string): string[] => {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) specifiers.push(match[1]!);
  return specifiers;
};

/** Every package reached from `entry` through static value imports, with the chain that reaches it. */
const packagesReachedFrom = (entry: string): Map<string, string[]> => {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImportsOf(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')), [...chain, specifier]);
      else if (!specifier.startsWith('node:') && !reached.has(specifier)) reached.set(specifier, [...chain, specifier]);
    }
  };
  visit(join(REPO, entry), [entry]);
  return reached;
};

describe('what the CLI loads before a command runs', () => {
  it('reaches none of the heavy packages from the launcher, the command registry or any command\'s flags', () => {
    // Prepare / Act
    const heavy = [...packagesReachedFrom('bin/streamflow.ts')].filter(([name]) => HEAVY.some((prefix) => name.startsWith(prefix)));

    // Assess: the chain says which import to make lazy.
    expect(heavy.map(([, chain]) => chain.join(' → '))).toEqual([]);
  });

  it('sees a heavy package where one is imported statically (the check can fail)', () => {
    // Prepare / Act
    const reached = packagesReachedFrom('bin/commands/load.ts');

    // Assess
    expect([...reached.keys()]).toContain('@duckdb/node-api');
  });
});
