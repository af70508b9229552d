import { act, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { ConnectionStatus, isFinalJobState, type TransportStatus } from '@trainwire/core';
import { VirtualClock } from '@trainwire/core/testing';
import { Component, type ReactNode } from 'react';
import { BehaviorSubject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';

import { flush, setup, tick } from './__tests__/harness.js';
import { directoryOf, gpu1 } from './__tests__/workers.js';
import { isJobFailedError } from './errors.js';
import { TrainwireProvider } from './TrainwireProvider.js';
import { useConnection } from './useConnection.js';
import { type FlagStore, useExperimentalFlag } from './useExperimentalFlag.js';
import { type JobStore, useJob } from './useJob.js';
import { useJobManager } from './useJobManager.js';
import { useJobs } from './useJobs.js';
import { useSubmitFlow } from './useSubmitFlow.js';
import { useWorkers } from './useWorkers.js';

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <p role="alert">{isJobFailedError(error) ? `${error.code}: ${error.message}` : 'other'}</p>
    );
  }
}

describe('useJob', () => {
  it('re-renders only when the selected value changes', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 5 } });
    const seen: number[] = [];
    function Epochs({ job }: { job: JobStore }) {
      const epochs = useJob(job, (s) => s.progress.completedEpochs);
      seen.push(epochs);
      return <p>{epochs}</p>;
    }
    render(<Epochs job={session} />);
    await tick(clock, 10_000);
    expect(isFinalJobState(session.getSnapshot().state)).toBe(true);
    // One render per distinct value (React may render the first one twice).
    expect([...new Set(seen)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen.length).toBeLessThanOrEqual(7);
  });

  it('rethrows a failed job to the error boundary with throwOnError, and not without', async () => {
    // React reports the caught error on the console; the boundary's output is the assertion.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { clock, manager } = await setup({}, { failAtEpoch: 2 });
    const session = manager.submit({ profile: 'builtin', config: { epochs: 10 } });
    function Thrower() {
      const state = useJob(session, (s) => s.state, { throwOnError: true });
      return <p>{state}</p>;
    }
    function Quiet() {
      const error = useJob(session, (s) => s.error?.code ?? 'none');
      return <p>quiet {error}</p>;
    }
    render(
      <>
        <Boundary>
          <Thrower />
        </Boundary>
        <Quiet />
      </>,
    );
    await tick(clock, 5_000);
    expect(screen.getByRole('alert').textContent).toMatch(
      /^trainer_failed: job .* failed: trainer exited with code 1 at epoch 3$/,
    );
    expect(screen.getByText('quiet trainer_failed')).toBeTruthy();
    quiet.mockRestore();
  });
});

describe('useJobs and useJobManager', () => {
  it('lists submitted jobs and says whether Run is possible', async () => {
    const { clock, manager } = await setup();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TrainwireProvider manager={manager}>{children}</TrainwireProvider>
    );
    const { result } = renderHook(() => ({ jobs: useJobs(), manager: useJobManager() }), {
      wrapper,
    });
    expect(result.current.manager).toBe(manager);
    expect(result.current.jobs).toEqual({ jobs: [], canSubmit: true });
    let session!: ReturnType<typeof manager.submit>;
    await act(async () => {
      session = manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    });
    expect(result.current.jobs.jobs).toEqual([session]);
    expect(result.current.jobs.canSubmit).toBe(false);
    await tick(clock, 5_000);
    expect(result.current.jobs.canSubmit).toBe(true);
  });

  it('says which provider is missing', () => {
    expect(() => renderHook(() => useJobManager())).toThrow(/no TrainwireProvider/);
  });
});

describe('useConnection', () => {
  it('follows the link: unreachable while the worker is silent, connected when it is back', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    const { result } = renderHook(() => useConnection(session));
    await tick(clock, 3_500);
    expect(result.current.status).toBe('connected');
    expect(result.current.worker).toBe('w1');
    client.silence();
    await tick(clock, 40_000, 500);
    expect(result.current.status).toBe('unreachable');
    expect(result.current.reason).toMatch(/no word from worker w1/);
    client.silence(false);
    await tick(clock, 20_000, 500);
    expect(result.current.status).toBe('connected');
  });
});

describe('useConnection over core ConnectionStatus', () => {
  it("follows a transport's link: connecting, open, reconnecting, closed", async () => {
    const status$ = new BehaviorSubject<TransportStatus>('connecting');
    const clock = new VirtualClock();
    const link = new ConnectionStatus({ status$ }, { worker: 'gpu-1', scheduler: clock });
    const { result } = renderHook(() => useConnection(link));
    expect(result.current).toMatchObject({ status: 'connecting', worker: 'gpu-1' });
    clock.advanceBy(1_000);
    act(() => status$.next('open'));
    expect(result.current).toEqual({ status: 'open', worker: 'gpu-1', since: 1_000 });
    act(() => status$.next('reconnecting'));
    expect(result.current.status).toBe('reconnecting');
    act(() => status$.complete());
    expect(result.current.status).toBe('closed');
  });
});

describe('useSubmitFlow', () => {
  it('asks its questions as a prompt, and answers "stop" when the view goes away', async () => {
    const { manager } = await setup();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TrainwireProvider manager={manager}>{children}</TrainwireProvider>
    );
    const { result, unmount } = renderHook(() => useSubmitFlow(), { wrapper });
    expect([result.current.flow, result.current.snapshot, result.current.prompt]).toEqual([
      null,
      null,
      null,
    ]);
    let flow!: ReturnType<typeof result.current.submit>;
    act(() => {
      flow = result.current.submit({ profile: 'builtin', config: { epochs: 2, batchSize: 512 } });
    });
    await flush();
    expect(result.current.snapshot?.phase).toBe('acknowledging-warnings');
    expect(result.current.prompt).toMatchObject({ kind: 'acknowledge-warnings' });
    unmount();
    expect((await flow.done).phase).toBe('declined');
    expect(manager.getSnapshot().jobs).toHaveLength(0);
  });
});

describe('useWorkers', () => {
  it("reads the provider's directory and follows a refresh", async () => {
    const { manager } = await setup();
    const { directory } = directoryOf(() => [gpu1]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TrainwireProvider manager={manager} directory={directory}>
        {children}
      </TrainwireProvider>
    );
    const { result } = renderHook(() => useWorkers(), { wrapper });
    expect(result.current.status).toBe('idle');
    await act(() => directory.refresh());
    expect(result.current).toMatchObject({ status: 'ready', workers: [gpu1] });
  });

  it('says when there is no directory', () => {
    expect(() => renderHook(() => useWorkers())).toThrow(/no worker directory/);
  });
});

describe('useExperimentalFlag', () => {
  it('follows the flag wherever it is set, and sets it', async () => {
    let on = false;
    const listeners = new Set<() => void>();
    const flag: FlagStore = {
      getSnapshot: () => on,
      subscribe: (cb) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
      set: (next) => {
        on = next;
        for (const cb of listeners) cb();
      },
    };
    function Switch() {
      const [enabled, setEnabled] = useExperimentalFlag(flag);
      return (
        <label>
          <input
            type="checkbox"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
          />
          Enable experimental features
        </label>
      );
    }
    render(<Switch />);
    const box = screen.getByRole('checkbox', { name: 'Enable experimental features' });
    expect((box as HTMLInputElement).checked).toBe(false);
    fireEvent.click(box);
    expect(on).toBe(true);
    expect((box as HTMLInputElement).checked).toBe(true);
    act(() => flag.set(false));
    await flush();
    expect((box as HTMLInputElement).checked).toBe(false);
  });
});
