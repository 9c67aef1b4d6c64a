import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// bin/soft-otp.mjs, which docs/merchants.md tells a developer to run for class C/D authorisations.
describe('bin/soft-otp.mjs', () => {
  it("prints API.md's OCRA vector: secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, challenge 01JDX3Q9ZK8M4V6T2R5B7N0C1E → 423953", () => {
    const out = execFileSync(
      process.execPath,
      ['bin/soft-otp.mjs', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '01JDX3Q9ZK8M4V6T2R5B7N0C1E'],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('423953');
  });
});
