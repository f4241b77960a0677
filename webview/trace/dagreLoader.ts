/**
 * Loads the dagre chunk (webview/trace/dagre.ts) once, when the Graph tab first needs a layout.
 * A failed load rejects (the tab shows it as an error); a later call tries again.
 */
import type { DagreModule } from './graphLayout';

let loading: Promise<DagreModule> | undefined;

/** The dagre layout module (`graphlib`, `layout`); the same promise for every call once loaded. */
export function loadDagre(): Promise<DagreModule> {
  loading ??= import('./dagre').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
