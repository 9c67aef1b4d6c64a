// cdk-nag v3 findings are acknowledged with CDK's own `Validations.of(scope).acknowledge()`;
// each granular finding (`AwsSolutions-IAM5[Resource::...]`) is acknowledged by its exact id.
// These helpers keep every acknowledgement next to the construct it is about, with its reason.
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgement {
  /** Rule id, e.g. `AwsSolutions-APIG2`, or a granular finding `AwsSolutions-IAM5[Action::kms:ReEncrypt*]`. */
  readonly id: string;
  /** Why the finding is acceptable here: a true statement a reviewer can check. */
  readonly reason: string;
}

export const acknowledge = (scope: IConstruct, ...rules: NagAcknowledgement[]): void => {
  for (const rule of rules) {
    if (rule.reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement ${rule.id} needs a real reason`);
  }
  Validations.of(scope).acknowledge(...rules);
};

/**
 * The string cdk-nag uses for a resource in a granular finding, for a value built from literals
 * and pseudo parameters (`Fn::Join` and `Ref`): `Ref` becomes `<Name>`, joins are flattened.
 */
export const nagResourceString = (scope: IConstruct, value: string): string => {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
    if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if ('Fn::Join' in object) {
        const [delimiter, items] = object['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if ('Ref' in object) return `<${visit(object.Ref)}>`;
    }
    throw new Error(`Cannot name ${JSON.stringify(node)} for a cdk-nag acknowledgement`);
  };
  return visit(Stack.of(scope).resolve(value));
};
