/** `streamflow refresh`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { runFolderFlag } from './out-folder.js';

export interface RefreshFlags {
  readonly outDir: string;
  /** `--full`: drop Silver and Gold and rebuild them from Bronze. */
  readonly full: boolean;
  readonly json: boolean;
}

export const parseRefreshFlags = (args: string[]): RefreshFlags => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, full: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true });
  return { outDir: runFolderFlag(values.out), full: values.full ?? false, json: values.json ?? false };
};
