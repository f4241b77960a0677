import * as vscode from 'vscode';
import { OtlpHttpReceiver, isLoopbackHost, type ReceiverStartResult } from '../../core/receiver/otlpHttpReceiver';
import { OtlpGrpcReceiver } from '../../core/receiver/otlpGrpcReceiver';
import { routeGrpcLogs } from '../../core/receiver/grpcWire';
import { ReceiveBudget, receiveBudgetBytesFor } from '../../core/receiver/receiveBudget';
import { probeTraceLens, type TraceLensIdentity, type WindowChannelServerOptions } from '../../core/receiver/windowChannel';
import type { BackendClient } from '../../core/backend/backendClient';
import { CONTEXT_KEYS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { TraceLensSettings } from '../settings';

/** State of one endpoint (the OTLP/HTTP or the OTLP/gRPC server). */
export type EndpointState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  | { kind: 'listening'; host: string; port: number }
  | { kind: 'portBusy'; host: string; port: number; message: string }
  /** Another VS Code window's Trace Lens owns the port (it proved it knows this user's window secret); this window shows its traces. */
  | { kind: 'otherWindow'; port: number; owner: TraceLensIdentity }
  | { kind: 'error'; message: string };

/** What the status bar and commands show about the receiver: both endpoints. */
export interface ReceiverState {
  http: EndpointState;
  /** `disabled` when `traceLens.receiver.grpcEnabled` is off. */
  grpc: EndpointState | { kind: 'disabled' };
}

/** An endpoint whose port is taken by another program, with the setting that moves it. */
export interface BusyEndpoint {
  protocol: 'OTLP/HTTP' | 'OTLP/gRPC';
  port: number;
  /** Full setting id, for `workbench.action.openSettings`. */
  setting: string;
}

/** Busy endpoints of a state, HTTP first. */
export function busyEndpoints(state: ReceiverState): BusyEndpoint[] {
  const busy: BusyEndpoint[] = [];
  if (state.http.kind === 'portBusy') busy.push({ protocol: 'OTLP/HTTP', port: state.http.port, setting: `${SETTINGS_SECTION}.${SETTINGS.receiverPort}` });
  if (state.grpc.kind === 'portBusy') busy.push({ protocol: 'OTLP/gRPC', port: state.grpc.port, setting: `${SETTINGS_SECTION}.${SETTINGS.receiverGrpcPort}` });
  return busy;
}

/**
 * The warning for busy ports (activation and Start Receiver say the same), one message for all,
 * and the settings query its "Open Settings" button opens; `undefined` when no port is busy.
 */
export function portBusyWarning(busy: readonly BusyEndpoint[]): { message: string; settingsQuery: string } | undefined {
  if (busy.length === 0) return undefined;
  if (busy.length === 1) {
    const [b] = busy;
    const off = b.protocol === 'OTLP/gRPC' ? ` (or turn gRPC off with ${SETTINGS_SECTION}.${SETTINGS.receiverGrpcEnabled})` : '';
    return {
      message: `Trace Lens: port ${b.port} is in use by another program, so the ${b.protocol} receiver is not running. Set ${b.setting} to another port and point your app there${off}.`,
      settingsQuery: b.setting,
    };
  }
  return {
    message: `Trace Lens: ports ${busy.map((b) => `${b.port} (${b.protocol})`).join(' and ')} are in use by another program (another collector, Jaeger or Phoenix?), so the OTLP receivers are not running. Set ${busy.map((b) => b.setting).join(' and ')} to other ports and point your app there.`,
    settingsQuery: `${SETTINGS_SECTION}.receiver`,
  };
}

function sameState(a: ReceiverState, b: ReceiverState): boolean {
  const key = (e: EndpointState | { kind: 'disabled' }) => (e.kind === 'otherWindow' ? `${e.kind}:${e.port}:${e.owner.instanceId}` : JSON.stringify(e));
  return key(a.http) === key(b.http) && key(a.grpc) === key(b.grpc);
}

/** How often a busy port is tried again (milliseconds); see `ReceiverController.scheduleBusyRetry`. */
export const BUSY_RETRY_MS = 3_000;

/** `true` while at least one endpoint accepts exports. */
export function isListening(state: ReceiverState): boolean {
  // A port served by Trace Lens in another window receives for this one too.
  return state.http.kind === 'listening' || state.grpc.kind === 'listening' || state.http.kind === 'otherWindow';
}

/**
 * Owns the OTLP/HTTP and OTLP/gRPC receivers: starts and stops them together, restarts them on
 * settings change, and keeps their state. A busy or failing port of one never stops the other.
 */
export class ReceiverController implements vscode.Disposable {
  private http: OtlpHttpReceiver | undefined;
  private grpc: OtlpGrpcReceiver | undefined;
  private stateValue: ReceiverState = { http: { kind: 'stopped' }, grpc: { kind: 'stopped' } };
  private readonly stateEmitter = new vscode.EventEmitter<ReceiverState>();
  /** Fires on every state change. */
  readonly onDidChangeState = this.stateEmitter.event;
  private warnedNonLoopback = false;
  private startedValue = false;
  /** Bumped by every start/stop, so an older start that finishes late gives way. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes being received, shared by the HTTP and gRPC receivers (a new one when the size limit changes). */
  private receiveBudget: ReceiveBudget | undefined;

  constructor(
    private readonly worker: BackendClient,
    private settings: () => TraceLensSettings,
    private readonly log: vscode.LogOutputChannel,
    /** The query channel this window serves to other windows while it owns the port. */
    private readonly windowChannel?: WindowChannelServerOptions,
  ) {
    routeGrpcLogs((level, message) => this.log[level](message));
  }

  get state(): ReceiverState {
    return this.stateValue;
  }

  /** `true` between `start()` and `stop()`, whatever each port's outcome (settings changes restart). */
  get isStarted(): boolean {
    return this.startedValue;
  }

  /** `http://localhost:PORT` of the OTLP/HTTP endpoint, bound or configured (what apps should use). */
  endpoint(): string {
    const s = this.stateValue.http;
    return `http://${this.appHost()}:${s.kind === 'listening' ? s.port : this.settings().receiver.port}`;
  }

  /** `http://localhost:PORT` of the OTLP/gRPC endpoint, or `undefined` when gRPC is turned off. */
  grpcEndpoint(): string | undefined {
    const s = this.stateValue.grpc;
    if (!this.settings().receiver.grpcEnabled) return undefined;
    return `http://${this.appHost()}:${s.kind === 'listening' ? s.port : this.settings().receiver.grpcPort}`;
  }

  /** Starts (or restarts with new settings). Resolves once each port listens or failed; never rejects. */
  async start(): Promise<ReceiverState> {
    const generation = ++this.generation;
    clearTimeout(this.retryTimer);
    await this.stopQuietly();
    if (generation !== this.generation) return this.stateValue;
    this.startedValue = true;
    const { receiver: cfg } = this.settings();
    this.setState({
      http: { kind: 'starting', port: cfg.port },
      grpc: cfg.grpcEnabled ? { kind: 'starting', port: cfg.grpcPort } : { kind: 'disabled' },
    });
    if (!isLoopbackHost(cfg.host) && !this.warnedNonLoopback) {
      this.warnedNonLoopback = true;
      const ports = cfg.grpcEnabled ? `ports ${cfg.port} (HTTP) and ${cfg.grpcPort} (gRPC)` : `port ${cfg.port}`;
      void vscode.window.showWarningMessage(
        `Trace Lens: the OTLP receiver listens on ${cfg.host}, reachable from other machines. Prompts and completions in your traces are visible to anyone who can reach ${ports}.`,
      );
    }
    const http = this.createHttp();
    const grpc = cfg.grpcEnabled ? this.createGrpc() : undefined;
    const [httpResult, grpcResult] = await Promise.all([http.start(), grpc?.start()]);
    if (generation !== this.generation) {
      // stop() or another start() came in meanwhile: it owns the state now.
      await Promise.all([http.stop(), grpc?.stop()]);
      return this.stateValue;
    }
    if (httpResult.ok) this.http = http;
    if (grpcResult?.ok) this.grpc = grpc;
    const next: ReceiverState = {
      http: this.outcome('OTLP/HTTP', 'http', cfg.host, cfg.port, httpResult),
      grpc: grpcResult ? this.outcome('OTLP/gRPC', '', cfg.host, cfg.grpcPort, grpcResult) : { kind: 'disabled' },
    };
    await this.identifyOwner(next);
    if (generation !== this.generation) return this.stateValue;
    this.setState(next);
    this.scheduleBusyRetry(generation);
    return this.stateValue;
  }

  /**
   * A busy HTTP port may be held by Trace Lens in another VS Code window: asks it (identity, not
   * just "port in use") and marks both endpoints `otherWindow` only when it proves it knows this
   * user's window secret (src/core/receiver/windowChannel.ts). A program that answers like Trace
   * Lens without that proof (another user's Trace Lens, another protocol version, or a squatter
   * posing as it) is a busy port, with the reason in its message. Changes `state` in place.
   */
  private async identifyOwner(state: ReceiverState): Promise<void> {
    const http = state.http;
    if (http.kind !== 'portBusy' && http.kind !== 'otherWindow') return;
    const probe = await probeTraceLens(http.port, { secret: this.windowChannel?.secret() });
    const host = this.settings().receiver.host;
    if (probe?.verified && probe.identity.instanceId !== this.windowChannel?.identity.instanceId) {
      const owner = probe.identity;
      if (http.kind === 'portBusy' || http.owner.instanceId !== owner.instanceId) {
        this.log.info(`port ${http.port} is owned by Trace Lens in another VS Code window (pid ${owner.pid}${owner.workspace ? `, ${owner.workspace}` : ''}); showing its traces here`);
      }
      state.http = { kind: 'otherWindow', port: http.port, owner };
      if (state.grpc.kind === 'portBusy' || state.grpc.kind === 'otherWindow') state.grpc = { kind: 'otherWindow', port: state.grpc.port, owner };
    } else if (probe && !probe.verified) {
      const message = `port ${http.port} is held by a program that answers like Trace Lens but is not trusted: ${probe.reason}`;
      if (http.kind !== 'portBusy' || http.message !== message) this.log.warn(message);
      state.http = { kind: 'portBusy', host, port: http.port, message };
      if (state.grpc.kind === 'otherWindow') state.grpc = { kind: 'portBusy', host, port: state.grpc.port, message };
    } else if (http.kind === 'otherWindow') {
      const message = `port ${http.port} is no longer served by the other Trace Lens window`;
      state.http = { kind: 'portBusy', host, port: http.port, message };
      if (state.grpc.kind === 'otherWindow') state.grpc = { kind: 'portBusy', host, port: state.grpc.port, message };
    }
  }

  /**
   * While a port is busy, tries to bind it again every `BUSY_RETRY_MS`, quietly: when the program
   * or window that held it goes away (for example the VS Code window that owned the receiver
   * closes), this window takes over within seconds. A new start()/stop() ends the retries.
   */
  private scheduleBusyRetry(generation: number): void {
    clearTimeout(this.retryTimer);
    const waiting = (k: string) => k === 'portBusy' || k === 'otherWindow';
    if (!waiting(this.stateValue.http.kind) && !waiting(this.stateValue.grpc.kind)) return;
    this.retryTimer = setTimeout(() => void this.retryBusy(generation), BUSY_RETRY_MS);
  }

  private async retryBusy(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const { receiver: cfg } = this.settings();
    const state = this.stateValue;
    const waiting = (k: string) => k === 'portBusy' || k === 'otherWindow';
    const http = waiting(state.http.kind) ? this.createHttp() : undefined;
    const grpc = waiting(state.grpc.kind) ? this.createGrpc() : undefined;
    const [httpResult, grpcResult] = await Promise.all([http?.start(), grpc?.start()]);
    if (generation !== this.generation) {
      await Promise.all([httpResult?.ok && http?.stop(), grpcResult?.ok && grpc?.stop()]);
      return;
    }
    const next: ReceiverState = { ...this.stateValue };
    if (http && httpResult?.ok) {
      this.http = http;
      next.http = this.outcome('OTLP/HTTP', 'http', cfg.host, cfg.port, httpResult);
    }
    if (grpc && grpcResult?.ok) {
      this.grpc = grpc;
      next.grpc = this.outcome('OTLP/gRPC', '', cfg.host, cfg.grpcPort, grpcResult);
    }
    if (http && httpResult?.ok) this.log.info('took over the OTLP receiver (the window or program that held the port is gone)');
    else await this.identifyOwner(next);
    if (generation !== this.generation) return;
    if (!sameState(next, this.stateValue)) this.setState(next);
    this.scheduleBusyRetry(generation);
  }

  private sharedBudget(maxBodyBytes: number): ReceiveBudget {
    const limit = receiveBudgetBytesFor(maxBodyBytes);
    if (this.receiveBudget?.limitBytes !== limit) this.receiveBudget = new ReceiveBudget(limit);
    return this.receiveBudget;
  }

  private createHttp(): OtlpHttpReceiver {
    const { receiver: cfg } = this.settings();
    return new OtlpHttpReceiver({
      host: cfg.host,
      port: cfg.port,
      maxBodyBytes: cfg.maxBodyBytes,
      receiveBudget: this.sharedBudget(cfg.maxBodyBytes),
      corsAllowedOrigins: cfg.corsAllowedOrigins,
      ingest: (params) => this.worker.ingest(params),
      isOverloaded: () => this.worker.isOverloaded(),
      log: (level, message) => this.log[level](message),
      // A copy per receiver: challenges are kept per options object, so none outlives the
      // socket it was issued on (a query captured while this window was away is refused later).
      ...(this.windowChannel ? { windowChannel: { ...this.windowChannel } } : {}),
    });
  }

  private createGrpc(): OtlpGrpcReceiver {
    const { receiver: cfg } = this.settings();
    return new OtlpGrpcReceiver({
      host: cfg.host,
      port: cfg.grpcPort,
      maxMessageBytes: cfg.maxBodyBytes,
      receiveBudget: this.sharedBudget(cfg.maxBodyBytes),
      ingest: (params) => this.worker.ingest(params),
      isOverloaded: () => this.worker.isOverloaded(),
      log: (level, message) => this.log[level](message),
    });
  }

  /** Stops listening; stored traces stay. */
  async stop(): Promise<void> {
    ++this.generation;
    clearTimeout(this.retryTimer);
    this.startedValue = false;
    await this.stopQuietly();
    this.log.info('OTLP receivers stopped');
    this.setState({ http: { kind: 'stopped' }, grpc: this.settings().receiver.grpcEnabled ? { kind: 'stopped' } : { kind: 'disabled' } });
  }

  dispose(): void {
    ++this.generation;
    clearTimeout(this.retryTimer);
    void this.http?.stop();
    void this.grpc?.stop();
    this.http = undefined;
    this.grpc = undefined;
    this.stateEmitter.dispose();
  }

  private outcome(protocol: string, scheme: string, host: string, port: number, result: ReceiverStartResult): EndpointState {
    if (result.ok) {
      this.log.info(`${protocol} receiver listening on ${scheme ? `${scheme}://` : ''}${result.host}:${result.port}`);
      return { kind: 'listening', host: result.host, port: result.port };
    }
    if (result.reason === 'portBusy') {
      this.log.warn(`${protocol} receiver: port ${port} is in use (${result.message})`);
      return { kind: 'portBusy', host, port, message: result.message };
    }
    this.log.error(`${protocol} receiver could not start: ${result.message}`);
    return { kind: 'error', message: result.message };
  }

  private appHost(): string {
    const host = this.settings().receiver.host;
    return isLoopbackHost(host) || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  }

  private async stopQuietly(): Promise<void> {
    const { http, grpc } = this;
    this.http = undefined;
    this.grpc = undefined;
    await Promise.all([http?.stop(), grpc?.stop()]);
  }

  private setState(state: ReceiverState): void {
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.receiverRunning, isListening(state));
    this.stateEmitter.fire(state);
  }
}
