import type { SchemaEntry } from '@trainwire/core';
import { LinkSignalSchema } from '../LinkSignal.js';
import {
  ClientMessageSchema,
  PeerFilterSchema,
  PeerInfoSchema,
  ServerMessageSchema,
} from '../signalingMessages.js';
import { ByteStreamHeaderSchema, BytesFrameSchema, ControlFrameSchema } from './wireFrames.js';

/**
 * The schemas of `docs/protocol-signaling.md` that `docs/schemas/` publishes: signaling
 * messages both ways, the link signals peers relay, and the frames of the data channels.
 */
export function signalingSchemaEntries(): SchemaEntry[] {
  return [
    { id: 'signaling.client-message', title: 'peer → server message', schema: ClientMessageSchema },
    { id: 'signaling.server-message', title: 'server → peer message', schema: ServerMessageSchema },
    { id: 'signaling.peer-info', title: 'PeerInfo', schema: PeerInfoSchema },
    { id: 'signaling.peer-filter', title: 'discover filter', schema: PeerFilterSchema },
    { id: 'link-signal', title: 'link signal (signal.data)', schema: LinkSignalSchema },
    {
      id: 'channel.control-frame',
      title: 'binary frame on the control channel',
      schema: ControlFrameSchema,
    },
    {
      id: 'channel.bytes-frame',
      title: 'text frame on a byte-stream channel',
      schema: BytesFrameSchema,
    },
    { id: 'channel.bytes-header', title: 'byte-stream header', schema: ByteStreamHeaderSchema },
  ];
}
