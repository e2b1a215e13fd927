/**
 * cdk-nag (AwsSolutions) over the whole app, in the default configuration and in one that turns
 * every optional branch on: no finding may be left unacknowledged, every acknowledgement carries
 * a reason, and no acknowledgement is left over for a finding that no longer exists.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNagChecks } from '../../lib/streamflow-app.js';
import { buildApp } from './synth-app.js';

const VARIANTS = {
  'defaults (dev preset)': {},
  'prod preset': { preset: 'prod' },
  'every option': {
    preset: 'prod',
    egress: 'nat',
    kafkaCluster: 'provisioned',
    kafkaBrokerType: 'kafka.m7g.large',
    removeDataOnDestroy: true,
    snowflakeSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbC123',
    snowflakeAccount: 'myorg-myaccount',
    producerScheduleEnabled: true,
    loaderReservedConcurrency: 2,
    alarmEmail: 'ops@example.com',
  },
} as const;

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** A finding as the report lists it: the rule (with its finding) and the resource's construct path. */
interface Finding {
  readonly rule: string;
  readonly path: string;
}

const findingsOf = (report: ReturnType<AwsSolutionsChecks['validateScope']>): Finding[] =>
  report.violations.flatMap((violation) => violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })));

/** Every cdk-nag acknowledgement recorded anywhere in the tree (the CDK records some of its own). */
const acknowledgementsIn = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
  ).filter((acknowledgement) => acknowledgement.id.includes('AwsSolutions-'));

/** The pack with acknowledgements ignored: what it would report without any. */
class EveryFinding extends AwsSolutionsChecks {}
Object.defineProperty(EveryFinding.prototype, 'isAcknowledged', { value: () => false });

describe.each(Object.entries(VARIANTS))('cdk-nag AwsSolutions, %s', (_variant, context) => {
  let app: App;
  let synthError: unknown;

  beforeAll(() => {
    app = buildApp({ context, validate: true }).app;
    addNagChecks(app);
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
  });

  it('synthesizes with the checks on, as `cdk synth` does', () => {
    // Assess
    expect(synthError).toBeUndefined();
  });

  it('leaves no finding unacknowledged, errors and warnings alike', () => {
    // Act
    const findings = findingsOf(new AwsSolutionsChecks().validateScope(app));

    // Assess
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    // Act
    const acknowledgements = acknowledgementsIn(app);

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length, acknowledgement.id).toBeGreaterThanOrEqual(40);
  });

  it('acknowledges only findings that exist, on the constructs that raise them', () => {
    // Prepare
    const findings = findingsOf(new EveryFinding().validateScope(app));

    // Act
    const stale = acknowledgementsIn(app).filter(
      (acknowledgement) => !findings.some((finding) => acknowledgement.id.endsWith(finding.rule) && (finding.path === acknowledgement.path || finding.path.startsWith(`${acknowledgement.path}/`))),
    );

    // Assess
    expect(stale).toEqual([]);
  });
});
