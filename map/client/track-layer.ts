import type { CustomLayerInterface, CustomRenderMethodInput, Map as MapLibreMap } from 'maplibre-gl';
import { compileProgram, matrixFrom, rgb, vertexArray } from './gl-program.ts';
import { mercatorX, mercatorY } from './live-state.ts';
import type { ReplayTrack } from './replay-position.ts';
import { OTHER_COLOUR, TYPE_COLOURS, TYPE_ORDER } from './vehicle-style.ts';

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
uniform vec3 u_colours[${TYPE_ORDER.length + 1}];
in vec2 a_pos;
in float a_type;
out vec3 v_colour;
void main() {
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  v_colour = u_colours[int(a_type)];
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec3 v_colour;
out vec4 colour;
void main() {
  colour = vec4(v_colour * 0.35, 0.35);
}`;

/** Floats per vertex: x, y (Web Mercator, from the origin), type. */
const STRIDE = 3;

const layers = new WeakMap<MapLibreMap, TrackLayer>();

/**
 * The tracks of an answer's vehicles, one thin line each coloured by type, as
 * a WebGL layer: a thousand tracks of sixty points are one buffer of line
 * segments, drawn on the next frame. As a GeoJSON source they had to be tiled
 * in MapLibre's worker first, which took most of the second an answer may take
 * to show (bench:map).
 */
export class TrackLayer implements CustomLayerInterface {
  readonly id = 'result-tracks';
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  /** Tracks in the buffer the last render drew; undefined until a render has drawn the newest tracks. */
  drawn: number | undefined = 0;
  private map: MapLibreMap | undefined;
  private program: WebGLProgram | undefined;
  private vao: WebGLVertexArrayObject | undefined;
  private buffer: WebGLBuffer | undefined;
  private pending: { vertices: Float32Array; tracks: number } | undefined;
  private vertices = 0;
  private origin: [number, number] = [0, 0];
  private colours: WebGLUniformLocation | null = null;
  private matrix: WebGLUniformLocation | null = null;

  show(tracks: readonly ReplayTrack[]): void {
    const first = tracks.find((t) => t.points.length > 0)?.points[0];
    if (first) this.origin = [mercatorX(first[0]), mercatorY(first[1])];
    const segments = tracks.reduce((n, t) => n + Math.max(0, t.points.length - 1), 0);
    const vertices = new Float32Array(segments * 2 * STRIDE);
    let v = 0;
    for (const track of tracks) {
      const index = TYPE_ORDER.indexOf(track.vehicleType);
      const type = index < 0 ? TYPE_ORDER.length : index;
      for (let i = 1; i < track.points.length; i++) {
        for (const [lon, lat] of [track.points[i - 1]!, track.points[i]!]) {
          vertices[v++] = mercatorX(lon) - this.origin[0];
          vertices[v++] = mercatorY(lat) - this.origin[1];
          vertices[v++] = type;
        }
      }
    }
    this.pending = { vertices, tracks: tracks.filter((t) => t.points.length > 1).length };
    this.drawn = undefined;
    this.map?.triggerRepaint();
  }

  onAdd(map: MapLibreMap, gl: WebGL2RenderingContext): void {
    this.map = map;
    this.program = compileProgram(gl, 'track layer', VERTEX, FRAGMENT);
    this.colours = gl.getUniformLocation(this.program, 'u_colours');
    this.matrix = gl.getUniformLocation(this.program, 'u_matrix');
    this.buffer = gl.createBuffer();
    this.vao = vertexArray(gl, this.program, this.buffer, [['a_pos', 2], ['a_type', 1]]);
  }

  render(gl: WebGL2RenderingContext, options: CustomRenderMethodInput): void {
    if (!this.program) return;
    let tracks = this.drawn;
    if (this.pending) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer!);
      gl.bufferData(gl.ARRAY_BUFFER, this.pending.vertices, gl.STATIC_DRAW);
      this.vertices = this.pending.vertices.length / STRIDE;
      tracks = this.pending.tracks;
      this.pending = undefined;
    }
    if (this.vertices > 0) {
      gl.useProgram(this.program);
      gl.uniformMatrix4fv(this.matrix, false, matrixFrom(options.defaultProjectionData.mainMatrix, this.origin));
      gl.uniform3fv(this.colours, [...TYPE_ORDER.map((t) => TYPE_COLOURS[t]!), OTHER_COLOUR].flatMap(rgb));
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
      gl.bindVertexArray(this.vao!);
      gl.drawArrays(gl.LINES, 0, this.vertices);
      gl.bindVertexArray(null);
    }
    this.drawn = tracks;
  }
}

/** Adds the layer for an answer's tracks under the given layer. */
export function addTrackLayer(map: MapLibreMap, beforeId: string): void {
  const layer = new TrackLayer();
  layers.set(map, layer);
  map.addLayer(layer, beforeId);
}

/** Draws an answer's tracks (replacing the previous answer's) on the map's track layer. */
export function showResultTracks(map: MapLibreMap, tracks: readonly ReplayTrack[]): void {
  layers.get(map)?.show(tracks);
}

/** Tracks the map drew in its last frame, or undefined while the newest are not drawn yet (bench:map waits on it). */
export function drawnResultTracks(map: MapLibreMap): number | undefined {
  return layers.get(map)?.drawn;
}
