/**
 * The public feedback link of a code (`<origin>/f/<code>`): the server the phone syncs with, or
 * this site when it syncs with the site it came from. The code itself is derived on the phone
 * (domain/feedback.ts feedbackCodeOf), so the link and its QR code exist before the event syncs.
 */
export function feedbackLinkOf(code: string, serverUrl: string, origin: string): string {
  const base = serverUrl.trim().replace(/\/+$/, '') || origin.replace(/\/+$/, '');
  return `${base}/f/${encodeURIComponent(code)}`;
}
