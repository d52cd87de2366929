/**
 * The extension's popup as a user meets it, for every suite that drives it: the Chromium specs (Playwright), the
 * Firefox specs (puppeteer-core over WebDriver BiDi), the demo and the benchmark. What the user sees — a role, a
 * result, a problem — is named here once, with its selector; what the user does — filter, tick, assume, copy, save
 * — is one method. Each client supplies a small `PageDriver` over its own page (tests/support/popup-playwright.ts,
 * tests/firefox/popup.ts); `L` is that client's handle on a set of elements, so a Playwright spec can still put its
 * web-first assertions on `popup.result(arn)` while a puppeteer spec reads it through `popup.textOf(…)`.
 */

/** What `PageDriver.waitFor` waits for, of the first element a handle matches. */
export type WaitState = 'attached' | 'visible' | 'hidden' | 'detached';

/** The few page operations the popup page object needs; each client implements them over its own page. */
export interface PageDriver<L> {
  /** A handle on the elements matching a CSS selector (looked up when used, so it follows re-renders). */
  locate(selector: string): L;
  /** Clicks the (first) element, once it is shown. */
  click(target: L): Promise<void>;
  /** Ticks a checkbox with a click, unless it is ticked already. */
  check(target: L): Promise<void>;
  fill(target: L, text: string): Promise<void>;
  select(target: L, value: string): Promise<void>;
  count(target: L): Promise<number>;
  /** The text content of every match, in document order. */
  texts(target: L): Promise<string[]>;
  /** One attribute of every match, in document order. */
  attributes(target: L, name: string): Promise<(string | null)[]>;
  /** Whether the first match is in the page and rendered. */
  isVisible(target: L): Promise<boolean>;
  /** Resolves once the first match reaches `state`; rejects after `timeoutMs`. */
  waitFor(target: L, state: WaitState, timeoutMs: number): Promise<void>;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
}

const testId = (id: string) => `[data-testid="${id}"]`;
/** A CSS string literal: a role ARN's path may hold quotes and backslashes. */
const quoted = (value: string) => JSON.stringify(value);
const roleRow = (arn: string) => `${testId('role-row')}[data-role-arn=${quoted(arn)}]`;
const result = (arn: string) => `${testId('result')}[data-role-arn=${quoted(arn)}]`;
const capture = (id: string) => `${testId('capture')}[data-capture-id=${quoted(id)}]`;
const within = (scope: string | undefined, selector: string) => (scope ? `${scope} ${selector}` : selector);

/** Every selector of the popup, defined once (exported for in-page scripts and client-specific chaining). */
export const POPUP = {
  roleRows: testId('role-row'),
  role: roleRow,
  roleCheckbox: (arn: string) => `${roleRow(arn)} input[type="checkbox"]`,
  /** The heading of one account's group (its name, if any, and its id). */
  account: (accountId: string) => `[role="rowgroup"]:has(${testId('select-account')}[data-account-id=${quoted(accountId)}]) h3`,
  accountNames: testId('account-name'),
  selectAccount: testId('select-account'),
  pin: testId('pin'),
  roleDuration: testId('role-duration'),
  filter: testId('filter'),
  selectAll: testId('select-all'),
  duration: testId('duration'),
  assume: testId('assume'),
  usableFor: testId('usable-for'),
  expiryPreview: testId('expiry-preview'),
  results: testId('result'),
  result,
  /** The result of a role reached by chaining, shown in its source role's row. */
  chainedResult: (sourceArn: string, targetArn: string) => `${roleRow(sourceArn)} ${testId('chained-result')} ${result(targetArn)}`,
  resultsWithStatus: (status: string) => `${testId('result')}[data-status=${quoted(status)}]`,
  /** A result that is no longer waiting for STS. */
  settled: (arn: string) => `${result(arn)}:not([data-status="pending"])`,
  copyButton: (format: string) => testId(`copy-${format}`),
  notice: testId('notice'),
  saved: testId('saved'),
  emptyState: testId('empty-state'),
  signInExpired: testId('sign-in-expired'),
  problem: testId('capture-problem'),
  captures: testId('capture'),
  capture,
  captureTitle: testId('capture-title'),
  captureSource: testId('capture-source'),
  brokenEntries: testId('broken-entry'),
  popupFailed: testId('popup-failed'),
  errorBanner: '.banner.error',
  forgetAll: testId('forget-all'),
  forgetRemovesSaved: testId('forget-removes-saved'),
  openOptions: testId('open-options'),
  hostStatus: testId('host-status'),
  hostStatusIn: (state: string) => `${testId('host-status')}[data-state=${quoted(state)}]`,
  hostFixCommand: testId('host-fix-command'),
  downloadHelper: testId('download-helper'),
  copyFixCommand: testId('copy-fix-command'),
  recheckHost: testId('recheck-host'),
  saveToFile: testId('save-to-file'),
  saveStatus: testId('save-status'),
  saveProblem: testId('save-problem'),
  saveOverwrite: testId('save-overwrite'),
  download: testId('download-credentials-file'),
  copyAll: testId('copy-all-credentials-file'),
  fileOpenWarning: testId('file-open-warning'),
  makeFilePrivate: testId('make-file-private'),
  hostPermissionBanner: testId('host-permission-banner'),
  /** Keep fresh, per sign-in: the line (`data-state`: fresh, renewing, needs-you, manual…), its switch and buttons. */
  keepFresh: testId('keep-fresh'),
  keepFreshSwitch: testId('keep-fresh-switch'),
  keepFreshAllow: testId('keep-fresh-allow'),
  keepFreshSignIn: testId('keep-fresh-sign-in'),
  grantHostPermissions: testId('grant-host-permissions'),
  hostPermissionDeclined: testId('host-permission-declined'),
  openConsole: (arn: string) => `${result(arn)} ${testId('open-console')}`,
  consoleStatus: (arn: string) => `${result(arn)} ${testId('console-status')}`,
  consoleError: (arn: string) => `${result(arn)} ${testId('console-error')}`,
  copyButtons: (arn: string) => `${result(arn)} [data-testid^="copy-"]`,
  /** A sign-in's "Assume my usual roles on sign-in" switch (shown once roles were chosen from its source). */
  autoAssume: testId('auto-assume'),
  /** The quiet line on what the last automatic Assume of a sign-in's source did. */
  zeroClickRun: testId('zero-click-run'),
  /** The rows of ticked roles. */
  tickedRoles: `${testId('role-row')}:has(input[type="checkbox"]:checked)`,
} as const;

/** How long a copied text may take to reach the clipboard. */
const CLIPBOARD_MS = 5_000;
/** How long STS may take for one Assume (retries included). */
const ASSUME_MS = 30_000;
const POLL_MS = 100;

/** The popup: what a user sees (handles of the client's type `L`) and does (async methods). */
export class PopupPage<L> {
  constructor(protected readonly driver: PageDriver<L>) {}

  private at(selector: string): L {
    return this.driver.locate(selector);
  }

  // ── what the user sees ────────────────────────────────────────────────────────────────────────────────────────

  /** Every role row shown (the filter hides the others). */
  roles(): L {
    return this.at(POPUP.roleRows);
  }
  role(arn: string): L {
    return this.at(POPUP.role(arn));
  }
  /** The heading of an account's group of roles. */
  account(accountId: string): L {
    return this.at(POPUP.account(accountId));
  }
  /** The names shown for accounts: all of them, or the one in an account's heading. */
  accountNames(accountId?: string): L {
    return this.at(within(accountId && POPUP.account(accountId), POPUP.accountNames));
  }
  /** The "Select all" / "Clear" buttons of the accounts' groups. */
  accountSelectors(): L {
    return this.at(POPUP.selectAccount);
  }
  /** The pin buttons: all, or a role's. */
  pins(arn?: string): L {
    return this.at(within(arn && POPUP.role(arn), POPUP.pin));
  }
  /** The duration tags of roles with a duration of their own: all, or a role's. */
  roleDurations(arn?: string): L {
    return this.at(within(arn && POPUP.role(arn), POPUP.roleDuration));
  }
  filterBox(): L {
    return this.at(POPUP.filter);
  }
  assumeButton(): L {
    return this.at(POPUP.assume);
  }
  /** How long the sign-in can still be used. */
  usableFor(): L {
    return this.at(POPUP.usableFor);
  }
  expiryPreview(): L {
    return this.at(POPUP.expiryPreview);
  }
  /** The results of assumed roles: all, or those with one status (`pending`, `ok`, `error`). */
  results(status?: string): L {
    return this.at(status ? POPUP.resultsWithStatus(status) : POPUP.results);
  }
  /** A role's result: its status (`data-status`), credentials, notices and copy buttons. */
  result(arn: string): L {
    return this.at(POPUP.result(arn));
  }
  /** The result of `targetArn`, reached by chaining, where it is shown: under `sourceArn`'s result. */
  chainedResult(sourceArn: string, targetArn: string): L {
    return this.at(POPUP.chainedResult(sourceArn, targetArn));
  }
  /** A result's Copy buttons, in the order shown. */
  copyButtons(arn: string): L {
    return this.at(POPUP.copyButtons(arn));
  }
  /** A result's Open console button, and what it said after a press. */
  openConsoleButton(arn: string): L {
    return this.at(POPUP.openConsole(arn));
  }
  consoleStatus(arn: string): L {
    return this.at(POPUP.consoleStatus(arn));
  }
  consoleError(arn: string): L {
    return this.at(POPUP.consoleError(arn));
  }
  /** The notices under a role's result (e.g. a shorter duration than asked for). */
  notice(arn: string): L {
    return this.at(`${POPUP.result(arn)} ${POPUP.notice}`);
  }
  /** "Saved as <profile>, expires …" lines: all, or a role's. */
  saved(arn?: string): L {
    return this.at(within(arn && POPUP.result(arn), POPUP.saved));
  }
  emptyState(): L {
    return this.at(POPUP.emptyState);
  }
  /** The banner saying the sign-in is older than 5 minutes. */
  signInExpired(): L {
    return this.at(POPUP.signInExpired);
  }
  /** Why the last sign-in could not be used (encrypted, malformed, from another page…). */
  problem(): L {
    return this.at(POPUP.problem);
  }
  /** The sign-ins listed: all, or one by its capture id. */
  captures(id?: string): L {
    return this.at(id ? POPUP.capture(id) : POPUP.captures);
  }
  /** A sign-in's title (app and identity provider): all, or one capture's. */
  captureTitles(id?: string): L {
    return this.at(within(id && POPUP.capture(id), POPUP.captureTitle));
  }
  /** Where a sign-in came from: all, or one capture's. */
  captureSources(id?: string): L {
    return this.at(within(id && POPUP.capture(id), POPUP.captureSource));
  }
  /** The one-line stand-ins for stored entries that could not be shown. */
  brokenEntries(): L {
    return this.at(POPUP.brokenEntries);
  }
  /** The whole popup failed to render. */
  failure(): L {
    return this.at(POPUP.popupFailed);
  }
  errorBanners(): L {
    return this.at(POPUP.errorBanner);
  }
  /** Everything on the page, for what must (not) be shown anywhere. */
  everything(): L {
    return this.at('body');
  }
  optionsButton(): L {
    return this.at(POPUP.openOptions);
  }
  /** The credentials helper's line: any state, or one (`checking`, `ready`, `missing`, …). */
  hostStatus(state?: string): L {
    return this.at(state ? POPUP.hostStatusIn(state) : POPUP.hostStatus);
  }
  /** The command that installs the helper. */
  hostFixCommand(): L {
    return this.at(POPUP.hostFixCommand);
  }
  saveButton(): L {
    return this.at(POPUP.saveToFile);
  }
  saveStatus(): L {
    return this.at(POPUP.saveStatus);
  }
  /** Why Save wrote nothing (`data-code`), with the way on. */
  saveProblem(): L {
    return this.at(POPUP.saveProblem);
  }
  downloadButton(): L {
    return this.at(POPUP.download);
  }
  /** The warning that other users can read the credentials file. */
  fileOpenWarning(): L {
    return this.at(POPUP.fileOpenWarning);
  }
  /** A sign-in's "Assume my usual roles on sign-in" switch: all, or one capture's. */
  autoAssumeSwitch(captureId?: string): L {
    return this.at(within(captureId && POPUP.capture(captureId), POPUP.autoAssume));
  }
  /** "3 profiles saved 09:02, fresh until 10:02": all, or one capture's. */
  zeroClickRun(captureId?: string): L {
    return this.at(within(captureId && POPUP.capture(captureId), POPUP.zeroClickRun));
  }
  /** The rows of the ticked roles (each with `data-role-arn`). */
  tickedRoles(): L {
    return this.at(POPUP.tickedRoles);
  }
  /** A sign-in's Keep fresh line (`data-state` names the renewal state): all, or one capture's. */
  keepFresh(captureId?: string): L {
    return this.at(within(captureId && POPUP.capture(captureId), POPUP.keepFresh));
  }
  /** The Keep fresh line's "Allow" (access to the Entra sign-in site) and "Sign in" buttons. */
  keepFreshAllow(): L {
    return this.at(POPUP.keepFreshAllow);
  }
  keepFreshSignIn(): L {
    return this.at(POPUP.keepFreshSignIn);
  }
  /** The banner shown while the browser withholds the extension's host permissions. */
  hostPermissionBanner(): L {
    return this.at(POPUP.hostPermissionBanner);
  }
  /** What the banner says after the user declined the browser's prompt. */
  hostPermissionDeclined(): L {
    return this.at(POPUP.hostPermissionDeclined);
  }

  // ── what the user does ────────────────────────────────────────────────────────────────────────────────────────

  /** Presses the Keep fresh line's "Allow" (the browser then asks for the Entra sign-in site). */
  async allowKeepFresh(): Promise<void> {
    await this.driver.click(this.keepFreshAllow());
  }

  /** Types into the filter (replacing what was there). */
  async filter(text: string): Promise<void> {
    await this.driver.fill(this.filterBox(), text);
  }
  /** Ticks a role. */
  async tick(arn: string): Promise<void> {
    await this.driver.check(this.at(POPUP.roleCheckbox(arn)));
  }
  /** "Select all" of the roles shown. */
  async selectAll(): Promise<void> {
    await this.driver.click(this.at(POPUP.selectAll));
  }
  /** Picks the requested duration, in seconds. */
  async chooseDuration(seconds: string): Promise<void> {
    await this.driver.select(this.at(POPUP.duration), seconds);
  }
  /** Presses Assume once it is ready for it (not busy with the previous press); does not wait for STS. */
  async pressAssume(): Promise<void> {
    const button = this.assumeButton();
    await this.until('the Assume button to be ready', async () => (await this.driver.attributes(button, 'aria-disabled'))[0] !== 'true');
    await this.driver.click(button);
  }
  /** Ticks the roles, picks a duration if given, presses Assume; resolves when each result has settled. */
  async assume(arns: readonly string[], options: { duration?: string } = {}): Promise<void> {
    for (const arn of arns) await this.tick(arn);
    if (options.duration) await this.chooseDuration(options.duration);
    await this.pressAssume();
    await this.waitForSettled(arns);
  }
  /** Resolves when none of the roles' results is pending any more. */
  async waitForSettled(arns: readonly string[], timeoutMs = ASSUME_MS): Promise<void> {
    for (const arn of arns) await this.driver.waitFor(this.at(POPUP.settled(arn)), 'attached', timeoutMs);
  }
  /** Clicks a result's copy button for `format` (`env`, `process`, `credentials-file`, …); returns what was copied. */
  copy(arn: string, format: string): Promise<string> {
    return this.copied(`${POPUP.result(arn)} ${POPUP.copyButton(format)}`);
  }
  /** Copies the helper's install command; returns it as copied. */
  copyFixCommand(): Promise<string> {
    return this.copied(POPUP.copyFixCommand);
  }
  /** "Copy all" as a credentials file; returns what was copied. */
  copyAll(): Promise<string> {
    return this.copied(POPUP.copyAll);
  }
  /** "Save to ~/.aws/credentials". */
  async save(): Promise<void> {
    await this.driver.click(this.saveButton());
  }
  /** "Overwrite them", after Save refused sections it did not write. */
  async overwrite(): Promise<void> {
    await this.driver.click(this.at(POPUP.saveOverwrite));
  }
  /** Asks again whether the credentials helper is installed. */
  async recheckHost(): Promise<void> {
    await this.driver.click(this.at(POPUP.recheckHost));
  }
  /** "Make it private" (the credentials file to 0600). */
  async makeFilePrivate(): Promise<void> {
    await this.driver.click(this.at(POPUP.makeFilePrivate));
  }
  /** "Forget everything": every sign-in and result. */
  async forgetEverything(options: { removeFromFile?: boolean } = {}): Promise<void> {
    // "Forget also removes them from ~/.aws/credentials" (shown once something was saved).
    if (options.removeFromFile) await this.driver.check(this.at(POPUP.forgetRemovesSaved));
    await this.driver.click(this.at(POPUP.forgetAll));
  }
  /** "Grant access" on the host-permission banner (the browser then asks). */
  async grantHostAccess(): Promise<void> {
    await this.driver.click(this.at(POPUP.grantHostPermissions));
  }

  // ── reading and waiting, the same in every client ────────────────────────────────────────────────────────────

  /** A role's result status (`pending`, `ok`, `error`), or null without a result. */
  async statusOf(arn: string): Promise<string | null> {
    return (await this.driver.attributes(this.result(arn), 'data-status'))[0] ?? null;
  }
  /** The text of the first match ('' when there is none). */
  async textOf(target: L): Promise<string> {
    return (await this.driver.texts(target))[0] ?? '';
  }
  textsOf(target: L): Promise<string[]> {
    return this.driver.texts(target);
  }
  async attributeOf(target: L, name: string): Promise<string | null> {
    return (await this.driver.attributes(target, name))[0] ?? null;
  }
  attributesOf(target: L, name: string): Promise<(string | null)[]> {
    return this.driver.attributes(target, name);
  }
  countOf(target: L): Promise<number> {
    return this.driver.count(target);
  }
  isShown(target: L): Promise<boolean> {
    return this.driver.isVisible(target);
  }
  /** Resolves once the first match of `target` reaches `state`. */
  waitFor(target: L, state: WaitState = 'visible', timeoutMs = 10_000): Promise<void> {
    return this.driver.waitFor(target, state, timeoutMs);
  }
  /** Resolves once exactly `count` roles are listed (the popup follows storage live). */
  async waitForRoles(count: number, timeoutMs = 10_000): Promise<void> {
    await this.until(`${count} role rows`, async () => (await this.driver.count(this.roles())) === count, timeoutMs);
  }
  /** Resolves once the first match of `target` reads exactly `text`. */
  async waitForText(target: L, text: string, timeoutMs = 10_000): Promise<void> {
    await this.until(`the text ${JSON.stringify(text)}`, async () => (await this.textOf(target)) === text, timeoutMs);
  }
  /** The credentials helper's state once the popup has asked it, and the line shown. */
  async hostState(timeoutMs = 15_000): Promise<{ state: string | null; text: string }> {
    const status = this.hostStatus();
    await this.until('the credentials helper to answer', async () => (await this.attributeOf(status, 'data-state')) !== 'checking', timeoutMs);
    return { state: await this.attributeOf(status, 'data-state'), text: await this.textOf(status) };
  }

  /** Clears the clipboard, clicks `selector` and returns what landed there (so a copy that failed cannot pass with old text). */
  private async copied(selector: string): Promise<string> {
    await this.driver.writeClipboard('');
    await this.driver.click(this.at(selector));
    const deadline = Date.now() + CLIPBOARD_MS;
    for (;;) {
      const text = await this.driver.readClipboard();
      if (text !== '' || Date.now() > deadline) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in the popup for ${what}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
