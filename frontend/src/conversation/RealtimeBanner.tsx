/** Shown while live updates are unavailable and the page falls back to polling. */
export function RealtimeBanner() {
  return (
    <div role="alert" className="banner">
      Live updates are unavailable. New messages are checked every 8 seconds until they are back.
    </div>
  );
}
