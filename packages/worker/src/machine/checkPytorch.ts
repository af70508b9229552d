import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Python the PyTorch trainer runs with: `$TRAINWIRE_PYTHON`, or Debian's `/usr/bin/python3`. */
export function defaultPython(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const chosen = env.TRAINWIRE_PYTHON?.trim();
  return chosen ? chosen : '/usr/bin/python3';
}

/** The worker's PyTorch trainer (`trainers/pytorch/train.py`), from `src/` or `dist/`. */
export function pytorchTrainerPath(): string {
  // This file sits in src/machine/ or dist/machine/: two folders below the package root.
  return fileURLToPath(new URL('../../trainers/pytorch/train.py', import.meta.url));
}

/** Whether the PyTorch trainer can run here: what its `--self-check` found. */
export interface PytorchCheck {
  /** True when torch and pyzmq import in `python`. */
  ok: boolean;
  python: string;
  /** torch's version, when it imports. */
  torch?: string;
  /** The device a job gets by default: `cuda` when torch sees a GPU. */
  device?: 'cpu' | 'cuda';
  /** Modules that do not import (`torch`, `zmq`). */
  missing: string[];
  /** One line for people: "torch 1.13.0 on cpu (/usr/bin/python3)" or why not. */
  summary: string;
}

const SELF_CHECK_TIMEOUT_MS = 30_000;

/**
 * Runs `python train.py --self-check` (importing torch takes about 2 s) and says whether the
 * `pytorch` profile can train here, and if not, what to install. Never throws.
 *
 * @example
 * ```ts
 * const check = await checkPytorch();
 * console.log(check.summary); // "torch 1.13.0a0 on cpu (/usr/bin/python3)"
 * ```
 */
export function checkPytorch(python: string = defaultPython()): Promise<PytorchCheck> {
  return new Promise((resolve) => {
    execFile(
      python,
      [pytorchTrainerPath(), '--self-check'],
      {
        timeout: SELF_CHECK_TIMEOUT_MS,
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      },
      (error, stdout) => {
        const missingPython = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        if (missingPython) {
          resolve({
            ok: false,
            python,
            missing: ['python'],
            summary: `unavailable: ${python} does not exist; install python3 (apt-get install python3-torch python3-zmq) or set TRAINWIRE_PYTHON`,
          });
          return;
        }
        const report = parseSelfCheck(stdout);
        if (report === undefined) {
          resolve({
            ok: false,
            python,
            missing: [],
            summary: `unavailable: ${python} ${pytorchTrainerPath()} --self-check ${error?.killed ? `took longer than ${SELF_CHECK_TIMEOUT_MS / 1000} s` : 'printed no report'}`,
          });
          return;
        }
        const { torch, device, missing } = report;
        const ok = error === null && report.ok === true;
        resolve({
          ok,
          python,
          ...(typeof torch === 'string' ? { torch } : {}),
          ...(device === 'cpu' || device === 'cuda' ? { device } : {}),
          missing,
          summary: ok
            ? `torch ${torch} on ${device} (${python})`
            : `unavailable: ${python} cannot import ${missing.join(' and ') || 'torch'}; apt-get install python3-torch python3-zmq (or set TRAINWIRE_PYTHON to a Python that has them)`,
        });
      },
    );
  });
}

/** The self-check's one JSON line, or undefined when it printed none. */
function parseSelfCheck(
  stdout: string,
): { ok?: unknown; torch?: unknown; device?: unknown; missing: string[] } | undefined {
  const line = stdout.trim().split('\n').at(-1);
  if (!line) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const missing = Array.isArray(parsed.missing)
      ? parsed.missing.filter((m): m is string => typeof m === 'string')
      : [];
    return { ok: parsed.ok, torch: parsed.torch, device: parsed.device, missing };
  } catch {
    return undefined;
  }
}
