// A client that POSTs an OTLP/JSON body of a given size to an OTLP/HTTP receiver, as a user's
// program would, in a process of its own (a client in the receiver's own process shares its event
// loop and hides the races between writing and closing). Used by
// test/unit/receiver/tooLargeBody.test.ts.
//
//   node oversizedClient.mjs <url> <mode> <runs> <bytes>
//
// Modes, each on a fresh connection per run:
//   length     http.request with Content-Length
//   chunked    http.request, Transfer-Encoding: chunked (64 KiB writes), no Content-Length
//   expect     http.request with Content-Length and `Expect: 100-continue`; the body is written
//              only on `100 Continue` (RFC 9110 §10.1.1)
//   fetch      Node's fetch (undici)
//   writeAll   a raw socket: the head and the whole body in one write, then reads the answer
//              (what clients that send before they read do, such as Python's http.client)
//
// Prints one JSON object: outcome → count. An outcome is the HTTP status (`413`), with
// ` after 100 Continue` when the receiver said so (expect), or the network error's code.
import http from 'node:http';
import net from 'node:net';

const [url, mode, runsArg, bytesArg] = process.argv.slice(2);
const runs = Number(runsArg);
const bytes = Number(bytesArg);
const head = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"';
const tail = '"}]}]}]}';
const body = Buffer.from(head + 'x'.repeat(bytes - head.length - tail.length) + tail);

function viaHttp(kind) {
  return new Promise((resolve) => {
    const headers = { 'Content-Type': 'application/json' };
    if (kind !== 'chunked') headers['Content-Length'] = body.length;
    if (kind === 'expect') headers.Expect = '100-continue';
    let continued = false;
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode}${continued ? ' after 100 Continue' : ''}`));
      res.on('error', (error) => resolve(error.code ?? error.message));
    });
    req.on('error', (error) => resolve(error.code ?? error.message));
    if (kind === 'expect') {
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
    } else if (kind === 'chunked') {
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const ok = req.write(body.subarray(at, at + 64 * 1024));
          at += 64 * 1024;
          if (!ok) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else {
      req.end(body);
    }
  });
}

async function viaFetch() {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    await res.arrayBuffer();
    return String(res.status);
  } catch (error) {
    return error.cause?.code ?? error.message;
  }
}

function viaWriteAll() {
  return new Promise((resolve) => {
    const { hostname, port, pathname } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    let received = '';
    let result;
    let written = false;
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', (error) => (result ??= error.code));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve(result ?? (written && status ? status : `closed before the write completed (${status ?? 'no answer'})`));
    });
    socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body, (error) => {
      if (error) result ??= error.code;
      else written = true;
    });
  });
}

const once = { length: () => viaHttp('length'), chunked: () => viaHttp('chunked'), expect: () => viaHttp('expect'), fetch: viaFetch, writeAll: viaWriteAll }[mode];
if (!once) throw new Error(`unknown mode ${mode}`);
const counts = {};
for (let i = 0; i < runs; i++) {
  const outcome = await once();
  counts[outcome] = (counts[outcome] ?? 0) + 1;
}
console.log(JSON.stringify(counts));
