import type { Map as MapLibreMap } from 'maplibre-gl';
import { byId } from './dom.ts';
import type { Position } from './geometry.ts';
import { setData } from './map-layers.ts';

/** Share of the view an arrow key moves the map by; with Shift, a larger share. */
const STEP = 0.05;
const SHIFT_STEP = 0.25;
const HELP = 'Drawing with the keyboard: arrow keys move the map under the crosshair (Shift: further, + and − zoom), Space adds a corner, Backspace removes the last, Enter closes the polygon, Escape cancels.';

/**
 * A polygon drawn without a mouse: the map takes the focus with a crosshair
 * in its middle, the arrow keys move the map under it, Space adds a corner
 * where it points and Enter closes the polygon, as Enter closes terra-draw's
 * (the mouse's) polygon too. The corners and the edge to the crosshair are
 * drawn as they are added, and a status line says what each key does and how
 * many corners there are.
 */
export class KeyboardDraw {
  private corners: Position[] = [];
  private active = false;
  private readonly crosshair = document.createElement('div');
  private readonly help = byId('draw-help');

  constructor(
    private readonly map: MapLibreMap,
    private readonly finished: (ring: Position[]) => void,
    private readonly ended: () => void,
  ) {
    this.crosshair.className = 'crosshair';
    this.crosshair.hidden = true;
    this.crosshair.setAttribute('aria-hidden', 'true');
    map.getContainer().append(this.crosshair);
    // Capture phase on the container: ahead of MapLibre's own keyboard handler on the canvas, which pans with an animation.
    map.getContainer().addEventListener('keydown', (event) => this.key(event), true);
    map.on('move', () => this.active && this.drawCorners());
    map.getCanvas().addEventListener('blur', () => this.active && this.stop('Drawing stopped: the map lost the focus.'));
  }

  start(): void {
    this.active = true;
    this.corners = [];
    this.crosshair.hidden = false;
    this.say();
    this.drawCorners();
    this.map.getCanvas().focus();
  }

  private key(event: KeyboardEvent): void {
    if (!this.active) return;
    const step = event.shiftKey ? SHIFT_STEP : STEP;
    const canvas = this.map.getCanvas();
    const pan: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = pan[event.key];
    if (move) this.map.panBy([move[0] * canvas.clientWidth, move[1] * canvas.clientHeight], { duration: 0 });
    else if (event.key === ' ') this.add();
    else if (event.key === 'Backspace') this.corners.pop();
    else if (event.key === 'Enter') this.close();
    else if (event.key === 'Escape') this.stop('Drawing cancelled.');
    else return; // + and - zoom around the middle, as MapLibre does by itself
    event.preventDefault();
    event.stopPropagation();
    if (this.active) {
      this.say();
      this.drawCorners();
    }
  }

  private add(): void {
    const { lng, lat } = this.map.getCenter();
    this.corners.push([+lng.toFixed(6), +lat.toFixed(6)]);
  }

  private close(): void {
    if (this.corners.length < 3) {
      this.help.textContent = `A polygon needs 3 corners or more; it has ${this.corners.length}. ${HELP}`;
      return;
    }
    const ring = [...this.corners, this.corners[0]!];
    this.stop(`Polygon of ${this.corners.length} corners drawn.`);
    this.finished(ring);
  }

  private stop(message: string): void {
    this.active = false;
    this.crosshair.hidden = true;
    this.help.textContent = message;
    setData(this.map, 'area', { type: 'FeatureCollection', features: [] });
    this.ended();
  }

  private say(): void {
    const { lng, lat } = this.map.getCenter();
    this.help.textContent = `${this.corners.length} corners; crosshair at ${lng.toFixed(5)}, ${lat.toFixed(5)}. ${HELP}`;
  }

  /** The corners so far and the edge on to the crosshair, where the next corner would go. */
  private drawCorners(): void {
    const { lng, lat } = this.map.getCenter();
    const line = [...this.corners, [lng, lat]];
    setData(this.map, 'area', { type: 'FeatureCollection', features: line.length > 1 ? [{ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: {} }] : [] });
  }
}
