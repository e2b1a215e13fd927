/**
 * The secure share, checked offline like the rest of the deploy (test/warehouse/snowflake-sql.test.ts):
 * the secure view's query parses with node-sql-parser in Snowflake mode, the share statements keep
 * their documented shape, and `sql deploy --share-with` appends the consumer accounts.
 */
import { describe, expect, it, vi } from 'vitest';
import { snowflakeDeployPlan } from '../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import { shareNameFor, shareWithScript } from '../../lambdas/warehouse/secure-share.js';
import { parseSnowflake } from '../support/snowflake-sql.js';
import { COMMANDS } from '../../bin/cli/commands.js';

const plan = await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES });
const shareScript = plan.find((script) => script.name === '090_secure_share.sql')!;
const share = shareNameFor(DEFAULT_DEPLOY_VARIABLES.database);

describe('090_secure_share.sql', () => {
  it('comes after the model views it reads (050) and the grants (080)', () => {
    const names = plan.map((script) => script.name);
    expect(names.indexOf('090_secure_share.sql')).toBeGreaterThan(names.indexOf('050_model_tables.sql'));
    expect(names.at(-1)).toBe('090_secure_share.sql');
  });

  it('creates a secure view over customer_360 whose query parses and carries no raw e-mail or name', () => {
    const [view] = shareScript.statements;
    expect(view).toMatch(/^create or replace secure view STREAMFLOW_DW\.gold\.customer_360_shared as\nselect\n/);
    parseSnowflake(view!.replace(/^create or replace secure view/, 'create or replace view'));
    const columns = view!.split('\nselect\n')[1]!.split('\nfrom ')[0]!.split(',\n').map((line) => line.trim());
    // every output column is either a plain column or the hashed e-mail; none is email or full_name itself
    expect(columns.filter((column) => /\bemail\b|full_name/.test(column))).toEqual(['sha2(lower(trim(email)), 256) as email_sha256']);
    expect(view).toMatch(/\nfrom STREAMFLOW_DW\.gold\.customer_360$/);
  });

  it('creates the share and grants it the database, the schema and the view, nothing else', () => {
    expect(shareScript.statements.slice(1)).toEqual([
      `create share if not exists ${share}`,
      `grant usage on database STREAMFLOW_DW to share ${share}`,
      `grant usage on schema STREAMFLOW_DW.gold to share ${share}`,
      `grant select on view STREAMFLOW_DW.gold.customer_360_shared to share ${share}`,
    ]);
  });
});

describe('sql deploy --share-with', () => {
  it('adds the consumer accounts to the share, after everything else', async () => {
    // Prepare
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));

    // Act
    const code = await COMMANDS.sql!.run(['deploy', '--dry-run', '--database', 'SCRATCH_DW', '--share-with', 'MYORG.PARTNER_ONE,MYORG.PARTNER_TWO', '--share-with', 'AB12345']);
    log.mockRestore();

    // Assess
    expect(code).toBe(0);
    expect(printed.join('\n').trimEnd()).toMatch(/-- --share-with\nalter share SCRATCH_DW_customer_360 add accounts = MYORG\.PARTNER_ONE, MYORG\.PARTNER_TWO, AB12345;$/);
  });

  it('rejects what is not an account identifier, before anything reaches SQL', async () => {
    await expect(COMMANDS.sql!.run(['deploy', '--dry-run', '--share-with', 'PARTNER; drop database x'])).rejects.toThrow(/account identifiers like MYORG\.PARTNER_ACCOUNT/);
    expect(() => shareWithScript('DW', ['org.acct.extra'])).toThrow(/"org\.acct\.extra"/);
  });

  it('without the flag adds no account (a share with no consumers is private)', () => {
    expect(plan.flatMap((script) => script.statements).filter((statement) => statement.startsWith('alter share'))).toEqual([]);
  });
});
