/**
 * Background: pairs the two webRequest events of one POST to the AWS sign-in URL. The form body (the SAMLResponse)
 * comes only with `onBeforeRequest`; the `Origin` header that names the sending page only with `onSendHeaders`
 * (Chromium leaves `initiator` out for pages the extension has no host access to, such as the IdPs'). No browser
 * API here: the background feeds the events in.
 */
import type { SignInRequestDetails } from './capture-sign-in';

interface BodyEvent extends Omit<SignInRequestDetails, 'originHeader'> {
  requestId: string;
}

interface HeadersEvent {
  requestId: string;
  requestHeaders?: { name: string; value?: string }[];
}

/** Requests waiting for their headers; a request whose headers never come is dropped with the oldest. */
const MAX_PENDING = 16;

export class SignInRequests {
  private readonly pending = new Map<string, Omit<SignInRequestDetails, 'originHeader'>>();

  constructor(private readonly onSignInRequest: (details: SignInRequestDetails) => void) {}

  /** `onBeforeRequest`: keeps a POST (with its body) until its headers are seen. */
  body(event: BodyEvent): void {
    if (event.method !== 'POST') return;
    const { requestId, ...details } = event;
    this.pending.delete(requestId);
    this.pending.set(requestId, details);
    while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
  }

  /** `onSendHeaders`: hands the request on with its `Origin` header. */
  headers(event: HeadersEvent): void {
    const details = this.pending.get(event.requestId);
    if (!details) return;
    this.pending.delete(event.requestId);
    const origin = event.requestHeaders?.find((h) => h.name.toLowerCase() === 'origin')?.value;
    this.onSignInRequest(origin === undefined ? details : { ...details, originHeader: origin });
  }

  /** `onErrorOccurred`: forgets a request that was never sent. */
  drop(requestId: string): void {
    this.pending.delete(requestId);
  }

  /** How many requests wait for their headers. */
  get size(): number {
    return this.pending.size;
  }
}
