import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from './url-state.ts';

describe('the view in the URL', () => {
  it('round-trips a drawn area, period, filters and the selected vehicle', () => {
    const state = {
      ring: [[-73.6, 45.5], [-73.57, 45.5], [-73.57, 45.52], [-73.6, 45.5]] as [number, number][],
      from: '2025-03-03T06:00:00',
      to: '2025-03-03T07:00:00',
      movingOnly: false,
      types: ['van', 'truck'],
      vehicle: 'v-00007',
    };
    const search = encodeState(state);
    expect(search).toBe('?area=-73.6%2C45.5%3B-73.57%2C45.5%3B-73.57%2C45.52%3B-73.6%2C45.5&from=2025-03-03T06%3A00%3A00&to=2025-03-03T07%3A00%3A00&moving=0&types=van%2Ctruck&vehicle=v-00007');
    expect(decodeState(search)).toEqual(state);
  });

  it('keeps a district instead of a ring, leaves defaults out, and drops a broken ring', () => {
    expect(encodeState({ district: 'd06', movingOnly: true })).toBe('?district=d06');
    expect(decodeState('?district=d06')).toEqual({ district: 'd06' });
    expect(decodeState('?area=1,2;x,y')).toEqual({});
    expect(encodeState({})).toBe('');
  });
});
