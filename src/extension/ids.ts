/**
 * Every command, view, context key and setting id, declared once. A unit test checks these
 * against `package.json` `contributes`, so a rename cannot leave one side behind.
 */
/** Receiver commands (src/extension/receiver). */
export const RECEIVER_COMMANDS = {
  startReceiver: 'traceLens.startReceiver',
  stopReceiver: 'traceLens.stopReceiver',
  copyEndpoint: 'traceLens.copyEndpoint',
  copyEnvironment: 'traceLens.copyEnvironment',
  showStatusMenu: 'traceLens.showStatusMenu',
  showLog: 'traceLens.showLog',
} as const;

/** Traces view and trace panel commands (src/extension/traces). */
export const TRACE_COMMANDS = {
  clearTraces: 'traceLens.clearTraces',
  openTraceById: 'traceLens.openTraceById',
  openTrace: 'traceLens.openTrace',
  deleteTrace: 'traceLens.deleteTrace',
  copyTraceId: 'traceLens.copyTraceId',
  pauseLiveUpdates: 'traceLens.pauseLiveUpdates',
  resumeLiveUpdates: 'traceLens.resumeLiveUpdates',
  refresh: 'traceLens.refresh',
  groupBySession: 'traceLens.groupBySession',
  ungroupTraces: 'traceLens.ungroupTraces',
  keepTraceOpen: 'traceLens.keepTraceOpen',
} as const;

/** Search and filter commands (src/extension/search). */
export const SEARCH_COMMANDS = {
  searchTraces: 'traceLens.searchTraces',
  filterTraces: 'traceLens.filterTraces',
  clearFilter: 'traceLens.clearFilter',
} as const;

/** Source navigation commands (src/extension/source). */
export const SOURCE_COMMANDS = {
  goToSource: 'traceLens.goToSource',
} as const;

/** Forwarding commands (src/extension/forwarding). */
export const FORWARDING_COMMANDS = {
  toggleForwarding: 'traceLens.toggleForwarding',
  chooseForwardingTargets: 'traceLens.chooseForwardingTargets',
  addForwardingTarget: 'traceLens.addForwardingTarget',
  setForwardingSecret: 'traceLens.setForwardingSecret',
  importForwardingTargets: 'traceLens.importForwardingTargets',
  sendTraceTo: 'traceLens.sendTraceTo',
  sendSessionTo: 'traceLens.sendSessionTo',
} as const;

/** Diagnostics commands (src/extension/diagnostics). */
export const DIAGNOSTICS_COMMANDS = {
  checkRunAgainstBaseline: 'traceLens.checkRunAgainstBaseline',
  showBaselines: 'traceLens.showBaselines',
  openFindingSpan: 'traceLens.openFindingSpan',
  refreshDiagnostics: 'traceLens.refreshDiagnostics',
} as const;

/** Coding-agent commands (src/extension/agents): context actions that open the chat with @tracelens. */
export const AGENT_COMMANDS = {
  explainWithTraceLens: 'traceLens.explainWithTraceLens',
  askAboutSpan: 'traceLens.askAboutSpan',
  previewAgentTool: 'traceLens.previewAgentTool',
} as const;

/** Run comparison commands (src/extension/compare). */
export const COMPARE_COMMANDS = {
  compareTraces: 'traceLens.compareTraces',
  compareWithPreviousRun: 'traceLens.compareWithPreviousRun',
} as const;

/** MCP commands (src/extension/mcp). */
export const MCP_COMMANDS = {
  copyMcpServerConfiguration: 'traceLens.copyMcpServerConfiguration',
} as const;

/** Id of the MCP server definition provider (`contributes.mcpServerDefinitionProviders`). */
export const MCP_SERVER_PROVIDER_ID = 'traceLens.mcpServer';

/** Traces as files (src/extension/files). */
export const FILE_COMMANDS = {
  exportTraceAsOtlp: 'traceLens.exportTraceAsOtlp',
  exportAllTraces: 'traceLens.exportAllTraces',
  copyTraceAsOtlpJson: 'traceLens.copyTraceAsOtlpJson',
  openOtlpFile: 'traceLens.openOtlpFile',
  openInTraceLens: 'traceLens.openInTraceLens',
  watchOtlpFile: 'traceLens.watchOtlpFile',
  stopWatchingOtlpFile: 'traceLens.stopWatchingOtlpFile',
} as const;

/** Replay commands (src/extension/replay). */
export const REPLAY_COMMANDS = {
  replayModelCall: 'traceLens.replayModelCall',
  serveRecordedResponses: 'traceLens.serveRecordedResponses',
  stopServingRecordedResponses: 'traceLens.stopServingRecordedResponses',
  showRecordedResponsesReport: 'traceLens.showRecordedResponsesReport',
  copyRecordedResponsesBaseUrl: 'traceLens.copyRecordedResponsesBaseUrl',
  addReplayProvider: 'traceLens.addReplayProvider',
  setReplayProviderKey: 'traceLens.setReplayProviderKey',
} as const;

/** Every command; each feature registers its own group, one handler per id (typed `CommandHandlers`). */
export const COMMANDS = { ...RECEIVER_COMMANDS, ...TRACE_COMMANDS, ...SEARCH_COMMANDS, ...SOURCE_COMMANDS, ...FORWARDING_COMMANDS, ...DIAGNOSTICS_COMMANDS, ...AGENT_COMMANDS, ...MCP_COMMANDS, ...FILE_COMMANDS, ...COMPARE_COMMANDS, ...REPLAY_COMMANDS } as const;

/** One handler for every command of a group (`RECEIVER_COMMANDS`, …): the compiler refuses a missing one. */
export type CommandHandlers<G extends Record<string, string>> = Record<G[keyof G], (...args: unknown[]) => unknown>;

export const VIEW_CONTAINER_ID = 'traceLens';
export const VIEWS = { traces: 'traceLens.traces', diagnostics: 'traceLens.diagnostics', forwarding: 'traceLens.forwarding', usage: 'traceLens.usage' } as const;
export const WEBVIEW_PANELS = { trace: 'traceLens.trace', compare: 'traceLens.compare', replay: 'traceLens.replay' } as const;

/** The @tracelens chat participant (package.json `chatParticipants`) and its slash commands. */
export const CHAT_PARTICIPANT = { id: 'trace-lens.tracelens', name: 'tracelens', commands: ['explain', 'cost', 'compare'] } as const;

/** VS Code name of an agent tool (`AGENT_TOOLS[].name`, src/core/agents/tools.ts): `trace-lens_get_trace`. */
export function languageModelToolName(agentToolName: string): string {
  return `trace-lens_${agentToolName}`;
}

/** `when`-clause context keys set with `setContext`. */
export const CONTEXT_KEYS = {
  receiverRunning: 'traceLens.receiverRunning',
  paused: 'traceLens.paused',
  /** The Traces tree is grouped by session (view title shows "Ungroup"). */
  groupedBySession: 'traceLens.groupedBySession',
  /** The Traces view shows only the traces matching a filter (view title shows "Clear Filter"). */
  filterActive: 'traceLens.filterActive',
  /** Serve Recorded Responses… is running (Stop / Report / Copy Base URL in the palette). */
  servingRecordedResponses: 'traceLens.servingRecordedResponses',
  /** The active editor is the preview trace panel, reused by the next single click ("Keep Trace Open" shows). */
  tracePreviewActive: 'traceLens.tracePreviewActive',
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
  diagnosticsEnabled: 'diagnostics.enabled',
  diagnosticsMaxIterations: 'diagnostics.maxIterations',
  diagnosticsLoopRepeats: 'diagnostics.loopRepeats',
  diagnosticsRetryRepeats: 'diagnostics.retryRepeats',
  diagnosticsSpikeFactor: 'diagnostics.spikeFactor',
  diagnosticsContextThreshold: 'diagnostics.contextThreshold',
  diagnosticsBaselineRuns: 'diagnostics.baseline.runs',
  diagnosticsBaselineMinRuns: 'diagnostics.baseline.minRuns',
  diagnosticsBaselineThreshold: 'diagnostics.baseline.threshold',
  diagnosticsToolSkipRate: 'diagnostics.toolSkipRate',
  diagnosticsExpectedTools: 'diagnostics.expectedTools',
  diagnosticsDisabled: 'diagnostics.disabled',
  diagnosticsAlertsEnabled: 'diagnostics.alerts.enabled',
  diagnosticsAlertsThresholds: 'diagnostics.alerts.thresholds',
  diagnosticsAlertsMinIntervalMinutes: 'diagnostics.alerts.minIntervalMinutes',
  agentsIncludeContent: 'agents.includeContent',
  agentsOutputBudgetCharacters: 'agents.outputBudgetCharacters',
  agentsRedactionPatterns: 'agents.redactionPatterns',
  replayProviders: 'replay.providers',
  replayRequestTimeoutSeconds: 'replay.requestTimeoutSeconds',
} as const;

export const SETTINGS_SECTION = 'traceLens';
