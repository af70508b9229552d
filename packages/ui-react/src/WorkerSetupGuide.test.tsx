import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { expectAccessible, flush } from './__tests__/harness.js';
import { WorkerSetupGuide } from './WorkerSetupGuide.js';

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('WorkerSetupGuide', () => {
  it('gives the steps and copies the commands, quoted for a shell', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) },
    });
    const { container } = render(
      <WorkerSetupGuide
        url="ws://10.0.0.5:8080"
        room="mouse lab"
        keyFile="/home/me/lab.key"
        workerName="rig-2"
      />,
    );
    expect(screen.getByRole('heading', { name: 'No Workers Available' })).toBeTruthy();
    expect(screen.getAllByRole('listitem').length).toBe(4);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Commands' }));
    await flush();
    expect(copied).toEqual([
      [
        'npm install -g @trainwire/cli',
        'chmod 600 /home/me/lab.key',
        "trainwire worker --url ws://10.0.0.5:8080 --room 'mouse lab' --key-file /home/me/lab.key --name rig-2 --data-dir ~/trainwire",
      ].join('\n'),
    ]);
    expect(screen.getByText('Copied.')).toBeTruthy();
    expect(screen.queryByRole('link')).toBeNull();
    await expectAccessible(container);
  });
});
