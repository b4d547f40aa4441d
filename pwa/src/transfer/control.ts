// Control messages: JSON text frames, validated on arrival. Anything else is dropped and counted.
import {
  type ControlMessage,
  controlMessage,
  MAX_CONTROL_MESSAGE,
} from '../../../worker/protocol/transfer.ts';

export function encodeControl(message: ControlMessage): string {
  return JSON.stringify(message);
}

/** The message, or null when the text is too long, not JSON or not a known message. */
export function decodeControl(text: string): ControlMessage | null {
  if (text.length > MAX_CONTROL_MESSAGE) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the caller counts it as a malformed message from that source
    return null;
  }
  const parsed = controlMessage.safeParse(value);
  return parsed.success ? parsed.data : null;
}
