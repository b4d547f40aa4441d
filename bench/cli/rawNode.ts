// The baseline for the command-line rows of `npm run bench`: a bare RTCDataChannel in Node on the same
// WebRTC stack as the CLI (node-datachannel), no PeerJS, no framing, no hashing, no disk. Signaled by the
// bench driver over stdin/stdout (one JSON line each way), so it needs no tracker.
//
//   node rawNode.ts offer|answer send|receive <bytes>
//   offer:  prints {"sdp"} (the offer), reads {"sdp"} (the answer)
//   answer: reads {"sdp"} (the offer), prints {"sdp"} (the answer)
//   receive: prints {"bytes","ms"} once all bytes arrived (ms: first to last byte); send: prints {"sent"}
import { randomFillSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import polyfill from 'node-datachannel/polyfill';

const [role, direction, total] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const MESSAGE = 64 * 1024;
const HIGH = 4 * 1024 * 1024;
const LOW = 1024 * 1024;

const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const pc = new polyfill.RTCPeerConnection({ iceServers: [] });
const gathered = () =>
  new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });

const channel: Promise<RTCDataChannel> =
  role === 'offer'
    ? Promise.resolve(pc.createDataChannel('bench', { ordered: true }) as unknown as RTCDataChannel)
    : new Promise((resolve) => {
        pc.addEventListener('datachannel', (e) => resolve((e as RTCDataChannelEvent).channel));
      });

if (role === 'offer') {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered();
  say({ sdp: pc.localDescription?.sdp });
  const { sdp } = JSON.parse(await nextLine()) as { sdp: string };
  await pc.setRemoteDescription({ type: 'answer', sdp });
} else {
  const { sdp } = JSON.parse(await nextLine()) as { sdp: string };
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered();
  say({ sdp: pc.localDescription?.sdp });
}

const dc = await channel;
dc.binaryType = 'arraybuffer';
if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));

if (direction === 'receive') {
  let got = 0;
  let first = 0;
  await new Promise<void>((resolve) => {
    dc.addEventListener('message', (e) => {
      if (got === 0) first = performance.now();
      got += (e as MessageEvent<ArrayBuffer>).data.byteLength;
      if (got >= total) resolve();
    });
  });
  say({ bytes: got, ms: performance.now() - first });
} else {
  const data = new Uint8Array(total);
  for (let at = 0; at < total; at += 65536) randomFillSync(data, at, Math.min(65536, total - at));
  dc.bufferedAmountLowThreshold = LOW;
  for (let at = 0; at < total; at += MESSAGE) {
    // the same water marks as the engine; polled as well, as the CLI's channel does
    while (dc.bufferedAmount > HIGH) await new Promise((r) => setTimeout(r, 2));
    dc.send(data.subarray(at, Math.min(total, at + MESSAGE)));
  }
  while (dc.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 5));
  say({ sent: total });
  await nextLine(); // the driver says when the receiver has everything
}
process.exit(0);
