/** `streamflow report`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { UsageError, brokersFlag } from '../cli/flags.js';
import { runFolderFlag } from './out-folder.js';

export interface ReportFlags {
  readonly outDir: string;
  /** `--brokers`: take the produced offsets from the broker instead of the run's record of them. */
  readonly brokers: string[] | undefined;
  /** `--group`: whose committed offsets to show beside them. */
  readonly group: string | undefined;
  readonly json: boolean;
}

export const parseReportFlags = (args: string[]): ReportFlags => {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, json: { type: 'boolean' }, brokers: { type: 'string' }, group: { type: 'string' } },
    strict: true,
  });
  if (values.group !== undefined && values.brokers === undefined) throw new UsageError('--group needs --brokers');
  const brokers = values.brokers === undefined ? undefined : brokersFlag(values.brokers);
  return { outDir: runFolderFlag(values.out), brokers, group: values.group, json: values.json ?? false };
};
