/** Who is calling, as established by the Cognito authorizer (or the local gateway). */
export interface Caller {
  subject: string;
  groups: string[];
}
