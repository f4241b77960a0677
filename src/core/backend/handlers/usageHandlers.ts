/** Usage requests of the back end: price overrides and the Usage view's report (src/core/usage). */
import type { BackendContext, HandlerGroup } from './context';

/** Handlers of `configurePricing` and `usageReport`. */
export function usageHandlers(ctx: BackendContext): HandlerGroup<'configurePricing' | 'usageReport'> {
  return {
    configurePricing: ({ overrides }) => {
      ctx.usage.setOverrides(overrides);
      // Every cost may have changed: views refresh everything.
      ctx.feed.everything();
      return null;
    },
    usageReport: ({ scope }) => ctx.usage.report(scope),
  };
}
