/**
 * The API VS Code injects into every webview (callable once per page load).
 * `getState`/`setState` persist a JSON-safe value across the panel being hidden and restored.
 */
interface VsCodeWebviewApi<State = unknown> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State = unknown>(): VsCodeWebviewApi<State>;
