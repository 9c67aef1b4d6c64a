import { z } from 'zod';
import { container } from '../core/container.ts';
import { staffGroups } from '../core/domain/staff.ts';
import { named } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { endStaffSession, refreshStaffSession, staffSignIn } from '../core/use-cases/staff-sign-in.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

// Staff sign-in for the operations console (docs/security.md "Staff sign-in"): the groups
// `operators` and `compliance` get tokens only through the wallet, as customers do.

const refreshToken = z.string().min(20).max(4096);

const tokens = {
  accessToken: z.string().describe('Cognito access token: `Authorization: Bearer …`, 5 minutes'),
  idToken: z.string(),
  refreshToken: z.string().describe('for POST /v1/staff/sessions/refresh; keep it in memory only'),
  expiresIn: z.int().describe('seconds the access token lives'),
};

export const staffSessionAnswer = named(
  'StaffSession',
  z.strictObject({
    ...tokens,
    staffId: z.string().describe('the Cognito subject: the actor of the audit trail'),
    groups: z.array(z.enum(staffGroups)).min(1).describe('the staff groups the tokens act under'),
  }),
  'A staff member, signed in.',
);

export const staffRefreshedAnswer = named('StaffRefreshedSession', z.strictObject(tokens));

export const staffSignedOutAnswer = named('StaffSignedOut', z.strictObject({ ended: z.literal(true) }));

export const handler = apiHandler('staffSessions', {
  'POST /v1/staff/sessions': endpoint({
    summary: 'Staff sign-in (operators, compliance): Cognito tokens for the operations console',
    body: z.strictObject({ phoneNumber, password: z.string().min(1).max(256) }),
    answers: { 200: staffSessionAnswer },
    refusals: ['unauthenticated', 'too-many-attempts'],
    handle: async ({ body }) => ok(await staffSignIn(container(), body, 'POST /v1/staff/sessions')),
  }),
  'POST /v1/staff/sessions/refresh': endpoint({
    summary: 'Renew the tokens of a staff session that is still alive',
    body: z.strictObject({ refreshToken }),
    answers: { 200: staffRefreshedAnswer },
    refusals: ['session-expired'],
    handle: async ({ body }) => ok(await refreshStaffSession(container(), body.refreshToken)),
  }),
  'POST /v1/staff/sessions/sign-out': endpoint({
    summary: 'End a staff session: its refresh token is no longer honoured',
    body: z.strictObject({ refreshToken }),
    answers: { 200: staffSignedOutAnswer },
    handle: async ({ body }) => {
      await endStaffSession(container(), body.refreshToken);
      return ok({ ended: true as const });
    },
  }),
});
