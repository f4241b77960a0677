/**
 * What the harness adds to the page's `window` (type declarations for the `// @ts-check`ed
 * harness modules; nothing here exists at run time).
 */
export {};

declare global {
  interface Window {
    /** CSP violations seen by the page (page.mjs's openPage). */
    __csp: string[];
    /** The trace panel's fake host (fakeHost.mjs). */
    __host: import('./fakeHost.mjs').TraceFakeHost;
    /** The Usage view's fake host (usageFakeHost.mjs). */
    __usageHost: import('./usageFakeHost.mjs').UsageFakeHost;
    /** The compare panel's fake host (compareFakeHost.mjs). */
    __compareHost: import('./compareFakeHost.mjs').CompareFakeHost;
    /** The replay playground's fake host (replayFakeHost.mjs). */
    __replayHost: import('./replayFakeHost.mjs').ReplayFakeHost;
    /** detailChecks.mjs: the details pane's states seen by a MutationObserver (`state:spanId`). */
    __states: string[];
    /** bench/webviewBench.mjs: resolves with one click's timings. */
    __clickWait: Promise<unknown>;
    /** bench/webviewBench.mjs: answers a request with the real back end (a playwright binding). */
    __benchRequest?: (method: string, params: unknown) => Promise<{ result: unknown; hostMs: number }>;
    /** Set by hostile markup if it ever runs (it must not). */
    __xss?: boolean;
    /** Set by an inline script if the CSP ever lets it run (it must not). */
    __inlineRan?: boolean;
    /** VS Code's webview API, as fakeVsCode.mjs defines it. */
    acquireVsCodeApi: () => import('./fakeVsCode.mjs').VsCodeApi;
    /** The Usage view's charts, exposed for the checks by the view when it starts (webview/usage/main.ts). */
    traceLensUsageCharts: import('../../webview/usage/charts').UsageCharts;
  }
}
