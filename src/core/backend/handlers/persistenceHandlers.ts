/** Persistence requests of the back end: the setting, and a snapshot on shutdown (src/core/store/persistence.ts). */
import type { BackendContext, HandlerGroup } from './context';

/** Handlers of `configurePersistence` and `snapshot`; answer "nothing written" while no persistence is attached. */
export function persistenceHandlers(ctx: BackendContext): HandlerGroup<'configurePersistence' | 'snapshot'> {
  return {
    configurePersistence: (config) => {
      ctx.persistence()?.configure(config);
      return null;
    },
    snapshot: () => ctx.persistence()?.snapshotIfChanged() ?? { written: false, bytes: 0, path: null, durationMs: 0 },
  };
}
