import type { ByteStreamHeader, ByteStreamReader, ByteStreamWriter } from '@trainwire/core';
import {
  type ByteChannelTuning,
  type ChannelWriter,
  openByteChannel,
  receiveByteChannel,
} from './byteChannels.js';
import type { RtcChannel, RtcPeer } from './rtcTypes.js';

/**
 * The byte streams in flight on one link, both ways: opens outbound ones, accepts
 * inbound channels, and fails them all when the connection under them goes away.
 */
export class ByteStreamSet {
  private readonly inbound = new Set<(reason: string) => void>();
  private readonly outbound = new Set<ChannelWriter>();

  constructor(
    private readonly tuning: ByteChannelTuning,
    private readonly onStream: (reader: ByteStreamReader) => void,
  ) {}

  async open(peer: RtcPeer, header: ByteStreamHeader): Promise<ByteStreamWriter> {
    const writer = await openByteChannel(peer, header, this.tuning);
    this.outbound.add(writer);
    const forget = () => this.outbound.delete(writer);
    return {
      header,
      write: (chunk) => writer.write(chunk),
      end: () => writer.end().finally(forget),
      abort: (reason) => {
        forget();
        writer.abort(reason);
      },
    };
  }

  accept(channel: RtcChannel): void {
    const fail = receiveByteChannel(channel, this.tuning, this.onStream, () => undefined);
    this.inbound.add(fail);
    channel.onClose(() => this.inbound.delete(fail));
  }

  failAll(reason: string): void {
    for (const fail of this.inbound) fail(reason);
    this.inbound.clear();
    for (const writer of this.outbound) writer.fail(reason);
    this.outbound.clear();
  }
}
