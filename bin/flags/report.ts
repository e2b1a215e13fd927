/** `streamflow report`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { runFolderFlag } from './out-folder.js';

export interface ReportFlags {
  readonly outDir: string;
  readonly json: boolean;
}

export const parseReportFlags = (args: string[]): ReportFlags => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  return { outDir: runFolderFlag(values.out), json: values.json ?? false };
};
