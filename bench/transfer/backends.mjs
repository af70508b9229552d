// The backends transfer.bench and connect.bench measure, one entry each. `tcp` is the
// baseline: raw TCP between the same two processes; `ndc-bare` is node-datachannel's: the
// library alone, with trainwire's settings (bareNdc.mjs). An `rtc` entry is the RtcOptions that
// both ends pass to @trainwire/transport-webrtc (connectToWorker / createWorkerEndpoint);
// `rtc.backend` names a WebRTC backend registered there (peer.mjs registers the
// bench's own variants, see BENCH_BACKENDS in peer.mjs).
//
// A new WebRTC backend is one more entry here; `module` makes the bench skip it, saying
// why, where that package does not load.

/** An opt-in entry whose client runs on backend `client` and its worker on `worker`. */
function pairing(client, worker) {
  return {
    kind: 'rtc',
    rtc: { backend: client },
    workerRtc: { backend: worker },
    module: 'node-datachannel',
    optIn: true,
    note: `a ${client} client and a ${worker} worker`,
  };
}

// `optIn` entries run only when BACKENDS names them.
// `workerRtc`, where set, is the worker end's RtcOptions (the client end takes `rtc`): a
// pairing of two backends.
/** @type {Record<string, {kind: 'tcp' | 'bare-ndc' | 'rtc', rtc?: object, workerRtc?: object, module?: string, optIn?: boolean, note: string}>} */
export const BACKENDS = {
  tcp: { kind: 'tcp', note: 'raw TCP, the baseline' },
  'ndc-bare': {
    kind: 'bare-ndc',
    module: 'node-datachannel',
    note: "a bare node-datachannel data channel with trainwire's settings and nothing else of trainwire's, node-datachannel's baseline",
  },
  'node-datachannel': {
    kind: 'rtc',
    rtc: { backend: 'node-datachannel' },
    module: 'node-datachannel',
    note: 'libdatachannel (native), trainwire SCTP windows (4 MiB)',
  },
  werift: { kind: 'rtc', rtc: { backend: 'werift' }, note: 'werift with trainwire SCTP tuning' },
  'ndc-default-sctp': {
    kind: 'rtc',
    rtc: { backend: 'ndc-default-sctp' },
    module: 'node-datachannel',
    optIn: true,
    note: "libdatachannel with its own SCTP windows (1 MiB), to weigh trainwire's",
  },
  'ndc-env': {
    kind: 'rtc',
    rtc: { backend: 'ndc-env' },
    module: 'node-datachannel',
    optIn: true,
    note: 'libdatachannel with the options in BENCH_NDC_OPTIONS (JSON), for tuning experiments',
  },
  'ndc-env-b': {
    kind: 'rtc',
    rtc: { backend: 'ndc-env-b' },
    module: 'node-datachannel',
    optIn: true,
    note: 'libdatachannel with the options in BENCH_NDC_OPTIONS_B (JSON), beside ndc-env',
  },
  'werift-to-ndc': pairing('werift', 'node-datachannel'),
  'ndc-to-werift': pairing('node-datachannel', 'werift'),
  'werift-shipped': {
    kind: 'rtc',
    rtc: { backend: 'werift-shipped' },
    optIn: true,
    note: 'werift as shipped, to weigh the tuning (docs/protocol-signaling.md §3.4)',
  },
};

/**
 * The backends named in `list` (comma-separated; every one in {@link BACKENDS} but the
 * opt-in ones when empty), each with `skip` set to why it cannot run here, if so.
 * @throws Error naming BACKENDS and the known names, for a name not in the table.
 */
export async function pickBackends(list) {
  const names = list?.trim()
    ? list.split(',').map((n) => n.trim())
    : Object.keys(BACKENDS).filter((name) => !BACKENDS[name].optIn);
  const unknown = names.filter((name) => !(name in BACKENDS));
  if (unknown.length > 0)
    throw new Error(
      `BACKENDS names ${unknown.join(', ')}; known: ${Object.keys(BACKENDS).join(', ')}`,
    );
  const picked = [];
  for (const name of names) {
    const backend = { name, ...BACKENDS[name] };
    if (backend.module) {
      try {
        await import(backend.module);
      } catch (error) {
        backend.skip = `${backend.module} does not load here: ${error.message}`;
      }
    }
    picked.push(backend);
  }
  return picked;
}
