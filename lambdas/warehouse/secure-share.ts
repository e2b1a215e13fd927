/**
 * The consumer side of the secure share (sql/snowflake/090_secure_share.sql): which accounts
 * may read it. `streamflow sql deploy --share-with ORG.ACCOUNT` appends one statement; adding an
 * account already on the share has no effect, so a re-deploy stays idempotent
 * (https://docs.snowflake.com/en/sql-reference/sql/alter-share).
 */
import type { DeployScript } from './snowflake-deploy.js';

/** The share's name for a database: the one 090_secure_share.sql creates. */
export const shareNameFor = (database: string): string => `${database}_customer_360`;

/**
 * An account identifier as data sharing takes it: `<org>.<account>` (preferred) or a legacy
 * account locator (https://docs.snowflake.com/en/user-guide/admin-account-identifier).
 */
const ACCOUNT = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;

/** The script that adds consumer accounts to the share; throws on an identifier that is not one. */
export const shareWithScript = (database: string, accounts: readonly string[]): DeployScript => {
  const bad = accounts.filter((account) => !ACCOUNT.test(account));
  if (bad.length > 0) throw new Error(`--share-with takes account identifiers like MYORG.PARTNER_ACCOUNT, got ${bad.map((b) => `"${b}"`).join(', ')}`);
  return { name: '--share-with', statements: [`alter share ${shareNameFor(database)} add accounts = ${accounts.join(', ')}`] };
};
