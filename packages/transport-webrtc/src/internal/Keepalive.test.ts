import { VirtualClock } from '@trainwire/core/testing';
import type { SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Keepalive } from './Keepalive.js';

function setup(scheduler: SchedulerLike = new VirtualClock()) {
  const events = { pings: 0, silent: 0 };
  const keepalive = new Keepalive({
    intervalMs: 2_000,
    timeoutMs: 10_000,
    scheduler,
    ping: () => events.pings++,
    silent: () => events.silent++,
  });
  return { keepalive, events };
}

describe('Keepalive', () => {
  it('pings at once and every interval, and stops pinging when stopped', () => {
    const clock = new VirtualClock();
    const { keepalive, events } = setup(clock);
    keepalive.start();
    expect(events.pings).toBe(1);
    clock.advanceBy(6_000);
    expect(events.pings).toBe(4);
    keepalive.stop();
    clock.advanceBy(6_000);
    expect(events.pings).toBe(4);
  });

  it('never takes a remote end that has not pinged for gone', () => {
    const clock = new VirtualClock();
    const { keepalive, events } = setup(clock);
    keepalive.start();
    keepalive.heard();
    clock.advanceBy(120_000);
    expect(events.silent).toBe(0);
  });

  it('reports silence once, timeoutMs after the last thing heard', () => {
    const clock = new VirtualClock();
    const { keepalive, events } = setup(clock);
    keepalive.heardPing();
    clock.advanceBy(7_000);
    keepalive.heard();
    clock.advanceBy(9_999);
    expect(events.silent).toBe(0);
    clock.advanceBy(1);
    expect(events.silent).toBe(1);
    keepalive.heardPing();
    clock.advanceBy(60_000);
    expect(events.silent).toBe(1);
  });

  it('looks again instead of reporting silence when its own timer ran late', () => {
    // A process stalled for 20 s: its timer fires late, before the frames that arrived
    // meanwhile are read.
    const clock = new VirtualClock();
    let stall = 0;
    const stalling: SchedulerLike = {
      now: () => clock.now() + stall,
      schedule: (work, delay, state) => clock.schedule(work, delay, state),
    };
    const { keepalive, events } = setup(stalling);
    keepalive.heardPing();
    stall = 20_000;
    clock.advanceBy(10_000);
    expect(events.silent).toBe(0);
    keepalive.heard();
    clock.advanceBy(9_999);
    expect(events.silent).toBe(0);
    clock.advanceBy(1);
    expect(events.silent).toBe(1);
  });
});
