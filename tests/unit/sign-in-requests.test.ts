import { describe, expect, it } from 'vitest';
import type { SignInRequestDetails } from '@/lib/background/capture-sign-in';
import { SignInRequests } from '@/lib/background/sign-in-requests';

const ACS = 'https://signin.aws.amazon.com/saml';
const body = { formData: { SAMLResponse: ['PHNhbWxwOlJlc3BvbnNlLz4='] } };

function collect() {
  const seen: SignInRequestDetails[] = [];
  return { seen, requests: new SignInRequests((d) => seen.push(d)) };
}

describe('SignInRequests', () => {
  it('hands on a POST with its body once its headers name the sending page (Chromium)', () => {
    const { seen, requests } = collect();
    requests.body({ requestId: '12', method: 'POST', url: ACS, type: 'main_frame', requestBody: body });
    expect(seen).toEqual([]);
    requests.headers({
      requestId: '12',
      requestHeaders: [
        { name: 'Referer', value: 'https://login.microsoftonline.com/' },
        { name: 'Origin', value: 'https://login.microsoftonline.com' },
      ],
    });
    expect(seen).toEqual([{ method: 'POST', url: ACS, type: 'main_frame', requestBody: body, originHeader: 'https://login.microsoftonline.com' }]);
    expect(requests.size).toBe(0);
  });

  it('keeps what the browser reported itself (initiator, originUrl) and works without an Origin header', () => {
    const { seen, requests } = collect();
    requests.body({ requestId: '1', method: 'POST', url: ACS, type: 'main_frame', originUrl: 'https://contoso.okta.com/app/x/sso/saml', requestBody: body });
    requests.headers({ requestId: '1', requestHeaders: [] });
    expect(seen).toEqual([{ method: 'POST', url: ACS, type: 'main_frame', originUrl: 'https://contoso.okta.com/app/x/sso/saml', requestBody: body }]);
  });

  it('ignores GETs, headers of requests it never kept, and requests that failed before they were sent', () => {
    const { seen, requests } = collect();
    requests.body({ requestId: '1', method: 'GET', url: ACS, type: 'main_frame' });
    requests.headers({ requestId: '1', requestHeaders: [{ name: 'origin', value: 'https://login.microsoftonline.com' }] });
    requests.headers({ requestId: '2', requestHeaders: [] });
    requests.body({ requestId: '3', method: 'POST', url: ACS, type: 'main_frame', requestBody: body });
    requests.drop('3');
    requests.headers({ requestId: '3', requestHeaders: [] });
    expect(seen).toEqual([]);
    expect(requests.size).toBe(0);
  });

  it('never holds more than a few requests whose headers did not come', () => {
    const { seen, requests } = collect();
    for (let i = 0; i < 100; i++) requests.body({ requestId: String(i), method: 'POST', url: ACS, type: 'main_frame', requestBody: body });
    expect(requests.size).toBe(16);
    requests.headers({ requestId: '0', requestHeaders: [] });
    requests.headers({ requestId: '99', requestHeaders: [] });
    expect(seen).toHaveLength(1);
  });
});
