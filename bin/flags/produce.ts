/** `streamflow produce`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { UsageError, brokersFlag, dateFlag, integerFlag, mskClusterFlag, rateFlag, type MskCluster } from '../cli/flags.js';

/** Where the events go: an MSK cluster (IAM auth) or a local broker (plaintext). */
export type ProduceTarget =
  | ({ readonly kind: 'msk' } & MskCluster)
  | { readonly kind: 'brokers'; readonly brokers: string[]; readonly partitions: number };

export interface ProduceFlags {
  readonly target: ProduceTarget;
  readonly events: number;
  readonly seed: number;
  readonly dirtyRate: number;
  readonly until: Date;
  readonly days: number;
}

const targetOf = (values: { 'cluster-arn'?: string; brokers?: string; partitions?: string; region?: string }): ProduceTarget => {
  const clusterArn = values['cluster-arn'];
  if ((clusterArn === undefined) === (values.brokers === undefined)) throw new UsageError('give either --cluster-arn (MSK) or --brokers (a local Kafka)');
  if (values.brokers !== undefined) return { kind: 'brokers', brokers: brokersFlag(values.brokers), partitions: integerFlag('partitions', values.partitions, 3, 1, 64) };
  return { kind: 'msk', ...mskClusterFlag(clusterArn!, values.region) };
};

export const parseProduceFlags = (args: string[]): ProduceFlags => {
  const { values } = parseArgs({
    args,
    options: {
      'cluster-arn': { type: 'string' },
      brokers: { type: 'string' },
      partitions: { type: 'string' },
      region: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      'dirty-rate': { type: 'string' },
      days: { type: 'string' },
      until: { type: 'string' },
    },
    strict: true,
  });
  return {
    target: targetOf(values),
    events: integerFlag('events', values.events, 10_000, 1, 50_000_000),
    seed: integerFlag('seed', values.seed, 42, 0, 2 ** 31 - 1),
    dirtyRate: rateFlag('dirty-rate', values['dirty-rate'], 0),
    until: dateFlag('until', values.until, new Date()),
    days: integerFlag('days', values.days, 1, 1, 3650),
  };
};
