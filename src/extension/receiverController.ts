import * as vscode from 'vscode';
import { OtlpHttpReceiver, isLoopbackHost } from '../core/receiver/otlpHttpReceiver';
import type { IngestWorkerClient } from '../core/worker/ingestClient';
import { CONTEXT_KEYS } from './ids';
import type { TraceLensSettings } from './settings';

/** What the status bar and commands show about the receiver. */
export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  | { kind: 'listening'; host: string; port: number }
  | { kind: 'portBusy'; host: string; port: number; message: string }
  | { kind: 'error'; message: string };

/** Owns the OTLP/HTTP receiver: start, stop, restart on settings change, and its state. */
export class ReceiverController implements vscode.Disposable {
  private receiver: OtlpHttpReceiver | undefined;
  private stateValue: ReceiverState = { kind: 'stopped' };
  private readonly stateEmitter = new vscode.EventEmitter<ReceiverState>();
  /** Fires on every state change. */
  readonly onDidChangeState = this.stateEmitter.event;
  private warnedNonLoopback = false;

  constructor(
    private readonly worker: IngestWorkerClient,
    private settings: () => TraceLensSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): ReceiverState {
    return this.stateValue;
  }

  /** `http://localhost:PORT` for the configured or bound port (what apps should use). */
  endpoint(): string {
    const s = this.stateValue;
    const port = s.kind === 'listening' ? s.port : this.settings().receiver.port;
    const host = this.settings().receiver.host;
    const name = isLoopbackHost(host) || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return `http://${name}:${port}`;
  }

  /** Starts (or restarts with new settings). Resolves once listening or failed; never rejects. */
  async start(): Promise<ReceiverState> {
    await this.stopQuietly();
    const { receiver: cfg } = this.settings();
    this.setState({ kind: 'starting', port: cfg.port });
    if (!isLoopbackHost(cfg.host) && !this.warnedNonLoopback) {
      this.warnedNonLoopback = true;
      void vscode.window.showWarningMessage(
        `Trace Lens: the OTLP receiver listens on ${cfg.host}, reachable from other machines. Prompts and completions in your traces are visible to anyone who can reach this port.`,
      );
    }
    const receiver = new OtlpHttpReceiver({
      host: cfg.host,
      port: cfg.port,
      maxBodyBytes: cfg.maxBodyBytes,
      corsAllowedOrigins: cfg.corsAllowedOrigins,
      ingest: (params) => this.worker.ingest(params),
      isOverloaded: () => this.worker.isOverloaded(),
      log: (level, message) => this.log[level](message),
    });
    const result = await receiver.start();
    if (result.ok) {
      this.receiver = receiver;
      this.log.info(`OTLP/HTTP receiver listening on http://${result.host}:${result.port}`);
      this.setState({ kind: 'listening', host: result.host, port: result.port });
    } else if (result.reason === 'portBusy') {
      this.log.warn(`OTLP/HTTP receiver: port ${cfg.port} is in use (${result.message})`);
      this.setState({ kind: 'portBusy', host: cfg.host, port: cfg.port, message: result.message });
    } else {
      this.log.error(`OTLP/HTTP receiver could not start: ${result.message}`);
      this.setState({ kind: 'error', message: result.message });
    }
    return this.stateValue;
  }

  /** Stops listening; stored traces stay. */
  async stop(): Promise<void> {
    await this.stopQuietly();
    this.log.info('OTLP/HTTP receiver stopped');
    this.setState({ kind: 'stopped' });
  }

  dispose(): void {
    void this.receiver?.stop();
    this.receiver = undefined;
    this.stateEmitter.dispose();
  }

  private async stopQuietly(): Promise<void> {
    const receiver = this.receiver;
    this.receiver = undefined;
    await receiver?.stop();
  }

  private setState(state: ReceiverState): void {
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.receiverRunning, state.kind === 'listening');
    this.stateEmitter.fire(state);
  }
}
