import { isTrainwireError } from '@trainwire/core';
import { NEVER } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebRtcPair } from '../__tests__/linkPair.js';
import { startServer } from '../__tests__/signalingFixture.js';
import { createWorkerEndpoint } from '../createWorkerEndpoint.js';
import { WebRtcTransport } from '../WebRtcTransport.js';
import { createNodeDatachannelBackend } from './nodeDatachannel.js';
import { registerRtcBackend } from './registerRtcBackend.js';
import { RTC_BACKEND_ENV, resolveRtcBackend } from './resolveRtcBackend.js';
import { createWeriftBackend } from './werift.js';

const caught = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};
const signals = { send: () => undefined, inbound$: NEVER };

const savedEnv = process.env[RTC_BACKEND_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[RTC_BACKEND_ENV];
  else process.env[RTC_BACKEND_ENV] = savedEnv;
  registerRtcBackend('node-datachannel', () => createNodeDatachannelBackend());
});

describe('choosing the WebRTC backend', () => {
  it('werift by default; auto picks node-datachannel where it loads; the environment and the option force either', async () => {
    delete process.env[RTC_BACKEND_ENV];
    expect(await resolveRtcBackend()).toMatchObject({
      backend: { name: 'werift' },
      requested: 'werift',
      source: 'default',
    });
    process.env[RTC_BACKEND_ENV] = 'auto';
    expect(await resolveRtcBackend()).toMatchObject({
      backend: { name: 'node-datachannel' },
      requested: 'auto',
      source: 'env',
      skipped: [],
    });
    process.env[RTC_BACKEND_ENV] = 'werift';
    expect(await resolveRtcBackend()).toMatchObject({
      backend: { name: 'werift' },
      source: 'env',
    });
    // The option wins over the environment.
    expect(await resolveRtcBackend('node-datachannel')).toMatchObject({
      backend: { name: 'node-datachannel' },
      source: 'option',
    });
  });

  it('auto falls back to werift, saying why, where node-datachannel does not load; forcing it fails clearly', async () => {
    registerRtcBackend('node-datachannel', () =>
      createNodeDatachannelBackend().then(() => {
        throw new Error("Cannot find package 'node-datachannel'");
      }),
    );
    const auto = await resolveRtcBackend('auto');
    expect(auto.backend.name).toBe('werift');
    expect(auto.skipped).toEqual([
      { name: 'node-datachannel', reason: "Cannot find package 'node-datachannel'" },
    ]);
    const forced = await resolveRtcBackend('node-datachannel').catch((e: unknown) => e);
    expect(isTrainwireError(forced, 'bad_config')).toBe(true);
    expect((forced as Error).message).toMatch(
      /node-datachannel does not load here: Cannot find package .*choose werift/,
    );
    // A transport forced onto it rejects connect() with that error, and closes.
    const [client, worker] = createWebRtcPair({ rtc: { backend: 'node-datachannel' } });
    const refused = await client.connect().catch((e: unknown) => e);
    expect(isTrainwireError(refused, 'bad_config')).toBe(true);
    expect(client.currentStatus).toBe('closed');
    await worker.close();
  });

  it('refuses a name that is no backend, naming the option or the variable and the known names', async () => {
    delete process.env[RTC_BACKEND_ENV];
    const fromOption = caught(
      () => new WebRtcTransport({ id: 'x', role: 'offerer', signals, rtc: { backend: 'quic' } }),
    );
    expect(isTrainwireError(fromOption, 'bad_config')).toBe(true);
    expect((fromOption as Error).message).toMatch(
      /rtc\.backend is "quic".*werift, node-datachannel, auto/,
    );
    process.env[RTC_BACKEND_ENV] = 'wertif';
    const fromEnv = await resolveRtcBackend().catch((e: unknown) => e);
    expect((fromEnv as Error).message).toMatch(
      /TRAINWIRE_RTC_BACKEND is "wertif", which is not a WebRTC backend; set it to one of werift, node-datachannel, auto, or unset it/,
    );
    expect(
      isTrainwireError(
        caught(() =>
          createWorkerEndpoint({
            signaling: { url: 'ws://127.0.0.1:1', room: 'r', credential: 'c' },
          }),
        ),
        'bad_config',
      ),
    ).toBe(true);
    expect(
      isTrainwireError(
        caught(() => registerRtcBackend('Auto Backend', () => createWeriftBackend())),
        'bad_config',
      ),
    ).toBe(true);
    expect(
      isTrainwireError(
        caught(() => registerRtcBackend('auto', () => createWeriftBackend())),
        'bad_config',
      ),
    ).toBe(true);
  });

  it('takes a backend added by registering one factory, and shows it on the transport', async () => {
    let peers = 0;
    registerRtcBackend('counted-werift', () => {
      const werift = createWeriftBackend({ tuneSctp: false });
      return {
        name: 'counted-werift',
        createPeer: (options) => {
          peers++;
          return werift.createPeer(options);
        },
      };
    });
    const pair = createWebRtcPair({ rtc: { backend: 'counted-werift' } });
    try {
      await Promise.all(pair.map((end) => end.connect()));
      expect(pair.map((end) => end.backend)).toEqual(['counted-werift', 'counted-werift']);
      expect(peers).toBe(2);
    } finally {
      for (const end of pair) await end.close();
    }
  });
});

describe('a worker endpoint whose backend does not load', () => {
  it('rejects ready() with what to install', async () => {
    registerRtcBackend('node-datachannel', () =>
      Promise.reject(new Error('libdatachannel.node: cannot open shared object file')),
    );
    const started = await startServer();
    try {
      started.server.createRoom('lab');
      const key = started.server.createCredential('lab', 'worker-key').secret;
      const endpoint = createWorkerEndpoint({
        signaling: { url: started.server.url, room: 'lab', credential: key, name: 'w' },
        rtc: { backend: 'node-datachannel' },
      });
      const refused = await endpoint.ready().catch((e: unknown) => e);
      expect(isTrainwireError(refused, 'bad_config')).toBe(true);
      expect((refused as Error).message).toMatch(
        /node-datachannel does not load here: libdatachannel\.node/,
      );
      await endpoint.close();
    } finally {
      await started.dispose();
    }
  });
});
