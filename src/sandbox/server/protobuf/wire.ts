// The protobuf wire format, read generically: a message is a list of (field number, wire type, value) records.
// Only what Kubernetes' generated messages use: varints, 64-bit, length-delimited and 32-bit fields.
/* eslint-disable no-bitwise -- the wire format is defined on bits: 7-bit varint groups, 3-bit wire types */

/** One field record of a message. */
export interface WireField {
  /** The field number. */
  readonly field: number;
  /** 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit. */
  readonly wireType: 0 | 1 | 2 | 5;
  /** A varint as a bigint, the raw bytes of a fixed-width or length-delimited field. */
  readonly value: bigint | Uint8Array;
}

/** A malformed protobuf message. */
export class WireFormatError extends Error {
  /** @param message what is wrong, and where */
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** Splits a message into its field records, in order. */
export function readMessage(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (offset >= bytes.length) {
        throw new WireFormatError(`truncated varint at byte ${offset}`);
      }
      const byte = bytes[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        return result;
      }
      if (shift > 63n) {
        throw new WireFormatError(`varint longer than 10 bytes at byte ${offset}`);
      }
    }
  };
  const take = (length: number): Uint8Array => {
    if (offset + length > bytes.length) {
      throw new WireFormatError(`field of ${length} bytes at byte ${offset} runs past the end (${bytes.length} bytes)`);
    }
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        fields.push({ field, wireType, value: varint() });
        break;
      case 1:
        fields.push({ field, wireType, value: take(8) });
        break;
      case 2:
        fields.push({ field, wireType, value: take(Number(varint())) });
        break;
      case 5:
        fields.push({ field, wireType, value: take(4) });
        break;
      default:
        throw new WireFormatError(`field ${field} has wire type ${wireType}, which Kubernetes messages do not use`);
    }
  }
  return fields;
}
