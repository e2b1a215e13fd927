/** The names a Snowflake deploy fills into its scripts (no dependencies: the CLI checks its flags with them first). */
import type { ScriptVariables } from './sql-script.js';

/** Names the scripts use as `&{database}`, `&{warehouse}`, `&{loader_role}`, `&{reader_role}`. */
export interface DeployVariables extends ScriptVariables {
  readonly database: string;
  readonly warehouse: string;
  readonly loader_role: string;
  readonly reader_role: string;
}

/** @default the names DESIGN.md gives the production objects. */
export const DEFAULT_DEPLOY_VARIABLES: DeployVariables = {
  database: 'STREAMFLOW_DW',
  warehouse: 'STREAMFLOW_WH',
  loader_role: 'STREAMFLOW_LOADER',
  reader_role: 'STREAMFLOW_READER',
};
