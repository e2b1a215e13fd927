/**
 * Acknowledging a cfn-lint finding the way cdk-nag findings are acknowledged: on the resource,
 * with a reason. cfn-lint reads `Metadata.cfn-lint.config.ignore_checks` from the template
 * (https://github.com/aws-cloudformation/cfn-lint#metadata); the reasons go beside it, under
 * `StreamFlowCfnLintReasons`, where the cfn-lint suite checks that every ignored rule has one and
 * that the finding still exists.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Why W3005 is acknowledged on every Lambda function: `Function` makes the function DependsOn its
 * role and the role's default policy, so that the policy exists before the first invocation; the
 * role half is redundant with the `Fn::GetAtt` on the role's ARN, and harmless.
 */
export const CDK_ROLE_DEPENDENCY_REASON =
  'CDK Function adds DependsOn its role and default policy (the policy must exist before the first invocation); the role half repeats the Fn::GetAtt, harmless';

/** The template metadata key holding, per ignored rule, why it is ignored. */
export const CFN_LINT_REASONS_KEY = 'StreamFlowCfnLintReasons';

const resourceOf = (scope: IConstruct): CfnResource => {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`${scope.node.path} is not a CloudFormation resource`);
  return resource;
};

/** Makes cfn-lint skip `rule` on the resource of `scope` (a CfnResource or an L2 construct), for `reason`. */
export const acknowledgeCfnLint = (scope: IConstruct, rule: string, reason: string): void => {
  const resource = resourceOf(scope);
  const config = (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config ?? {};
  const ignored = new Set(config.ignore_checks ?? []);
  ignored.add(rule);
  resource.addMetadata('cfn-lint', { config: { ...config, ignore_checks: [...ignored].sort() } });
  const reasons = (resource.getMetadata(CFN_LINT_REASONS_KEY) as Record<string, string> | undefined) ?? {};
  resource.addMetadata(CFN_LINT_REASONS_KEY, { ...reasons, [rule]: reason });
};
