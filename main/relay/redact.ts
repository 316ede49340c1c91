/** Camera URLs may carry credentials (rtsp://user:pass@host): they never reach a log or an event. */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
