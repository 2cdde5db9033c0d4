// Plain JavaScript, loaded before tsx: it must run on any Node, to say which one fleetlake needs.
export const MINIMUM_NODE = [22, 15];

/** Why this Node cannot run fleetlake, or undefined when it can. */
export function unsupportedNode(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return (
    `fleetlake needs Node.js ${needMajor}.${needMinor} or newer (24 LTS recommended), and this is ${version}. ` +
    '`npm install` puts Node 24 into node_modules/.bin on Linux x64: run fleetlake as `npx fleetlake …` or `npm start`, ' +
    'which use it, or install Node 24 (https://nodejs.org).'
  );
}
