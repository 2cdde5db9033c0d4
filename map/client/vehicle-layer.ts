import type { CustomLayerInterface, CustomRenderMethodInput, Map as MapLibreMap } from 'maplibre-gl';
import { compileProgram, matrixFrom, rgb, vertexArray } from './gl-program.ts';
import type { LiveFrame } from './live-state.ts';
import { HEADING_ZOOM, OTHER_COLOUR, STALE_COLOUR, TYPE_COLOURS, TYPE_ORDER } from './vehicle-style.ts';

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
uniform float u_size;
uniform float u_bearing;
uniform float u_now;
uniform float u_stale_after;
uniform vec3 u_colours[${TYPE_ORDER.length + 2}];
in vec2 a_pos;
in float a_heading;
in float a_type;
in float a_seen;
out vec3 v_colour;
out float v_angle;
void main() {
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  gl_PointSize = u_size;
  bool stale = u_now - a_seen > u_stale_after;
  v_colour = u_colours[stale ? ${TYPE_ORDER.length + 1} : int(a_type)];
  v_angle = radians(a_heading - u_bearing);
}`;

/** A dot with a thin white ring; from HEADING_ZOOM an arrow turned to the heading, white-edged. */
const FRAGMENT = `#version 300 es
precision mediump float;
uniform bool u_arrows;
in vec3 v_colour;
in float v_angle;
out vec4 colour;
float edge(vec2 p, vec2 a, vec2 b) { return (p.x - a.x) * (b.y - a.y) - (p.y - a.y) * (b.x - a.x); }
void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float inside;
  float ring;
  if (u_arrows) {
    // Turned back by the heading, the arrow points up: tip, right barb, notch, left barb.
    vec2 q = vec2(cos(v_angle) * p.x + sin(v_angle) * p.y, -sin(v_angle) * p.x + cos(v_angle) * p.y);
    vec2 tip = vec2(0.0, -0.95), right = vec2(0.7, 0.8), notch = vec2(0.0, 0.4), left = vec2(-0.7, 0.8);
    bool a = edge(q, tip, right) <= 0.0 && edge(q, right, notch) <= 0.0 && edge(q, notch, tip) <= 0.0;
    bool b = edge(q, tip, notch) <= 0.0 && edge(q, notch, left) <= 0.0 && edge(q, left, tip) <= 0.0;
    if (!a && !b) discard;
    inside = 1.0;
    ring = 0.0;
  } else {
    float d = length(p);
    if (d > 1.0) discard;
    inside = 1.0 - smoothstep(0.85, 1.0, d);
    ring = smoothstep(0.6, 0.75, d);
  }
  vec3 c = mix(v_colour, vec3(1.0), ring);
  colour = vec4(c * inside, inside);
}`;

/**
 * The live fleet as one WebGL point sprite per vehicle (a MapLibre custom
 * layer). A new frame replaces one vertex buffer, uploaded at most once per
 * display frame; nothing is re-tiled, and the GPU greys stale vehicles by
 * itself, so time passing costs no upload. GeoJSON sources re-tile every
 * vehicle in MapLibre's worker on each update, which under software WebGL cost
 * hundreds of ms a second at 10,000 vehicles (bench:map, docs/map.md).
 */
export class VehicleLayer implements CustomLayerInterface {
  readonly id = 'vehicles';
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  /** Vehicles in the buffer the last render drew (the browser tests check it against the lake). */
  drawn = 0;
  private map: MapLibreMap | undefined;
  private gl: WebGL2RenderingContext | undefined;
  private program: WebGLProgram | undefined;
  private vao: WebGLVertexArrayObject | undefined;
  private buffer: WebGLBuffer | undefined;
  private pending: LiveFrame | undefined;
  private current: LiveFrame | undefined;
  private uniforms = new Map<string, WebGLUniformLocation | null>();

  constructor(private readonly staleAfterMs: number) {}

  /** Takes the newest frame; it is uploaded on the next render. */
  show(frame: LiveFrame): void {
    this.pending = frame;
    this.map?.triggerRepaint();
  }

  onAdd(map: MapLibreMap, gl: WebGL2RenderingContext): void {
    this.map = map;
    this.gl = gl;
    this.program = compileProgram(gl, 'vehicle layer', VERTEX, FRAGMENT);
    for (const name of ['u_matrix', 'u_size', 'u_bearing', 'u_now', 'u_stale_after', 'u_colours', 'u_arrows']) this.uniforms.set(name, gl.getUniformLocation(this.program, name));
    this.buffer = gl.createBuffer();
    this.vao = vertexArray(gl, this.program, this.buffer, [['a_pos', 2], ['a_heading', 1], ['a_type', 1], ['a_seen', 1]]);
  }

  onRemove(): void {
    this.gl?.deleteBuffer(this.buffer ?? null);
    this.gl?.deleteVertexArray(this.vao ?? null);
    this.gl?.deleteProgram(this.program ?? null);
  }

  render(gl: WebGL2RenderingContext, options: CustomRenderMethodInput): void {
    if (!this.program || !this.map) return;
    if (this.pending) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer!);
      gl.bufferData(gl.ARRAY_BUFFER, this.pending.gpu, gl.DYNAMIC_DRAW);
      this.current = this.pending;
      this.pending = undefined;
    }
    const frame = this.current;
    if (!frame || frame.count === 0) {
      this.drawn = 0;
      return;
    }
    const zoom = this.map.getZoom();
    const arrows = zoom >= HEADING_ZOOM;
    // Dot radius 2.5 px at zoom 9 to 4.5 at 13 (as the circle layer had), arrows 16 px; in device pixels.
    const radius = 2.5 + (Math.min(Math.max(zoom, 9), 13) - 9) * 0.5;
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(this.uniforms.get('u_matrix')!, false, matrixFrom(options.defaultProjectionData.mainMatrix, frame.origin));
    gl.uniform1f(this.uniforms.get('u_size')!, (arrows ? 16 : radius * 2 + 1) * devicePixelRatio);
    gl.uniform1f(this.uniforms.get('u_bearing')!, this.map.getBearing());
    gl.uniform1f(this.uniforms.get('u_now')!, (Date.now() - frame.timeBase) / 1000);
    gl.uniform1f(this.uniforms.get('u_stale_after')!, this.staleAfterMs / 1000);
    gl.uniform3fv(this.uniforms.get('u_colours')!, [...TYPE_ORDER.map((t) => TYPE_COLOURS[t]!), OTHER_COLOUR, STALE_COLOUR].flatMap(rgb));
    gl.uniform1i(this.uniforms.get('u_arrows')!, arrows ? 1 : 0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.bindVertexArray(this.vao!);
    gl.drawArrays(gl.POINTS, 0, frame.count);
    gl.bindVertexArray(null);
    this.drawn = frame.count;
  }
}
