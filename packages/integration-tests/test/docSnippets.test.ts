import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Every ```ts block in docs/ and the READMEs is type-checked against the built packages,
// so an example cannot drift from the API. Names a block uses without defining come from
// an HTML comment right above its fence, which renderers hide:
//   <!-- snippet: import type { JobSession } from '@trainwire/core'; declare const session: JobSession; -->

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = fileURLToPath(new URL('../.snippets/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Snippet {
  source: string;
  line: number;
  code: string;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  const readmes = readdirSync(join(root, 'packages')).map((name) =>
    join(root, 'packages', name, 'README.md'),
  );
  return [join(root, 'README.md'), ...docs, ...readmes].filter((path) => {
    try {
      readFileSync(path);
      return true;
    } catch {
      return false;
    }
  });
}

function extractSnippets(path: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const prelude = /^<!--\s*snippet:(.*)-->\s*$/.exec(lines[i - 1] ?? '')?.[1] ?? '';
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end === -1) throw new Error(`${path}:${i + 1}: a \`\`\`ts block that never closes`);
    const body = lines.slice(i + 1, end).join('\n');
    snippets.push({ source: relative(root, path), line: i + 1, code: `${prelude}\n${body}\n` });
    i = end;
  }
  return snippets;
}

describe('code in the docs', () => {
  it('type-checks against the built packages', async () => {
    const snippets = markdownFiles().flatMap((path) =>
      extractSnippets(path, readFileSync(path, 'utf8')),
    );
    // The READMEs and docs hold at least this many; fewer means the extraction broke.
    expect(snippets.length).toBeGreaterThanOrEqual(9);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const names = new Map<string, Snippet>();
    snippets.forEach((snippet, n) => {
      const name = `${snippet.source.replace(/[^\w]+/g, '_')}_${n}.ts`;
      names.set(name, snippet);
      // The prelude shares the block's first line, so line numbers match the markdown.
      writeFileSync(join(work, name), `${snippet.code}export {};\n`);
    });
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.base.json',
        compilerOptions: {
          noEmit: true,
          types: ['node'],
          declaration: false,
          declarationMap: false,
          lib: ['ES2023'],
        },
        include: ['*.ts'],
      }),
    );
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', work], {
      cwd: dirname(work),
    }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string }) => ({
        code: error.code ?? 1,
        output: String(error.stdout ?? error),
      }),
    );
    // Point each diagnostic at the markdown: "docs/x.md block at line 40, line 3: …".
    const readable = result.output.replace(/^(\S+?\.ts)\((\d+),\d+\)/gm, (_all, file, line) => {
      const snippet = names.get(String(file).split('/').pop()!);
      return snippet
        ? `${snippet.source}:${snippet.line + Number(line) - 1}`
        : `${String(file)}:${String(line)}`;
    });
    expect(readable).toBe('');
    expect(result.code).toBe(0);
    rmSync(work, { recursive: true, force: true });
  }, 60_000);
});
