// Events per second through a JobSession with 10 subscribers, next to a bare RxJS Subject
// with 10 subscribers, measured in the same run. Aim: the session within 2x of the subject.
// Writes bench/results/core-stream.json. Options (env): EVENTS (default 500 000).

import { JobSession, JobSpecSchema } from '@trainwire/core';
import { Subject } from 'rxjs';
import { positiveIntEnv } from '../env.mjs';
import { median, writeResults } from '../lib/results.mjs';

const EVENTS = positiveIntEnv('EVENTS', 500_000);
const SUBSCRIBERS = 10;
const ROUNDS = 5;

function makeEvents(jobId) {
  const events = new Array(EVENTS);
  let epoch = 0;
  for (let i = 0; i < EVENTS; i++) {
    const seq = i + 1;
    // Mostly batch_end, an epoch every 100 events: the shape of a real progress stream.
    if (i === 0) events[i] = { jobId, seq, ts: seq, type: 'state', state: 'running' };
    else if (i % 100 === 0)
      events[i] = {
        jobId,
        seq,
        ts: seq,
        type: 'progress',
        progress: {
          event: 'epoch_end',
          epoch: epoch++,
          logs: { 'train/loss': 1 / seq, 'val/loss': 2 / seq },
        },
      };
    else if (i % 100 === 1)
      events[i] = {
        jobId,
        seq,
        ts: seq,
        type: 'progress',
        progress: { event: 'epoch_begin', epoch },
      };
    else
      events[i] = {
        jobId,
        seq,
        ts: seq,
        type: 'progress',
        progress: { event: 'batch_end', epoch, batch: i % 100, logs: { loss: 1 / seq } },
      };
  }
  return events;
}

const link = { fetchEvents: async () => [], stop: async () => {}, cancel: async () => {} };
const spec = JobSpecSchema.parse({ profile: 'builtin' });

function runSubject(events) {
  const subject = new Subject();
  let sink = 0;
  for (let s = 0; s < SUBSCRIBERS; s++)
    subject.subscribe((e) => {
      sink += e.seq;
    });
  const start = process.hrtime.bigint();
  for (const event of events) subject.next(event);
  return { ns: Number(process.hrtime.bigint() - start), sink };
}

function runSession(events) {
  const session = new JobSession({ jobId: 'bench', spec, link, totalEpochs: EVENTS / 100 });
  let sink = 0;
  for (let s = 0; s < SUBSCRIBERS; s++)
    session.events$.subscribe((e) => {
      sink += e.seq;
    });
  const start = process.hrtime.bigint();
  for (const event of events) session.ingest(event);
  return { ns: Number(process.hrtime.bigint() - start), sink };
}

const subjectRates = [];
const sessionRates = [];
for (let round = 0; round < ROUNDS; round++) {
  const events = makeEvents('bench');
  global.gc?.();
  subjectRates.push(EVENTS / (runSubject(events).ns / 1e9));
  global.gc?.();
  sessionRates.push(EVENTS / (runSession(events).ns / 1e9));
}
const subject = median(subjectRates);
const session = median(sessionRates);
const fmt = (n) => `${(n / 1e6).toFixed(2)} M events/s`;
console.log(`events: ${EVENTS} per round, ${SUBSCRIBERS} subscribers, median of ${ROUNDS} rounds`);
console.log(`bare RxJS Subject : ${fmt(subject)}`);
console.log(`JobSession        : ${fmt(session)}`);
console.log(`ratio subject/session: ${(subject / session).toFixed(2)}x (aim: ≤ 2x)`);
writeResults('core-stream', {
  events: EVENTS,
  subscribers: SUBSCRIBERS,
  rounds: ROUNDS,
  subjectEventsPerSec: subject,
  sessionEventsPerSec: session,
  subjectOverSession: subject / session,
});
