import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLIENT = fileURLToPath(new URL('../map/client/', import.meta.url));
const MAPLIBRE_CSS = fileURLToPath(import.meta.resolve('maplibre-gl/dist/maplibre-gl.css'));

export interface MapBundle {
  readonly script: string;
  /** The worker that parses the live stream off the page's main thread (map/client/live-worker.ts). */
  readonly liveWorker: string;
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
      entryPoints: { app: `${CLIENT}main.ts`, 'live-worker': `${CLIENT}live-worker.ts` },
      bundle: true,
      write: false,
      // Not written (write: false); esbuild names the outputs from it.
      outdir: 'map-bundle',
      format: 'esm',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(MAPLIBRE_CSS, 'utf8'),
    readFile(`${CLIENT}map.css`, 'utf8'),
  ]);
  const output = (name: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(`/map-bundle/${name}.js`));
    if (!file) throw new Error(`esbuild produced no ${name}.js from map/client`);
    return file.text;
  };
  return { script: output('app'), liveWorker: output('live-worker'), css: `${maplibreCss}\n${ownCss}` };
}
