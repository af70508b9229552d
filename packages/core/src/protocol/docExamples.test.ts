/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatFieldIssues, toFieldIssues } from '../errors.js';
import { decodeFrame } from './decodeFrame.js';
import { isWireErrorCode } from './errorCodes.js';
import { WIRE_ERROR_DETAILS } from './errorDetailsSchemas.js';
import { isMethodName, METHODS } from './methods.js';

const PAGE = fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url));

/** The frames of each ```json block of docs/protocol.md, one per line. */
function exampleBlocks(): Array<Array<Record<string, unknown> & { text: string }>> {
  const blocks = readFileSync(PAGE, 'utf8').split('```json\n').slice(1);
  return blocks.map((block) =>
    block
      .slice(0, block.indexOf('```'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((text) => ({ ...(JSON.parse(text) as Record<string, unknown>), text })),
  );
}

function expectValid(
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  value: unknown,
  what: string,
) {
  const parsed = schema.safeParse(value);
  const detail = parsed.success ? '' : formatFieldIssues(toFieldIssues(parsed.error as never));
  expect(detail, what).toBe('');
}

describe('the examples of docs/protocol.md', () => {
  const blocks = exampleBlocks();

  it('are there, one block per payload the page describes', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });

  it('decode as frames; requests, answers and error details match their schemas', () => {
    const methods = new Set<string>();
    for (const frames of blocks) {
      const requests = new Map<string, string>();
      for (const frame of frames) {
        const decoded = decodeFrame(frame.text);
        if (frame.v !== 1) {
          expect(!decoded.ok && decoded.code, frame.text).toBe('unsupported_version');
          continue;
        }
        if (frame.id === 'k3-3') {
          // The example of an unreadable frame: the page shows the answer it really gets.
          const answer = frames.find((f) => f.type === 'error' && f.ref === 'k3-3');
          expect(!decoded.ok && decoded.message).toBe(answer?.message);
          continue;
        }
        expect(decoded.ok ? '' : decoded.message, frame.text).toBe('');
        if (frame.type === 'request') {
          const method = String(frame.method);
          expect(isMethodName(method), method).toBe(true);
          if (!isMethodName(method)) continue;
          methods.add(method);
          requests.set(String(frame.id), method);
          if (frame.id === 'c-12') continue; // the example of bad params
          expectValid(METHODS[method].params, frame.params, frame.text);
        }
        if (frame.type === 'response') {
          const method = requests.get(String(frame.id));
          expect(method, `no request ${String(frame.id)} before its answer`).toBeDefined();
          if (frame.ok === true && method !== undefined && isMethodName(method))
            expectValid(METHODS[method].result, frame.result, frame.text);
          const error = frame.error as { code: string; details?: unknown } | undefined;
          if (error !== undefined) {
            expect(isWireErrorCode(error.code), error.code).toBe(true);
            const schema = WIRE_ERROR_DETAILS[error.code as keyof typeof WIRE_ERROR_DETAILS];
            if (schema && error.details !== undefined)
              expectValid(schema, error.details, frame.text);
          }
        }
        if (frame.type === 'error') expect(isWireErrorCode(String(frame.code))).toBe(true);
      }
    }
    // Every method has an example.
    expect([...methods].sort()).toEqual(Object.keys(METHODS).sort());
  });
});
