// cdk-nag's AwsSolutions pack, registered as bin/wallet.ts registers it. cdk-nag v3 is a CDK
// policy-validation plugin: violations land in validation-report.json and make `synth` throw.
import { Validations } from 'aws-cdk-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StageName } from '../../lib/config/index.ts';
import { buildStage, validationViolations } from './synth.ts';

interface Acknowledged {
  readonly id: string;
  readonly path: string;
}

describe.each<StageName>(['sandbox', 'production'])('cdk-nag AwsSolutions (%s)', (stage) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('synthesizes with no unacknowledged AwsSolutions error', () => {
    const { app } = buildStage(stage, { nag: true });
    const assembly = app.synth(); // throws ValidationFailed, with the report, on any unacknowledged error
    const errors = validationViolations(assembly.directory).filter(
      (violation) => violation.ruleName.startsWith('AwsSolutions-') && violation.severity === 'error',
    );
    expect(errors).toEqual([]);
  }, 120_000);

  it('acknowledges only findings that exist, each with a reason', () => {
    // Record the acknowledgements instead of applying them, to see every raw finding.
    const acknowledged: Acknowledged[] = [];
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
      const scope = (this as unknown as { scope: { node: { path: string } } }).scope;
      for (const rule of rules) {
        expect(rule.reason.length, rule.id).toBeGreaterThan(40);
        acknowledged.push({ id: rule.id, path: scope.node.path });
      }
    });
    const { app } = buildStage(stage, { nag: true });
    expect(() => app.synth()).toThrow(/AwsSolutions/);
    const violations = validationViolations(app.outdir).filter((violation) =>
      violation.ruleName.startsWith('AwsSolutions-'),
    );

    expect(acknowledged.length).toBeGreaterThan(0);
    expect(violations.length).toBeGreaterThan(0);

    const covers = (ack: Acknowledged, constructPath: string) =>
      constructPath === ack.path || constructPath.startsWith(`${ack.path}/`);
    for (const ack of acknowledged) {
      const used = violations.some(
        (violation) =>
          violation.ruleName === ack.id &&
          violation.violatingConstructs.some((construct) => covers(ack, construct.constructPath)),
      );
      expect(used, `stale acknowledgement ${ack.id} at ${ack.path}`).toBe(true);
    }
    for (const violation of violations) {
      for (const construct of violation.violatingConstructs) {
        const covered = acknowledged.some(
          (ack) => ack.id === violation.ruleName && covers(ack, construct.constructPath),
        );
        expect(covered, `${violation.ruleName} at ${construct.constructPath}`).toBe(true);
      }
    }
  }, 120_000);
});
