/**
 * The recorded-response server ("Serve Recorded Responses…", issue 21): start it, read what it
 * served, and turn that into a divergence report.
 */
export { startRecordedServer, type DivergencePolicy, type RecordedServer, type RecordedServerOptions } from './server';
export { divergenceReport } from './report';
export { RecordedCallMatcher, sameModel, type CallComparison, type MatchOutcome, type MatchState } from './matching';
export { parseIncomingRequest, type IncomingRequest } from './incoming';
export { DEFAULT_BASE_URLS, liveEndpoint, type LiveProvider } from './live';
export { MAX_BODY_BYTES } from './http';
