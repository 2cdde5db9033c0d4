import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLIENT = fileURLToPath(new URL('../map/client/', import.meta.url));
const MAPLIBRE_CSS = fileURLToPath(import.meta.resolve('maplibre-gl/dist/maplibre-gl.css'));

export interface MapBundle {
  readonly script: string;
  readonly css: string;
}

let bundle: Promise<MapBundle> | undefined;

/**
 * The /map page's script and stylesheet, bundled by esbuild from map/client
 * and node_modules the first time a page asks, then kept in memory: nothing
 * is written to disk, so what is served always matches the installed code,
 * and a process that never serves the page never pays the build (1-3 s).
 */
export function mapBundle(): Promise<MapBundle> {
  bundle ??= buildBundle().catch((err: unknown) => {
    bundle = undefined;
    throw err;
  });
  return bundle;
}

async function buildBundle(): Promise<MapBundle> {
  const [result, maplibreCss, ownCss] = await Promise.all([
    build({
      entryPoints: [`${CLIENT}main.ts`],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(MAPLIBRE_CSS, 'utf8'),
    readFile(`${CLIENT}map.css`, 'utf8'),
  ]);
  const [script] = result.outputFiles;
  if (!script) throw new Error('esbuild produced no output for map/client/main.ts');
  return { script: script.text, css: `${maplibreCss}\n${ownCss}` };
}
