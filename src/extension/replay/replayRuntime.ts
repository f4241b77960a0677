/**
 * The replay client with the provider SDKs, built into its own bundle (dist/replay.js, see
 * esbuild.mjs `replayRuntimeSplit`) and loaded on the first replay so that activating the
 * extension never parses the SDKs. No `vscode` import.
 */
export { sendReplay } from '../../core/replay/client/sendReplay';
