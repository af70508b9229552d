import {
  type ConfigIssue,
  type JobManager,
  type JobSpecInput,
  type PathResolution,
  SubmitFlow,
  type SubmitFlowOptions,
  type SubmitFlowSnapshot,
} from '@trainwire/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useJobManager } from './useJobManager.js';

/**
 * What a {@link SubmitFlow} waits for the user on: the inputs the worker lacks (answer with
 * the fixed inputs, or undefined to stop), or the config's warnings (answer true to run).
 */
export type SubmitPrompt =
  | {
      kind: 'fix-paths';
      resolution: PathResolution;
      answer: (inputs: Record<string, string> | undefined) => void;
    }
  | {
      kind: 'acknowledge-warnings';
      warnings: readonly ConfigIssue[];
      answer: (ok: boolean) => void;
    };

/** What {@link useSubmitFlow} gives a view. */
export interface SubmitFlowControls {
  /** Starts a submission (the one before is left to settle); the flow's hooks are this view's dialogs. */
  submit: (
    spec: JobSpecInput,
    options?: Omit<SubmitFlowOptions, 'fixPaths' | 'acknowledgeWarnings'>,
  ) => SubmitFlow;
  /** The latest submission; null before the first. */
  flow: SubmitFlow | null;
  /** Its snapshot (phase, session, warnings, resolution, error). */
  snapshot: SubmitFlowSnapshot | null;
  /** What the flow waits for the user on, while it does. */
  prompt: SubmitPrompt | null;
  /** The manager it submits to. */
  manager: JobManager;
  /** The options of the latest `submit` (its transport: where Browse lists files). */
  options: Omit<SubmitFlowOptions, 'fixPaths' | 'acknowledgeWarnings'>;
}

const noSubscribe = () => () => undefined;
const noSnapshot = () => null;

/**
 * Core's {@link SubmitFlow} — the submit → fix paths → submit again → started / refused loop
 * the CLI's `train` runs — for a view: its snapshot, and its two questions as a
 * {@link SubmitPrompt} the view answers with its dialogs (`SubmitFlowDialogs` renders
 * them), submitting to the provider's manager. A question still open when the component unmounts is answered "stop".
 *
 * @example
 * ```tsx
 * const submission = useSubmitFlow();
 * <button onClick={() => submission.submit(spec, { transport })}>Run</button>
 * <SubmitFlowDialogs submission={submission} />
 * ```
 */
export function useSubmitFlow(): SubmitFlowControls {
  const target = useJobManager();
  const [flow, setFlow] = useState<SubmitFlow | null>(null);
  const [options, setOptions] = useState<SubmitFlowControls['options']>({});
  const [prompt, setPrompt] = useState<SubmitPrompt | null>(null);
  const open = useRef<SubmitPrompt | null>(null);
  // Shows a question and resolves with its answer, once; the question goes away on answer.
  const ask = useCallback(
    <T>(question: (answer: (value: T) => void) => SubmitPrompt) =>
      new Promise<T>((resolve) => {
        const next = question((value) => {
          open.current = null;
          setPrompt(null);
          resolve(value);
        });
        open.current = next;
        setPrompt(next);
      }),
    [],
  );
  const submit = useCallback<SubmitFlowControls['submit']>(
    (spec, submitOptions = {}) => {
      const next = new SubmitFlow(target, spec, {
        ...submitOptions,
        fixPaths: (resolution) =>
          ask<Record<string, string> | undefined>((answer) => ({
            kind: 'fix-paths',
            resolution,
            answer,
          })),
        acknowledgeWarnings: (warnings) =>
          ask<boolean>((answer) => ({ kind: 'acknowledge-warnings', warnings, answer })),
      });
      // A throwing submit settles the flow as `refused`; its snapshot says why.
      next.done.catch(() => undefined);
      setOptions(submitOptions);
      setFlow(next);
      return next;
    },
    [target, ask],
  );
  useEffect(
    () => () => {
      const pending = open.current;
      if (pending?.kind === 'fix-paths') pending.answer(undefined);
      else pending?.answer(false);
    },
    [],
  );
  const snapshot = useSyncExternalStore(
    flow?.subscribe ?? noSubscribe,
    flow?.getSnapshot ?? noSnapshot,
    flow?.getSnapshot ?? noSnapshot,
  );
  return { submit, flow, snapshot, prompt, options, manager: target };
}
