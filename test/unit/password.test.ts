import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../functions/core/domain/password.ts';

describe('password policy (RULES.md §3: at least 8 characters)', () => {
  it('accepts a strong password of exactly 8 characters', () => {
    expect(passwordProblems('Aa1!aaaa')).toEqual([]);
  });

  it('refuses 7 characters', () => {
    expect(passwordProblems('Aa1!aaa')).toContain('at least 8 characters');
  });

  it('names every missing class', () => {
    expect(passwordProblems('aaaaaaaa')).toEqual(['an upper-case letter', 'a digit', 'a symbol']);
  });
});
