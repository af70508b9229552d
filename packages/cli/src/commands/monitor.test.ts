import { createProgressPublisher } from '@trainwire/bridge-zmq';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire monitor', () => {
  it('shows a sleap-nn-format publisher epoch by epoch, NaN included, and ends at train_end', async () => {
    const t = fakeIo();
    const port = 42000 + Math.floor(Math.random() * 2000);
    const monitoring = main(
      ['monitor', `tcp://127.0.0.1:${port}`, '--control', `tcp://127.0.0.1:${port + 1}`],
      t.io,
    );
    const publisher = await createProgressPublisher({
      publishAddress: `tcp://127.0.0.1:${port}`,
      controlAddress: `tcp://127.0.0.1:${port + 1}`,
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
