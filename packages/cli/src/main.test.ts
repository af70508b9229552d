import { describe, expect, it } from 'vitest';
import { fakeIo } from '../test/fakeIo.js';
import { COMMANDS } from './commands.js';
import { main } from './main.js';

describe('trainwire', () => {
  it('lists every command in --help', async () => {
    const t = fakeIo();
    expect(await main(['--help'], t.io)).toBe(0);
    for (const command of COMMANDS) expect(t.out()).toContain(command.name);
  });

  it('gives each command a help with every flag, --json and exit 0', async () => {
    for (const command of COMMANDS) {
      const t = fakeIo();
      expect(await main([command.name, '--help'], t.io)).toBe(0);
      for (const flag of Object.keys(command.flags)) expect(t.out()).toContain(`--${flag}`);
      expect(t.out()).toContain('--json');
    }
  });

  it('refuses unknown commands and flags with exit 2', async () => {
    const t = fakeIo();
    expect(await main(['nope'], t.io)).toBe(2);
    expect(await main(['validate', '--bogus'], t.io)).toBe(2);
    expect(t.err()).toContain('--bogus');
  });

  it("Ctrl-C at a question is an interrupt (exit 130) in our words, not inquirer's", async () => {
    const validate = COMMANDS.find((c) => c.name === 'validate')!;
    const run = validate.run;
    // What @inquirer/prompts rejects with when the user presses Ctrl-C at its question.
    const closed = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    (validate as { run: typeof run }).run = async () => async () => Promise.reject(closed);
    try {
      const t = fakeIo();
      expect(await main(['validate', 'x.yaml'], t.io)).toBe(130);
      expect(t.err()).toBe(
        'trainwire validate: stopped at the question (Ctrl-C); nothing was started or changed\n',
      );
    } finally {
      (validate as { run: typeof run }).run = run;
    }
  });
});
