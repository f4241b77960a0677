/**
 * Host side of pricing: validates `traceLens.pricing.models` and hands the overrides to the ingest
 * worker, which prices every model call (src/core/pricing, src/core/usage/usageIndex.ts). Sent
 * at activation, on every change of the setting and after a worker restart. Invalid entries are
 * skipped with one warning naming them; the valid ones still apply.
 */
import * as vscode from 'vscode';
import { parsePriceOverrides } from '../../core/pricing/overrides';
import type { BackendClient } from '../../core/backend/backendClient';
import { SETTINGS, SETTINGS_SECTION } from '../ids';
import { affectsSetting, readSettings } from '../settings';

/** Keeps the worker's price overrides in step with the setting. */
export function registerPricing(worker: BackendClient, onWorkerRestart: vscode.Event<void>, log: vscode.LogOutputChannel): vscode.Disposable {
  let lastErrors = '';
  const send = (): void => {
    const raw = readSettings().pricingModels;
    const { overrides, errors } = parsePriceOverrides(raw);
    const errorText = errors.join('; ');
    if (errors.length > 0 && errorText !== lastErrors) {
      log.warn(`pricing: ${errorText}`);
      void vscode.window.showWarningMessage(`Trace Lens: ${errors.length === 1 ? 'an entry' : `${errors.length} entries`} of ${SETTINGS_SECTION}.${SETTINGS.pricingModels} ${errors.length === 1 ? 'is' : 'are'} invalid and ignored: ${errors[0]}${errors.length > 1 ? ' …' : ''}`);
    }
    lastErrors = errorText;
    void worker.request('configurePricing', { overrides }).catch((error: Error) => log.error(`pricing: ${error.message}`));
  };
  send();
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSetting(e, SETTINGS.pricingModels)) send();
    }),
    onWorkerRestart(send),
  );
}
