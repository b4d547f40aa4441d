// Where Share and Download would act on a browser without WebRTC: what it cannot do, and what to do.
export const NO_WEBRTC_SENTENCE =
  'This browser can’t send or receive files directly: to download or share, open this room in another ' +
  'browser, or turn off the setting that blocks it (such as Lockdown Mode on iPhone).';

export function NoWebRtcNote() {
  return <p className="note no-webrtc">{NO_WEBRTC_SENTENCE}</p>;
}

/** Stands where "Add files" would be. */
export function CannotShare() {
  return (
    <section className="panel add-files" aria-labelledby="add-title">
      <h2 id="add-title">Share files</h2>
      <NoWebRtcNote />
    </section>
  );
}
