import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Lists every .ts file under `folder`, recursively. */
function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(entryPath);
    return entry.name.endsWith('.ts') ? [entryPath] : [];
  });
}

/** Package names that `source` loads at run time: value imports, side-effect imports, import() and require(). Type-only imports are left out. */
function runtimePackages(source: string): string[] {
  const patterns = [
    /^import\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm,
    /^import\s+'([^']+)'/gm,
    /\bimport\(\s*'([^']+)'\s*\)/g,
    /\brequire\(\s*'([^']+)'\s*\)/g,
  ];
  const specifiers = patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

describe('runtime dependencies', () => {
  it('lists every package that src loads in dependencies', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing = new Set<string>();
    for (const file of typeScriptFiles(path.join(ROOT, 'src'))) {
      for (const name of runtimePackages(readFileSync(file, 'utf8'))) {
        if (!(name in manifest.dependencies)) missing.add(`${name} (${path.relative(ROOT, file)})`);
      }
    }

    // `npm ci --omit=dev`, and `npm ci` with NODE_ENV=production, install no devDependencies.
    expect([...missing]).toEqual([]);
  });
});
