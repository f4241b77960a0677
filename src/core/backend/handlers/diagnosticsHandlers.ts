/**
 * Diagnostics requests (src/core/diagnostics): settings, findings with source locations,
 * baselines, and one run checked against its baseline.
 */
import { resolveAlertConfig, resolveDiagnosticsConfig } from '../../diagnostics/config';
import type { DiagnosticsIndex } from '../../diagnostics/diagnosticsIndex';
import type { HandlerGroup } from './context';

export function diagnosticsHandlers(diagnostics: DiagnosticsIndex): HandlerGroup<'configureDiagnostics' | 'listFindings' | 'listBaselines' | 'checkRun'> {
  return {
    configureDiagnostics: ({ enabled, settings, alerts }) => {
      const resolved = resolveDiagnosticsConfig(settings);
      const alertConfig = resolveAlertConfig(alerts);
      diagnostics.configure(resolved.config, alertConfig.config, enabled);
      return { errors: [...resolved.errors, ...alertConfig.errors] };
    },
    listFindings: ({ traceIds }) => diagnostics.findings(traceIds),
    listBaselines: () => diagnostics.listBaselines(),
    checkRun: ({ traceId }) => diagnostics.checkRun(traceId),
  };
}
