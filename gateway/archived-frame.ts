import { reject, type FrameReject, type Framed } from './frame-outcome.ts';
import type { GatewayProtocol } from './frame-record.ts';
import { readGt06Frame } from './gt06/gt06-frame.ts';
import { decodeGt06Message } from './gt06/gt06-message.ts';
import { decodeOsmandRequest } from './osmand/osmand-report.ts';
import { readTeltonikaImei, readTeltonikaTcp } from './teltonika/tcp-frame.ts';
import { decodeTeltonikaUdp } from './teltonika/udp-datagram.ts';
import { gt06Positions, osmandPositions, teltonikaPositions, type Mapped, type Vehicle } from './to-positions.ts';

/** What replay makes of one archived frame, through the listeners' own decoders. */
export type ArchivedFrame =
  /** Records of `deviceId`; `map` turns them into positions once the registry named the vehicle. */
  | { readonly kind: 'records'; readonly deviceId: string; map(vehicle: Vehicle): Mapped }
  /** A frame that never carries records: a login, heartbeat, keep-alive, command answer. */
  | { readonly kind: 'none' }
  | { readonly kind: 'reject'; readonly reject: FrameReject };

/**
 * Decodes an archived frame as its listener would have (rows of
 * fleet.device_frames: Teltonika TCP frames one packet each, UDP datagrams
 * whole, GT06 frames one each, OsmAnd requests as `METHOD URL\n` + body,
 * without the content type, which the listener only needs to tell a JSON
 * body that does not start with a brace). `deviceId` is the one the archive
 * recorded: stream protocols say who they are once, at login.
 */
export function decodeArchivedFrame(protocol: GatewayProtocol, deviceId: string, frame: Buffer, maxFrameBytes: number): ArchivedFrame {
  const out = decodeOne(protocol, deviceId, frame, maxFrameBytes);
  return 'ok' in out ? { kind: 'reject', reject: out } : out;
}

function decodeOne(protocol: GatewayProtocol, deviceId: string, frame: Buffer, maxFrameBytes: number): Exclude<ArchivedFrame, { kind: 'reject' }> | FrameReject {
  switch (protocol) {
    case 'teltonika': {
      // A login is `u16 length | IMEI`; every packet starts with the zero preamble or is a lone FF keep-alive.
      if (frame.length > 0 && frame[0] !== 0xff && !(frame.length >= 4 && frame.readUInt32BE(0) === 0)) return whole(readTeltonikaImei(frame), frame) ?? { kind: 'none' };
      const out = readTeltonikaTcp(frame, maxFrameBytes);
      const bad = whole(out, frame);
      if (bad) return bad;
      if (out.kind !== 'frame' || out.value.type !== 'avl') return { kind: 'none' };
      const records = out.value.data.records;
      return loggedIn(deviceId) ?? { kind: 'records', deviceId, map: (vehicle) => teltonikaPositions(deviceId, vehicle, records) };
    }
    case 'teltonika-udp': {
      const out = decodeTeltonikaUdp(frame, maxFrameBytes);
      if (!out.ok) return out;
      const { imei, data } = out.value;
      return { kind: 'records', deviceId: imei, map: (vehicle) => teltonikaPositions(imei, vehicle, data.records) };
    }
    case 'gt06': {
      const out = readGt06Frame(frame, maxFrameBytes);
      const bad = whole(out, frame);
      if (bad) return bad;
      if (out.kind !== 'frame') return { kind: 'none' };
      const message = decodeGt06Message(out.value);
      if (!message.ok) return message;
      const m = message.value;
      if (m.type !== 'location') return { kind: 'none' };
      return loggedIn(deviceId) ?? { kind: 'records', deviceId, map: (vehicle) => gt06Positions(deviceId, vehicle, m) };
    }
    case 'osmand': {
      const newline = frame.indexOf(0x0a);
      const [method, target] = frame.toString('utf8', 0, newline < 0 ? frame.length : newline).split(' ');
      if (newline < 0 || !method || !target) return reject('truncated', 'an archived request is `METHOD URL` and a newline before its body');
      const out = decodeOsmandRequest(method, target, '', frame.subarray(newline + 1));
      if (!out.ok) return out;
      const reports = out.value;
      return { kind: 'records', deviceId: reports[0]?.deviceId ?? '', map: (vehicle) => osmandPositions(vehicle, reports) };
    }
  }
}

/** The reject of a framer that did not find exactly one whole frame in an archived one; undefined when it did. */
function whole<T>(out: Framed<T>, frame: Buffer): FrameReject | undefined {
  if (out.kind === 'incomplete') return reject('truncated', `the archived frame ends after ${frame.length} bytes`);
  if (out.kind === 'reject') return out.reject;
  return out.length === frame.length ? undefined : reject('malformed', `the archived frame holds ${frame.length} bytes but its frame ${out.length}`);
}

const loggedIn = (deviceId: string): FrameReject | undefined => (deviceId === '' ? reject('not_logged_in', 'archived before the device logged in') : undefined);
