import type { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Memory of a pipeline function when none is given, in MB. */
export const DEFAULT_MEMORY_MB = 1024;
/** Timeout of a pipeline function when none is given, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 60;
/** Powertools log level of every function (`POWERTOOLS_LOG_LEVEL`). */
export const DEFAULT_LOG_LEVEL = 'INFO';

/** Where a function sits in the VPC when it must reach the MSK brokers. */
export interface PipelineFunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroups: readonly ISecurityGroup[];
}

export interface PipelineFunctionProps {
  /**
   * The handler module, relative to the repository root (it must export `handler`),
   * e.g. `lambdas/consumer/handler.ts`.
   */
  readonly entry: string;
  /** Powertools service name: the `service` dimension of the function's metrics and log key. */
  readonly serviceName: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /**
   * Memory in MB (CPU scales with it).
   * @default DEFAULT_MEMORY_MB
   */
  readonly memorySize?: number;
  /**
   * Longest run of one invocation.
   * @default Duration.seconds(DEFAULT_TIMEOUT_SECONDS)
   */
  readonly timeout?: Duration;
  /**
   * Puts the function in these subnets, for functions that talk to the Kafka brokers.
   * @default - not in a VPC (reaches AWS APIs and the internet directly)
   */
  readonly network?: PipelineFunctionNetwork;
  /**
   * Reserved concurrency; 0 or unset leaves the function on the account's unreserved pool.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Powertools log level.
   * @default DEFAULT_LOG_LEVEL
   */
  readonly logLevel?: string;
}
