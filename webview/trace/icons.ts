import type { SpanKind } from '../../src/model/trace';
import { assertNever } from '../../src/protocol/channel';

/** Codicon name per span kind (the waterfall row and the details header). */
export function kindIcon(kind: SpanKind): string {
  switch (kind) {
    case 'server':
      return 'server-process';
    case 'client':
      return 'arrow-right';
    case 'internal':
      return 'symbol-method';
    case 'producer':
      return 'send';
    case 'consumer':
      return 'mail';
    case 'unspecified':
      return 'circle-small';
    default:
      return assertNever(kind);
  }
}

/** Human label per span kind. */
export function kindLabel(kind: SpanKind): string {
  switch (kind) {
    case 'server':
      return 'Server';
    case 'client':
      return 'Client';
    case 'internal':
      return 'Internal';
    case 'producer':
      return 'Producer';
    case 'consumer':
      return 'Consumer';
    case 'unspecified':
      return 'Unspecified';
    default:
      return assertNever(kind);
  }
}

/** Number of service colors in styles/waterfall.css (`.svc-0` … `.svc-N`); indexes wrap around. */
export const SERVICE_PALETTE_SIZE = 8;
