/** `streamflow run`'s flags, parsed and checked before the command's dependencies load. */
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { UsageError, brokersFlag, dateFlag, existingFileFlag, integerFlag, rateFlag } from '../cli/flags.js';
import { takeServeFlag } from '../cli/serve-flag.js';

export interface RunFlags {
  readonly events: number;
  readonly seed: number;
  readonly dirtyRate: number;
  readonly days: number | undefined;
  readonly until: Date;
  readonly input: string | undefined;
  readonly outDir: string;
  readonly esm: EsmSettings;
  readonly partitions: number;
  readonly brokers: string[] | undefined;
  readonly consumeOnly: boolean;
  readonly group: string | undefined;
  /** Events a second for a live run (`--rate`), paced on the in-process topic log. */
  readonly rate: number | undefined;
  /** `--serve [PORT]`: the live dashboard's port. */
  readonly port: number | undefined;
  readonly json: boolean;
}

const isInside = (folder: string, path: string): boolean => {
  const fromFolder = relative(folder, resolve(path));
  return !fromFolder.startsWith('..') && !isAbsolute(fromFolder);
};

export const parseRunFlags = (commandArgs: string[]): RunFlags => {
  const { args, port } = takeServeFlag(commandArgs);
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      input: { type: 'string' },
      'dirty-rate': { type: 'string' },
      days: { type: 'string' },
      until: { type: 'string' },
      'batch-size': { type: 'string' },
      partitions: { type: 'string' },
      brokers: { type: 'string' },
      'consume-only': { type: 'boolean' },
      group: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const input = existingFileFlag('input', values.input);
  const outDir = resolve(values.out ?? '.streamflow');
  const brokers = values.brokers === undefined ? undefined : brokersFlag(values.brokers);
  const consumeOnly = values['consume-only'] ?? false;
  if (!brokers && (consumeOnly || values.group !== undefined)) throw new UsageError('--consume-only and --group need --brokers');
  if (brokers && input) throw new UsageError('--input replays into the in-process topic log; leave out --brokers');
  const rate = values.rate === undefined ? undefined : integerFlag('rate', values.rate, 0, 1, 1_000_000);
  if (rate !== undefined && (input || brokers)) throw new UsageError('--rate paces generated events on the in-process topic log; leave out --input and --brokers');
  if (port !== undefined && rate === undefined) throw new UsageError('--serve shows a live run: add --rate N (a finished run: streamflow dashboard --serve)');
  // A run starts its folder afresh: an input inside it would be deleted before it is read.
  if (input && isInside(outDir, input)) {
    throw new UsageError(`--input ${input} is inside --out ${values.out ?? '.streamflow'}, which a run clears first; move the file out of it`);
  }
  return {
    events: integerFlag('events', values.events, 50_000, 1, 50_000_000),
    seed: integerFlag('seed', values.seed, 42, 0, 2 ** 31 - 1),
    dirtyRate: rateFlag('dirty-rate', values['dirty-rate'], 0),
    days: values.days === undefined ? undefined : integerFlag('days', values.days, 0, 1, 3650),
    until: dateFlag('until', values.until, new Date()),
    input,
    outDir,
    esm: { ...DEFAULT_ESM_SETTINGS, batchSize: integerFlag('batch-size', values['batch-size'], DEFAULT_ESM_SETTINGS.batchSize, 1, 10_000) },
    partitions: integerFlag('partitions', values.partitions, 3, 1, 64),
    brokers,
    consumeOnly,
    group: values.group,
    rate,
    port,
    json: values.json ?? false,
  };
};
