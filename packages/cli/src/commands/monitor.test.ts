import { createProgressPublisher } from '@trainwire/bridge-zmq';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire monitor', () => {
  it('shows a sleap-nn-format publisher epoch by epoch, NaN included, and ends at train_end', async () => {
    const t = fakeIo();
    // Port 0: the monitor binds free ports and says which.
    const monitoring = main(
      ['monitor', 'tcp://127.0.0.1:0', '--control', 'tcp://127.0.0.1:0'],
      t.io,
    );
    const listening = /Listening for progress on (\S+) \(control on (\S+)\)/;
    while (!listening.test(t.err())) await new Promise((r) => setTimeout(r, 5));
    const [, publishAddress, controlAddress] = listening.exec(t.err())!;
    const publisher = await createProgressPublisher({
      publishAddress: publishAddress!,
      controlAddress: controlAddress!,
      what: 'run-1',
    });
    await publisher.publish({ event: 'train_begin', what: 'run-1' });
    await publisher.publish({
      event: 'epoch_end',
      epoch: 0,
      logs: { 'train/loss': 0.5, 'val/loss': Number.NaN },
    });
    await publisher.publish({ event: 'epoch_end', epoch: 1, logs: { loss: 0.25, val_loss: 0.3 } });
    await publisher.publish({ event: 'train_end' });
    expect(await monitoring).toBe(0);
    await publisher.close();
    expect(t.out()).toContain('Training run-1 started');
    expect(t.out()).toContain('Epoch 1  loss 0.5000  val loss NaN');
    expect(t.out()).toContain('Epoch 2  loss 0.2500  val loss 0.3000');
  });

  it('refuses an address that is not tcp://HOST:PORT', async () => {
    const t = fakeIo();
    expect(await main(['monitor', 'localhost:9001'], t.io)).toBe(2);
    expect(t.err()).toContain('tcp://127.0.0.1:9001');
  });
});
