import { describe, expect, it } from 'vitest';
import { FleetlakeError } from '../core/errors.ts';
import { ensureChromium } from './chromium.ts';

describe('ensureChromium', () => {
  it('names the install command when Chromium is missing and it may not install it', () => {
    const error = (() => {
      try {
        ensureChromium('/nonexistent/chromium', 1000);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(FleetlakeError);
    expect(error).toMatchObject({
      code: 'CHROMIUM_MISSING',
      message: 'the browser tests need Chromium at /nonexistent/chromium: run `sudo apt-get install -y chromium` (Debian/Ubuntu)',
    });
  });

  it('gives the executable when it is there', () => {
    expect(ensureChromium(process.execPath, 1000)).toBe(process.execPath);
  });
});
