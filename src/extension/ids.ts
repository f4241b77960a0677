/**
 * Every command, view, context key and setting id, declared once. A unit test checks these
 * against `package.json` `contributes`, so a rename cannot leave one side behind.
 */
/** Forwarding commands (registered by src/extension/forwarding, not by commands.ts). */
export const FORWARDING_COMMANDS = {
  toggleForwarding: 'traceLens.toggleForwarding',
  chooseForwardingTargets: 'traceLens.chooseForwardingTargets',
  addForwardingTarget: 'traceLens.addForwardingTarget',
  setForwardingSecret: 'traceLens.setForwardingSecret',
  importForwardingTargets: 'traceLens.importForwardingTargets',
  sendTraceTo: 'traceLens.sendTraceTo',
  sendSessionTo: 'traceLens.sendSessionTo',
} as const;

export const COMMANDS = {
  ...FORWARDING_COMMANDS,
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
  groupBySession: 'traceLens.groupBySession',
  ungroupTraces: 'traceLens.ungroupTraces',
  goToSource: 'traceLens.goToSource',
} as const;

export const VIEW_CONTAINER_ID = 'traceLens';
export const VIEWS = { traces: 'traceLens.traces', forwarding: 'traceLens.forwarding', usage: 'traceLens.usage' } as const;
export const WEBVIEW_PANELS = { trace: 'traceLens.trace' } as const;

/** `when`-clause context keys set with `setContext`. */
export const CONTEXT_KEYS = {
  receiverRunning: 'traceLens.receiverRunning',
  paused: 'traceLens.paused',
  /** The Traces tree is grouped by session (view title shows "Ungroup"). */
  groupedBySession: 'traceLens.groupedBySession',
} as const;

/** Setting keys, relative to the `traceLens` section. */
export const SETTINGS = {
  receiverAutoStart: 'receiver.autoStart',
  receiverHost: 'receiver.host',
  receiverPort: 'receiver.port',
  receiverGrpcEnabled: 'receiver.grpcEnabled',
  receiverGrpcPort: 'receiver.grpcPort',
  receiverMaxBodyMegabytes: 'receiver.maxBodyMegabytes',
  receiverCorsAllowedOrigins: 'receiver.corsAllowedOrigins',
  storeMaxSpans: 'store.maxSpans',
  storeMaxMegabytes: 'store.maxMegabytes',
  storeMaxAttributeValueLength: 'store.maxAttributeValueLength',
  storePersistence: 'store.persistence',
  forwardingEnabled: 'forwarding.enabled',
  forwardingTargets: 'forwarding.targets',
  forwardingBatchMaxKilobytes: 'forwarding.batchMaxKilobytes',
  forwardingBatchIntervalMilliseconds: 'forwarding.batchIntervalMilliseconds',
  forwardingQueueMaxMegabytes: 'forwarding.queueMaxMegabytes',
  forwardingRequestTimeoutSeconds: 'forwarding.requestTimeoutSeconds',
  sourcePathMappings: 'source.pathMappings',
  codeLensEnabled: 'codeLens.enabled',
  pricingModels: 'pricing.models',
} as const;

export const SETTINGS_SECTION = 'traceLens';
