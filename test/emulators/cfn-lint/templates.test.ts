/**
 * Every synthesized template, in both presets and with every optional branch on, linted by
 * cfn-lint (AWS's CloudFormation linter, which checks templates against the resource schemas AWS
 * publishes): no error, no warning left unacknowledged, and every acknowledgement carries a reason
 * and still hides a finding that exists.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeOnEmulator } from '../support/emulators.js';
import { buildApp } from '../../cdk/synth-app.js';
import { describeFinding, lintTemplates, templatesIn, withoutAcknowledgements, type Acknowledgements, type LintFinding } from './cfn-lint.js';

const VARIANTS = {
  // What `cdk synth` deploys from a fresh clone, functions bundled by the local esbuild as there.
  'dev preset (cdk.json)': { context: {}, bundle: true },
  'prod preset': { context: { preset: 'prod' }, bundle: false },
  'every option': {
    context: {
      preset: 'prod',
      egress: 'nat',
      kafkaCluster: 'provisioned',
      kafkaBrokerType: 'kafka.m7g.large',
      kafkaBrokerNodes: 4,
      removeDataOnDestroy: true,
      snowflakeSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbC123',
      snowflakeAccount: 'myorg-myaccount',
      producerScheduleEnabled: true,
      loaderReservedConcurrency: 2,
      alarmEmail: 'ops@example.com',
    },
    bundle: false,
  },
} as const;

describeOnEmulator('cfn-lint', 'CloudFormation templates against cfn-lint 1.58 (AWS CloudFormation linter)', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_variant, { context, bundle }) => {
    let templates: string[];
    let findings: LintFinding[];
    let hidden: LintFinding[];
    let acknowledged: Acknowledgements;

    beforeAll(() => {
      const { app } = buildApp({ context, bundle });
      templates = templatesIn(app.synth().directory);
      findings = lintTemplates(templates);
      const bare = withoutAcknowledgements(templates, mkdtempSync(join(tmpdir(), 'streamflow-cfn-lint-')));
      acknowledged = bare.acknowledged;
      hidden = lintTemplates(bare.copies);
    }, 240_000);

    it('lints all four stacks', () => {
      // Assess
      expect(templates.map((path) => path.split('/').pop()).sort()).toEqual([
        'streamflow-dev-monitoring.template.json',
        'streamflow-dev-pipeline.template.json',
        'streamflow-dev-storage.template.json',
        'streamflow-dev-streaming.template.json',
      ]);
    });

    it('finds no error in any template', () => {
      // Assess
      expect(findings.filter((finding) => finding.Level === 'Error').map(describeFinding)).toEqual([]);
    });

    it('leaves no warning or informational finding unacknowledged', () => {
      // Assess
      expect(findings.map(describeFinding)).toEqual([]);
    });

    it('gives every acknowledgement a reason, and each hides a finding that exists', () => {
      // Prepare
      const entries = Object.entries(acknowledged).flatMap(([file, resources]) =>
        Object.entries(resources).flatMap(([resource, rules]) => Object.entries(rules).map(([rule, reason]) => ({ file, resource, rule, reason }))),
      );

      // Act
      const stale = entries.filter(
        ({ file, resource, rule }) => !hidden.some((finding) => finding.Filename.endsWith(`/${file}`) && finding.Rule.Id === rule && finding.Location.Path?.[1] === resource),
      );

      // Assess
      expect(entries.length).toBeGreaterThan(0);
      for (const { rule, resource, reason } of entries) expect(reason.length, `${resource} ${rule}`).toBeGreaterThanOrEqual(40);
      expect(stale).toEqual([]);
    });
  });
});
