// RFC 9457 problem details with the `code` member clients branch on (API.md "Errors").

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  [extension: string]: unknown;
}

const titles: Record<string, string> = {
  'validation-failed': 'The request is not valid',
  unauthenticated: 'Authentication is required',
  forbidden: 'This caller may not do that',
  'not-found': 'No such resource',
  'idempotency-key-missing': 'Idempotency-Key header is required',
  'idempotency-key-reused': 'Idempotency-Key was used with a different request',
  'request-in-progress': 'A request with this Idempotency-Key is still in progress',
  'phone-already-registered': 'This phone number already belongs to a customer',
  'otp-invalid': 'The one-time password is wrong',
  'otp-expired': 'The one-time password has expired',
  'too-many-attempts': 'Too many wrong attempts',
  'device-not-trusted': 'This device is not trusted yet',
  'rate-limited': 'Too many requests',
  'internal-error': 'Something went wrong on our side',
};

/** A failure the caller can act on. Thrown anywhere below a handler, answered in one place. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
    this.name = 'Problem';
  }

  toBody(): ProblemBody {
    return {
      type: `/problems/${this.code}`,
      title: titles[this.code] ?? this.code,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      code: this.code,
      ...this.extensions,
    };
  }
}

export interface FieldError {
  name: string;
  reason: string;
}

export const validationFailed = (detail: string, errors: FieldError[] = []): Problem =>
  new Problem(400, 'validation-failed', detail, errors.length ? { errors } : {});

export const notFound = (detail = 'No such resource.'): Problem => new Problem(404, 'not-found', detail);
