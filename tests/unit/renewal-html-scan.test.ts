import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEntities, MAX_HTML_LENGTH, scanHtml, type ScannedPage } from '@/lib/renewal/html-scan';
import { autoPostForm } from '../emulators/idp';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/idp-pages/${name}`, import.meta.url), 'utf8');

function scan(html: string): ScannedPage {
  const r = scanHtml(html);
  if (!r.ok) throw new Error(r.error);
  return r.page;
}

describe('scanHtml on Entra-shaped pages', () => {
  it('reads the PageID meta, the title and the $Config fields of a sign-in page, and no form from script strings', () => {
    const page = scan(fixture('converged-signin.html'));
    expect(page.title).toBe('Sign in to your account');
    expect(page.metas.pageid).toBe('ConvergedSignIn');
    expect(page.metas.reqlc).toBe('1033');
    expect(page.config).toEqual({
      pgid: 'ConvergedSignIn',
      sErrorCode: '50058',
      iErrorCode: '50058',
      urlPost: '/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/login',
      sessionCount: 0,
    });
    // The $Config holds a string with a SAMLResponse form in it: that is script text, not a form.
    expect(page.forms).toEqual([]);
  });

  it('counts the accounts of the account picker', () => {
    expect(scan(fixture('account-picker.html')).config?.sessionCount).toBe(2);
  });

  it('reads the "Working..." auto-post form with its SAMLResponse and RelayState', () => {
    const html = autoPostForm('https://signin.aws.amazon.com/saml?x=1&y=2', 'PHNhbWxwOlJlc3BvbnNlIC8+', 'https://console.aws.amazon.com/?a=1&b=2');
    const page = scan(html);
    expect(page.title).toBe('Working...');
    expect(page.forms).toEqual([
      {
        action: 'https://signin.aws.amazon.com/saml?x=1&y=2',
        method: 'post',
        name: 'hiddenform',
        inputs: [
          { name: 'SAMLResponse', value: 'PHNhbWxwOlJlc3BvbnNlIC8+', type: 'hidden' },
          // The noscript Submit button has no name, so it is no field.
          { name: 'RelayState', value: 'https://console.aws.amazon.com/?a=1&b=2', type: 'hidden' },
        ],
      },
    ]);
  });

  it('reads the device-auth hop form, entities in values decoded', () => {
    const [form] = scan(fixture('device-auth-hop.html')).forms;
    expect(form).toMatchObject({ action: 'https://login.microsoftonline.com/common/DeviceAuthTls/reprocess', method: 'post', name: 'hiddenform' });
    expect(form!.inputs.map((i) => i.name)).toEqual(['ctx', 'flowToken']);
    expect(form!.inputs[0]!.value).toContain('e5cfh_+mCZTPsJ');
  });

  it('reads $Config from a page without a PageID meta', () => {
    const page = scan(fixture('converged-tfa-config-only.html'));
    expect(page.metas.pageid).toBeUndefined();
    expect(page.config).toMatchObject({ pgid: 'ConvergedTFA', sErrorCode: '50076' });
  });
});

describe('scanHtml tokenizer edge cases', () => {
  it.each([
    ['double quotes', `<form action="https://a.example/x" method="POST" name="f"><input name="a" value="1"></form>`],
    ['single quotes', `<form action='https://a.example/x' method='POST' name='f'><input name='a' value='1'></form>`],
    ['unquoted values', `<form action=https://a.example/x method=POST name=f><input name=a value=1></form>`],
    ['upper-case tags and attributes', `<FORM ACTION="https://a.example/x" METHOD="Post" NAME="f"><INPUT NAME="a" VALUE="1"></FORM>`],
    ['newlines and tabs between attributes', `<form\n\taction="https://a.example/x"\n method = "post"\r\nname="f" ><input\nname="a"\tvalue="1"/></form>`],
  ])('attributes in %s', (_, html) => {
    expect(scan(html).forms).toEqual([{ action: 'https://a.example/x', method: 'post', name: 'f', inputs: [{ name: 'a', value: '1', type: 'text' }] }]);
  });

  it.each([
    ['&amp;', 'a&amp;b', 'a&b'],
    ['&quot;', '&quot;q&quot;', '"q"'],
    ['&#x2F; and &#47;', 'https:&#x2F;&#x2f;a.example&#47;x', 'https://a.example/x'],
    ['&lt; &gt; &apos;', '&lt;b&gt;&apos;', "<b>'"],
    ['a legacy &amp without ;', 'a&amp b', 'a& b'],
    ['&amp= left as written (as browsers do in attributes)', 'x?a=1&amp=2', 'x?a=1&amp=2'],
    ['an unknown entity left as written', 'a&bogus;b', 'a&bogus;b'],
    ['a NUL reference replaced', 'a&#0;b', 'a\ufffdb'],
    ['a surrogate reference replaced', '&#xD800;', '\ufffd'],
  ])('decodes %s', (_, raw, decoded) => {
    expect(decodeEntities(raw)).toBe(decoded);
    expect(scan(`<form action="${raw}"></form>`).forms[0]!.action).toBe(decoded);
  });

  it('a value with > inside quotes does not end the tag', () => {
    expect(scan(`<form action="https://a.example/?q=a>b" method="post"><input name="x" value="1>2"></form>`).forms[0]).toMatchObject({
      action: 'https://a.example/?q=a>b',
      inputs: [{ name: 'x', value: '1>2' }],
    });
  });

  it.each([
    [
      'in a script string',
      `<script>var s = '<form action="https://signin.aws.amazon.com/saml" method="post"><input name="SAMLResponse" value="x"></form>';</script>`,
    ],
    ['in a script with upper-case end tag', `<SCRIPT type="text/javascript">document.write("<form method=post><input name=SAMLResponse>")</SCRIPT >`],
    ['in a comment', `<!-- <form method="post"><input name="SAMLResponse" value="x"></form> -->`],
    ['in a textarea', `<textarea><form method="post"><input name="SAMLResponse" value="x"></form></textarea>`],
    ['in a style', `<style>/* <form method="post"><input name="SAMLResponse"></form> */</style>`],
    ['in a template', `<template><form method="post"><input name="SAMLResponse"></form></template>`],
  ])('a form %s is not a form', (_, html) => {
    expect(scan(`<html><body>${html}<p>after</p></body></html>`).forms).toEqual([]);
  });

  it('markup after a skipped script is read again', () => {
    const page = scan(`<script>if (a < b) { x = "</form>"; }</script><form name="real" method="post"><input name="a" value="1"></form>`);
    expect(page.forms.map((f) => f.name)).toEqual(['real']);
  });

  it('inputs outside a form, and a form inside a form, are ignored as browsers do', () => {
    const page = scan(`<input name="stray" value="1"><form name="outer"><form name="inner"><input name="a"></form><input name="b"></form>`);
    expect(page.forms).toEqual([{ action: '', method: 'get', name: 'outer', inputs: [{ name: 'a', value: '', type: 'text' }] }]);
  });

  it('an unterminated comment, script or tag ends the scan without throwing', () => {
    for (const html of [
      '<form name="a"><!-- never closed <form name="b">',
      '<form name="a"><script>never closed <form name="b">',
      '<form name="a" action="x',
    ]) {
      expect(scan(html).forms.map((f) => f.name)).toEqual(html.includes('action') ? [] : ['a']);
    }
  });

  it('meta names are case-insensitive, the first wins, and __proto__ is just a name', () => {
    const page = scan(`<meta name="PageID" content="KmsiInterrupt"><meta name="pageid" content="Other"><meta name="__proto__" content="x">`);
    expect(page.metas.pageid).toBe('KmsiInterrupt');
    expect(Object.getPrototypeOf(page.metas)).toBeNull();
    expect(page.metas['__proto__']).toBe('x');
  });

  it('reads the fields of a $Config that is not strict JSON', () => {
    const page = scan(
      `<script>$Config={pgid:'x', "pgid":"KmsiInterrupt","sErrorCode":"50140",iErrorCode:50140,"urlPost":"\\u002fkmsi", f: function(){ return "}"; }};</script>`,
    );
    expect(page.config).toEqual({ pgid: 'KmsiInterrupt', sErrorCode: '50140', iErrorCode: '50140', urlPost: '/kmsi' });
  });

  it('an unbalanced $Config is no config', () => {
    expect(scan(`<script>$Config={"pgid":"ConvergedSignIn", "a": {</script>`).config).toBeUndefined();
  });

  it(`refuses a page over ${MAX_HTML_LENGTH} characters`, () => {
    expect(scanHtml('a'.repeat(MAX_HTML_LENGTH + 1))).toEqual({ ok: false, error: 'too-large' });
  });

  it.each([
    ['tags', '<a '.repeat(600_000)],
    ['attributes', `<form ${'a=b '.repeat(500_000)}>`],
    ['unclosed quotes', `<form ${'a="'.repeat(600_000)}`],
    ['entities', `<form action="${'&amp;'.repeat(350_000)}">`],
    ['script openers', '<script>'.repeat(230_000)],
    ['$Config braces', `<script>$Config=${'{'.repeat(1_900_000)}</script>`],
  ])('stays linear on 2 MB of %s', (_, html) => {
    expect(html.length).toBeLessThanOrEqual(MAX_HTML_LENGTH);
    const started = performance.now();
    expect(scanHtml(html).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
