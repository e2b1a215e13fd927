/**
 * Acknowledging cdk-nag findings whose ids quote CloudFormation values, such as
 * `AwsSolutions-IAM5[Resource::<export name>/gold/*]`. The id is spelt the way cdk-nag flattens
 * the resolved value: Fn::Join joined, Fn::Sub with `${X}` as `<X>`, Fn::ImportValue as its export name, Fn::GetAtt as
 * `<LogicalId.Attribute>`, Ref as `<Name>`. The nag test suite fails on any id that drifts.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const flatten = (node: unknown): string => {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const intrinsic = node as Record<string, unknown>;
    if (Array.isArray(intrinsic['Fn::Join'])) {
      const [delimiter, items] = intrinsic['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in intrinsic) return flatten(intrinsic['Fn::Sub']);
    if ('Fn::ImportValue' in intrinsic) return flatten(intrinsic['Fn::ImportValue']);
    if (Array.isArray(intrinsic['Fn::GetAtt'])) {
      const [resource, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Ref' in intrinsic) return `<${flatten(intrinsic.Ref)}>`;
  }
  return JSON.stringify(node);
};

/** The value as it appears inside a cdk-nag finding id raised in `scope`'s stack. */
export const nagSpelling = (scope: IConstruct, value: string): string => flatten(Stack.of(scope).resolve(value));

/** Acknowledges AwsSolutions-IAM5 for each wildcard resource granted to `principal`, with one reason. */
export const acknowledgeWildcardResources = (principal: IConstruct, resources: readonly string[], reason: string): void => {
  for (const resource of resources) {
    Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagSpelling(principal, resource)}]`, reason });
  }
};
