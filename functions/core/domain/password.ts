// RULES.md §3 (Circular 50): passwords at least 8 characters. The user pool's policy
// (functions/resources.ts) also asks for lower case, upper case, a digit and a symbol; the same
// check runs here first so that a weak password is a clear 400, not an identity-provider error.
import { userPool } from '../../resources.ts';

export function passwordProblems(password: string): string[] {
  const policy = userPool.passwordPolicy;
  const problems: string[] = [];
  if (password.length < policy.minimumLength) problems.push(`at least ${policy.minimumLength} characters`);
  if (policy.requireLowercase && !/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) problems.push('an upper-case letter');
  if (policy.requireNumbers && !/\d/.test(password)) problems.push('a digit');
  if (policy.requireSymbols && !/[^A-Za-z0-9]/.test(password)) problems.push('a symbol');
  return problems;
}
