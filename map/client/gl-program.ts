/** A linked WebGL program from its two shaders, or an error naming the layer and the compiler's complaint. */
export function compileProgram(gl: WebGL2RenderingContext, layer: string, vertex: string, fragment: string): WebGLProgram {
  const program = gl.createProgram();
  for (const [type, source] of [[gl.VERTEX_SHADER, vertex], [gl.FRAGMENT_SHADER, fragment]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`${layer} shader: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`${layer} program: ${gl.getProgramInfoLog(program)}`);
  return program;
}

/** Float attributes of one interleaved buffer, in order, as [name, size]: bound to a new vertex array. */
export function vertexArray(gl: WebGL2RenderingContext, program: WebGLProgram, buffer: WebGLBuffer, attributes: readonly (readonly [string, number])[]): WebGLVertexArrayObject {
  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  const stride = attributes.reduce((n, [, size]) => n + size, 0) * 4;
  let offset = 0;
  for (const [name, size] of attributes) {
    const location = gl.getAttribLocation(program, name);
    gl.enableVertexAttribArray(location);
    gl.vertexAttribPointer(location, size, gl.FLOAT, false, stride, offset);
    offset += size * 4;
  }
  gl.bindVertexArray(null);
  return vao;
}

/**
 * The map's Web Mercator matrix moved to an origin, computed in float64
 * before the float32 upload: positions stored relative to a point near them
 * keep a street's precision in float32, absolute ones (0..1 of the world) do not.
 */
export function matrixFrom(matrix: ArrayLike<number>, [x, y]: readonly [number, number]): Float32Array {
  const m = Float32Array.from(matrix);
  for (let row = 0; row < 4; row++) m[12 + row] = matrix[row]! * x + matrix[4 + row]! * y + matrix[12 + row]!;
  return m;
}

/** '#rrggbb' as three 0..1 floats. */
export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}
