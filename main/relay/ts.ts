/**
 * Just enough MPEG-TS parsing for the relay: 188-byte alignment, PAT/PMT (to learn the video PID
 * and its codec), and where a keyframe starts (random access indicator, or an H.264 IDR / SPS in
 * the PES payload), so a new client can start on a decodable picture.
 */
export const TS_PACKET = 188;
const SYNC = 0x47;

export const STREAM_TYPE_H264 = 0x1b;
export const STREAM_TYPE_HEVC = 0x24;

/** Cuts a byte stream into whole, synchronised TS packets; keeps the remainder for the next chunk. */
export class TsAligner {
  private rest: Buffer = Buffer.alloc(0);
  /** Bytes thrown away while looking for sync (a corrupt or foreign stream). */
  discarded = 0;

  push(chunk: Buffer): Buffer {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    // Resynchronise: a packet starts at 0x47 and the next one 188 bytes later.
    while (start < buf.length && !(buf[start] === SYNC && (start + TS_PACKET >= buf.length || buf[start + TS_PACKET] === SYNC))) start++;
    this.discarded += start;
    buf = buf.subarray(start);
    const whole = buf.length - (buf.length % TS_PACKET);
    // Check every packet of the aligned part keeps its sync byte; cut at the first that does not.
    let ok = 0;
    while (ok < whole && buf[ok] === SYNC) ok += TS_PACKET;
    this.rest = Buffer.from(buf.subarray(ok));
    return buf.subarray(0, ok);
  }
}

export interface PacketInfo {
  pid: number;
  pusi: boolean;
  randomAccess: boolean;
  payload: Buffer | undefined;
}

export function readPacket(p: Buffer, offset: number): PacketInfo {
  const b1 = p[offset + 1]!;
  const pid = ((b1 & 0x1f) << 8) | p[offset + 2]!;
  const pusi = (b1 & 0x40) !== 0;
  const afc = (p[offset + 3]! >> 4) & 0x03;
  let pos = offset + 4;
  let randomAccess = false;
  if (afc & 0x02) {
    const afLen = p[pos]!;
    if (afLen > 0) randomAccess = (p[pos + 1]! & 0x40) !== 0;
    pos += 1 + afLen;
  }
  const end = offset + TS_PACKET;
  const payload = afc & 0x01 && pos < end ? p.subarray(pos, end) : undefined;
  return { pid, pusi, randomAccess, payload };
}

/** Finds H.264 NAL unit types in a PES payload start (after the PES header). */
export function h264NalTypes(pesStart: Buffer): number[] {
  if (pesStart.length < 9 || pesStart[0] !== 0 || pesStart[1] !== 0 || pesStart[2] !== 1) return [];
  const headerLen = pesStart[8]!;
  const es = pesStart.subarray(9 + headerLen);
  const types: number[] = [];
  for (let i = 0; i + 3 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1) {
      types.push(es[i + 3]! & 0x1f);
      i += 3;
    }
  }
  return types;
}

export interface TsState {
  pmtPid?: number;
  videoPid?: number;
  videoStreamType?: number;
  pat?: Buffer;
  pmt?: Buffer;
}

/** Reads PAT and PMT sections that fit in one packet (as ffmpeg writes them). */
export function learnTables(packet: Buffer, info: PacketInfo, state: TsState): void {
  if (!info.pusi || !info.payload) return;
  const pl = info.payload;
  const pointer = pl[0]!;
  const sec = pl.subarray(1 + pointer);
  if (info.pid === 0 && sec[0] === 0x00) {
    const sectionLength = ((sec[1]! & 0x0f) << 8) | sec[2]!;
    const end = Math.min(3 + sectionLength - 4, sec.length);
    for (let i = 8; i + 4 <= end; i += 4) {
      const program = (sec[i]! << 8) | sec[i + 1]!;
      const pid = ((sec[i + 2]! & 0x1f) << 8) | sec[i + 3]!;
      if (program !== 0) {
        state.pmtPid = pid;
        break;
      }
    }
    state.pat = Buffer.from(packet);
  } else if (state.pmtPid !== undefined && info.pid === state.pmtPid && sec[0] === 0x02) {
    const sectionLength = ((sec[1]! & 0x0f) << 8) | sec[2]!;
    const programInfoLength = ((sec[10]! & 0x0f) << 8) | sec[11]!;
    const end = Math.min(3 + sectionLength - 4, sec.length);
    for (let i = 12 + programInfoLength; i + 5 <= end; ) {
      const streamType = sec[i]!;
      const pid = ((sec[i + 1]! & 0x1f) << 8) | sec[i + 2]!;
      const esInfoLength = ((sec[i + 3]! & 0x0f) << 8) | sec[i + 4]!;
      if (streamType === STREAM_TYPE_H264 || streamType === STREAM_TYPE_HEVC || streamType === 0x02 || streamType === 0x10) {
        state.videoPid = pid;
        state.videoStreamType = streamType;
        break;
      }
      i += 5 + esInfoLength;
    }
    state.pmt = Buffer.from(packet);
  }
}

/** True when this packet starts a picture a decoder can begin with. */
export function startsKeyframe(info: PacketInfo, state: TsState): boolean {
  if (info.pid !== state.videoPid || !info.pusi) return false;
  if (info.randomAccess) return true;
  if (state.videoStreamType === STREAM_TYPE_H264 && info.payload) {
    const types = h264NalTypes(info.payload);
    return types.includes(5) || types.includes(7);
  }
  return false;
}
