import { describe, expect, it } from 'vitest';
import { loaderGrantStatements, scriptStatements } from '../../lambdas/warehouse/snowflake-deploy.js';
import { fillVariables, splitStatements } from '../../lambdas/warehouse/sql-script.js';
import { BRONZE_TABLES } from '../../lambdas/shared/contracts/bronze-tables.js';

describe('splitting a deploy script', () => {
  it('splits on the semicolons that end statements, not those in literals, $$ bodies or comments', () => {
    // Prepare
    const script = [
      "-- a comment; with a semicolon",
      "create stage if not exists s comment = 'a; b ''quoted''';",
      '/* block; comment */',
      'create task t as execute immediate $$',
      'begin',
      '    select 1;',
      'end;',
      '$$;',
      'use database d',
    ].join('\n');

    // Act
    const statements = splitStatements(script);

    // Assess
    expect(statements).toEqual([
      "create stage if not exists s comment = 'a; b ''quoted'''",
      'create task t as execute immediate $$\nbegin\n    select 1;\nend;\n$$',
      'use database d',
    ]);
  });

  it('refuses an unterminated literal or body instead of running half a statement', () => {
    expect(() => splitStatements("select 'open")).toThrow(/Unterminated string/);
    expect(() => splitStatements('create task t as $$ begin')).toThrow(/Unterminated \$\$/);
  });

  it('expands each {{ generated: name }} line in place', () => {
    expect(scriptStatements('use database d;\n{{ generated: two }}\nuse warehouse w;', { two: () => ['a', 'b'] })).toEqual([
      'use database d',
      'a',
      'b',
      'use warehouse w',
    ]);
    expect(() => scriptStatements('{{ generated: nope }}', {})).toThrow(/Unknown generated section "nope"/);
  });
});

describe('deploy variables', () => {
  it('fills in &{name} with plain identifiers only', () => {
    expect(fillVariables('grant usage on database &{database} to role &{loader_role}', { database: 'SCRATCH_1', loader_role: 'L' })).toBe(
      'grant usage on database SCRATCH_1 to role L',
    );
    expect(() => fillVariables('use database &{database}', { database: 'x; drop database prod' })).toThrow(/plain identifier/);
    expect(() => fillVariables('use database &{db}', { database: 'x' })).toThrow(/Unknown deploy variable &\{db\}/);
  });

  it('grants the loader only what a load needs, table by table, read access to the data quality results, and the churn model it trains', () => {
    expect(loaderGrantStatements()).toEqual([
      ...BRONZE_TABLES.map((bronze) => `grant select, insert, delete on table &{database}.bronze.${bronze.table.name} to role &{loader_role}`),
      'grant select, insert, update on table &{database}.bronze.load_history to role &{loader_role}',
      'grant usage on schema &{database}.gold to role &{loader_role}',
      'grant select on table &{database}.gold.dq_results to role &{loader_role}',
      'grant select on table &{database}.gold.churn_features to role &{loader_role}',
      'grant select, insert, delete on table &{database}.gold.churn_model to role &{loader_role}',
      'grant select, insert, delete on table &{database}.gold.churn_model_evaluation to role &{loader_role}',
    ]);
  });
});
