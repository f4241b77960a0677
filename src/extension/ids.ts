/**
 * Every command, view, context key and setting id, declared once. A unit test checks these
 * against `package.json` `contributes`, so a rename cannot leave one side behind.
 */
export const COMMANDS = {
  startReceiver: 'traceLens.startReceiver',
  stopReceiver: 'traceLens.stopReceiver',
  copyEndpoint: 'traceLens.copyEndpoint',
  copyEnvironment: 'traceLens.copyEnvironment',
  clearTraces: 'traceLens.clearTraces',
  openTraceById: 'traceLens.openTraceById',
  openTrace: 'traceLens.openTrace',
  deleteTrace: 'traceLens.deleteTrace',
  copyTraceId: 'traceLens.copyTraceId',
  pauseLiveUpdates: 'traceLens.pauseLiveUpdates',
  resumeLiveUpdates: 'traceLens.resumeLiveUpdates',
  refresh: 'traceLens.refresh',
  showStatusMenu: 'traceLens.showStatusMenu',
  showLog: 'traceLens.showLog',
} as const;

export const VIEW_CONTAINER_ID = 'traceLens';
export const VIEWS = { traces: 'traceLens.traces' } as const;
export const WEBVIEW_PANELS = { trace: 'traceLens.trace' } as const;

/** `when`-clause context keys set with `setContext`. */
export const CONTEXT_KEYS = {
  receiverRunning: 'traceLens.receiverRunning',
  paused: 'traceLens.paused',
} as const;

/** Setting keys, relative to the `traceLens` section. */
export const SETTINGS = {
  receiverAutoStart: 'receiver.autoStart',
  receiverHost: 'receiver.host',
  receiverPort: 'receiver.port',
  receiverMaxBodyMegabytes: 'receiver.maxBodyMegabytes',
  receiverCorsAllowedOrigins: 'receiver.corsAllowedOrigins',
  storeMaxSpans: 'store.maxSpans',
  storeMaxMegabytes: 'store.maxMegabytes',
} as const;

export const SETTINGS_SECTION = 'traceLens';
