// Node's `#platform`: werift and node-datachannel peers, `ws` sockets. A browser build maps
// `#platform` to platform.browser.ts instead (package.json "imports", `browser` condition),
// so neither werift nor ws reaches a bundle.
import { WebSocket } from 'ws';
import { createNodeDatachannelBackend } from '../backends/nodeDatachannel.js';
import { createWeriftBackend } from '../backends/werift.js';
import type { Platform, WebSocketLike } from './rtcTypes.js';

/**
 * Node: werift unless told otherwise (`rtc.backend`, `TRAINWIRE_RTC_BACKEND`); `auto` is
 * node-datachannel where it loads, else werift. node-datachannel is not the default yet:
 * it collapses on lossy links (docs/performance.md, "Choosing the backend").
 */
export const platform: Platform = {
  backends: {
    werift: () => createWeriftBackend(),
    'node-datachannel': () => createNodeDatachannelBackend(),
  },
  autoOrder: ['node-datachannel', 'werift'],
  defaultBackend: 'werift',
  envBackend: () => process.env.TRAINWIRE_RTC_BACKEND,
  WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
};
