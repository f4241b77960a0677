/**
 * The divergence report of a re-run against recorded responses: a Markdown text a user reads
 * (shown in a preview or an editor by the extension). Pure.
 */
import type { RecordedCall, ServedRequest } from '../../../model/replay';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function apiName(api: ServedRequest['api']): string {
  return api === 'openai' ? 'OpenAI' : 'Anthropic';
}

function callLabel(call: RecordedCall | undefined, index: number): string {
  return call ? `recorded call ${index} ${code(call.spanName)}` : `recorded call ${index}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Markdown: a summary (how many requests were answered from the recording, live, or with an
 * error; up to which request the re-run followed the recording), one table row per request
 * (API, model, what answered it, match, status), the differences of every request that has
 * some, and the recorded calls never requested. `calls` are the server's calls (looked up by `index`).
 */
export function divergenceReport(served: readonly ServedRequest[], calls: readonly RecordedCall[]): string {
  const byIndex = new Map(calls.map((c) => [c.index, c]));
  const requests = [...served].sort((a, b) => a.requestIndex - b.requestIndex);
  const lines: string[] = ['# Re-run against recorded responses', ''];
  if (requests.length === 0) {
    lines.push(`No model request has arrived yet (${count(calls.length, 'recorded model call')}). Point the app's base URL at the server and run it.`);
    return `${lines.join('\n')}\n`;
  }
  const fromRecording = requests.filter((r) => r.servedFrom === 'recording').length;
  const fromLive = requests.filter((r) => r.servedFrom === 'live').length;
  const errors = requests.filter((r) => r.servedFrom === 'error').length;
  lines.push(`${count(requests.length, 'model request')}: ${fromRecording} answered from the recording, ${fromLive} live, ${count(errors, 'error')}.`);
  const firstOff = requests.find((r) => r.match !== 'position');
  if (firstOff === undefined) {
    lines.push('', 'The re-run followed the recording: every request matched the recorded call at its position.');
  } else {
    const followed = firstOff.requestIndex === 0 ? 'The re-run diverged from the start' : `The re-run followed the recording through request ${firstOff.requestIndex - 1}`;
    lines.push('', `${followed}; request ${firstOff.requestIndex} is the first that does not match the recorded call at its position.`);
  }
  lines.push('', '| Request | API | Model | Answered by | Match | Status |', '|---|---|---|---|---|---|');
  for (const r of requests) {
    const by =
      r.servedFrom === 'recording' && r.matchedCallIndex !== undefined
        ? callLabel(byIndex.get(r.matchedCallIndex), r.matchedCallIndex)
        : r.servedFrom === 'live'
          ? 'live provider'
          : 'error';
    const match = r.match === 'position' ? 'position' : r.match === 'content' ? 'content (another call)' : 'none';
    lines.push(`| ${r.requestIndex} | ${apiName(r.api)}${r.streamed ? ' (stream)' : ''} | ${cell(r.model ?? '')} | ${cell(by)} | ${match} | ${r.status} |`);
  }
  const withDifferences = requests.filter((r) => r.differences.length > 0 || r.note !== undefined);
  if (withDifferences.length > 0) {
    lines.push('', '## Differences', '', 'Recorded → re-run. Messages are counted from 1 after the system instructions.');
    for (const r of withDifferences) {
      const against = r.comparedCallIndex !== undefined ? ` (compared with ${callLabel(byIndex.get(r.comparedCallIndex), r.comparedCallIndex)})` : '';
      lines.push('', `**Request ${r.requestIndex}**${against}:`, '');
      for (const d of r.differences) lines.push(`- ${d}`);
      if (r.note !== undefined && !r.differences.includes(r.note)) lines.push(`- ${r.note}`);
    }
  }
  const answered = new Set(requests.flatMap((r) => (r.servedFrom === 'recording' && r.matchedCallIndex !== undefined ? [r.matchedCallIndex] : [])));
  const compared = new Set(requests.flatMap((r) => (r.comparedCallIndex !== undefined ? [r.comparedCallIndex] : [])));
  const untouched = calls.filter((c) => !answered.has(c.index) && !compared.has(c.index));
  if (untouched.length > 0) {
    lines.push('', '## Recorded calls not requested', '');
    for (const c of untouched) lines.push(`- ${callLabel(c, c.index)}${c.requestModel ?? c.responseModel ? ` (${c.requestModel ?? c.responseModel})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
