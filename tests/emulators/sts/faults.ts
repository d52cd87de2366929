/**
 * Faults injected through the STS emulator's control API: STS's own refusals, and what else a client may meet on
 * the way to STS (a dropped connection, a request left hanging, a captive portal's or proxy's page, an empty
 * answer, credentials tampered with after every check passed).
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Injected failures, each for one non-preflight request: STS throttling or a 5xx; the connection dropped (`reset`);
 * no answer at all until the client gives up (`hang`); a captive portal's HTML login page with status 200
 * (`html200`); a proxy's HTML `502 Bad Gateway` page (`proxy502`); a 200 with an empty body (`empty200`).
 */
export type FailureKind = 'throttle' | '500' | '503' | 'reset' | 'hang' | 'html200' | 'proxy502' | 'empty200';

/** An STS error answer to inject as it is (for codes the world cannot produce, e.g. `PackedPolicyTooLarge`). */
export interface InjectedStsError {
  status: number;
  code: string;
  message: string;
}

/** Values to put into the next successful answer in place of the issued ones (hostile or odd credentials). */
export type TamperedCredentials = Partial<Record<'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration', string>>;

/** One pending fault: a kind, or an STS error to answer as it is. */
export type Fault = FailureKind | InjectedStsError;
/** Faults answered by something that is not STS. */
export type NotStsFault = 'html200' | 'proxy502' | 'empty200';
/** Faults answered as an STS error. */
export type StsErrorFault = Exclude<Fault, 'reset' | 'hang' | NotStsFault>;

/** Pending faults and tampering, in order, and the requests left hanging on purpose. */
export class FaultInjector {
  private readonly failures: Fault[] = [];
  private readonly tampering: TamperedCredentials[] = [];
  private readonly hanging = new Set<ServerResponse>();

  failNext(kind: FailureKind, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(kind);
  }

  errorNext(error: InjectedStsError, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push({ ...error });
  }

  tamperNext(values: TamperedCredentials, count = 1): void {
    for (let i = 0; i < count; i++) this.tampering.push({ ...values });
  }

  /** The fault for the next non-preflight request, if one is pending. */
  takeFailure(): Fault | undefined {
    return this.failures.shift();
  }

  /** The values for the next successful answer ({} when none are pending). */
  takeTampering(): TamperedCredentials {
    return this.tampering.shift() ?? {};
  }

  /** Leaves `res` unanswered until the client closes it or `endHanging()`. */
  hang(res: ServerResponse): void {
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }

  hangingCount(): number {
    return this.hanging.size;
  }

  endHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  /** Ends hanging requests and forgets pending faults and tampering. */
  reset(): void {
    this.endHanging();
    this.failures.length = 0;
    this.tampering.length = 0;
  }
}

/** What a captive portal and a proxy answer in STS's place. */
const notStsBodies = {
  html200:
    '<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi</title></head><body><h1>Welcome</h1>' +
    '<form method="post" action="/login"><label>Room number <input name="room"></label><button>Connect</button></form></body></html>\n',
  proxy502:
    '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The proxy could not reach the upstream server.</p></body></html>\n',
  empty200: '',
} as const;

export function isNotStsFault(fault: Fault): fault is NotStsFault {
  return fault === 'html200' || fault === 'proxy502' || fault === 'empty200';
}

/** The answer of whatever stands in STS's place: no request id, no STS CORS headers, a body STS never sends. */
export function notStsAnswer(fault: NotStsFault): { outcome: string; status: number; headers: OutgoingHttpHeaders; body: string } {
  const body = notStsBodies[fault];
  return {
    outcome: { html200: 'CaptivePortal', proxy502: 'ProxyError', empty200: 'Empty' }[fault],
    status: fault === 'proxy502' ? 502 : 200,
    headers: { 'content-type': fault === 'empty200' ? 'text/plain' : 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) },
    body,
  };
}

/** The STS error an injected fault answers with. */
export function injectedError(fault: StsErrorFault): InjectedStsError {
  if (typeof fault === 'object') return fault;
  switch (fault) {
    case 'throttle':
      return { status: 400, code: 'Throttling', message: 'Rate exceeded' };
    case '500':
      return { status: 500, code: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.' };
    case '503':
      return { status: 503, code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' };
  }
}
